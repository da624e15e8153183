"""The project ships copies of the contract (ADR 1): they must equal the shared originals byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

# The copy in scenarios/contract/ and its original under the shared folder's contract/.
COPIES = [
    ("scenario.schema.json", "scenario.schema.json"),
    ("outcomes.schema.json", "outcomes.schema.json"),
    ("demo.json", "examples/demo.json"),
]


@pytest.mark.parametrize(("copy", "original"), COPIES, ids=[copy for copy, _ in COPIES])
def test_the_shipped_copy_is_the_contracts(copy: str, original: str, contract_dir: Path, shared_dir: Path) -> None:
    assert (contract_dir / copy).read_bytes() == (shared_dir / "contract" / original).read_bytes()
