"""Checking a scenario document against the contract's JSON schema (Draft 2020-12, the jsonschema library)."""

from __future__ import annotations

import functools
import json
import reprlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator, ValidationError

from .problems import Problem, pointer
from .progress import Advance, no_progress

SCHEMA_FILE = "scenario.schema.json"


@dataclass(frozen=True)
class _Schemas:
    """The document's schema without the top-level arrays' ``items``, and each array's ``items`` schema."""

    document: dict[str, Any]
    items: dict[str, dict[str, Any]]


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """``node`` with every local ``$ref`` replaced by its target (the schema has no recursive references)."""
    if isinstance(node, list):
        return [_inline_refs(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _inline_refs(value, defs) for key, value in node.items() if key != "$defs"}
    if "$ref" not in node:
        return node
    target = _inline_refs(defs[node.pop("$ref").removeprefix("#/$defs/")], defs)
    return {"allOf": [target], **node} if node else target


@functools.cache
def _schemas() -> _Schemas:
    schema = json.loads((settings.CONTRACT_DIR / SCHEMA_FILE).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    # Resolving $ref for every instance costs half of the validation time on large scenarios.
    schema = _inline_refs(schema, schema.get("$defs", {}))
    # The top-level arrays' items are validated one by one, so that progress can be reported.
    items = {
        name: prop.pop("items")
        for name, prop in schema["properties"].items()
        if prop.get("type") == "array" and "items" in prop
    }
    return _Schemas(document=schema, items=items)


def _message(error: ValidationError) -> str:
    # jsonschema's messages start with the instance's repr, which can be a whole section of the document.
    full = repr(error.instance)
    if len(full) > 80 and error.message.startswith(full):
        return reprlib.repr(error.instance) + error.message[len(full) :]
    return error.message


def item_count(document: Any) -> int:
    """How many items the top-level arrays of ``document`` hold (the progress total of :func:`schema_problems`)."""
    if not isinstance(document, dict):
        return 0
    return sum(len(value) for name in _schemas().items if isinstance(value := document.get(name), list))


def schema_problems(document: Any, advance: Advance = no_progress) -> list[Problem]:
    """Every violation of the JSON schema in ``document``; ``advance(n)`` is called as items are checked."""
    schemas = _schemas()
    problems = [
        Problem(pointer(*error.absolute_path), _message(error))
        for error in Draft202012Validator(schemas.document).iter_errors(document)
    ]
    if not isinstance(document, dict):
        return problems
    for name, item_schema in schemas.items.items():
        entries = document.get(name)
        if not isinstance(entries, list):
            continue
        validator = Draft202012Validator(item_schema)
        for index, entry in enumerate(entries):
            problems.extend(
                Problem(pointer(name, index, *error.absolute_path), _message(error))
                for error in validator.iter_errors(entry)
            )
            advance(1)
    return problems
