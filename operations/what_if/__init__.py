"""What-if: preview a delay or a cancellation before committing it (POLICY "What-if"; ADR 10).

The console and the ``what_if`` command use this API only::

    outcome = preview(flight, [Option.delay(120), Option.cancel()], reason="TECH")
    outcome.options[0].meal_vouchers
    apply_option(flight, Option.delay(120), reason="TECH")  # commit the one chosen, as its preview ran it
"""

from .engine import PreviewBusy, PreviewFailed, apply_option, preview
from .options import InvalidPreview, Option, OptionKind
from .tally import OptionOutcome, WhatIf

__all__ = [
    "InvalidPreview",
    "Option",
    "OptionKind",
    "OptionOutcome",
    "PreviewBusy",
    "PreviewFailed",
    "WhatIf",
    "apply_option",
    "preview",
]
