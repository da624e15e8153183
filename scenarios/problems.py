"""Problems found in a scenario: where (a JSON pointer) and what."""

from __future__ import annotations

from dataclasses import dataclass

# The steps from the document's root to a value: ("flights", 3, "date").
Parts = tuple[str | int, ...]


def pointer(*parts: str | int) -> str:
    """The JSON pointer (RFC 6901) to ``parts``: ``pointer("flights", 3, "date") == "/flights/3/date"``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


@dataclass(frozen=True, slots=True)
class Problem:
    """One violation of the scenario contract, at ``pointer`` in the document ("" is the whole document)."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '(document)'}: {self.message}"


class InvalidScenario(Exception):
    """The scenario was refused; ``problems`` lists every reason. Nothing was loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the scenario")
        self.problems = problems
