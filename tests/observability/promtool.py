"""Debian's promtool (package ``prometheus``; ``scripts/ensure_promtool.sh`` installs it in ``make test``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def promtool(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``promtool ARGS``, returning what it printed and its exit code."""
    executable = shutil.which("promtool")
    assert executable, "promtool is needed (make test installs Debian's prometheus package)"
    return subprocess.run(
        [executable, *args], input=stdin, capture_output=True, text=True, cwd=cwd, timeout=60, check=False
    )
