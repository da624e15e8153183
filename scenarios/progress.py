"""Progress of long steps: a callback told how many more items are done (``tqdm.update`` fits)."""

from __future__ import annotations

from collections.abc import Callable

Advance = Callable[[int], None]


def no_progress(done: int) -> None:
    """The :data:`Advance` that reports nothing."""
