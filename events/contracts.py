"""Event payloads as typed contracts: one frozen pydantic model per event type, owned by its publisher.

A publisher defines its payloads in ``<app>/payloads.py`` as subclasses of :class:`EventPayload` naming
their ``event_type`` and ``version``; defining the class catalogues it. :func:`events.services.publish`
takes such a model, and a subscriber receives it decoded again (:func:`decode`), so a field that a
model lacks is an error for the type checker, not a ``KeyError`` in a worker. A payload that does not
decode, at any depth, is poison: its delivery goes ``dead`` on the first attempt.

A new required field, or a changed meaning, is a new ``version``.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, PlainSerializer, ValidationError

#: A moment with its UTC offset, written as Python's ``isoformat()`` writes it (``+00:00``, never ``Z``).
Moment = Annotated[AwareDatetime, PlainSerializer(dt.datetime.isoformat, return_type=str)]
#: A calendar date, written ``YYYY-MM-DD``.
Day = Annotated[dt.date, PlainSerializer(dt.date.isoformat, return_type=str)]


class InvalidPayload(ValueError):
    """A payload that does not match its event type's model (or an event type no model describes)."""


class Part(BaseModel):
    """A nested part of a payload (a leg, a party, a voucher line): frozen, closed (no field it does not
    declare) and strict (no "5" for 5), like the payload."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, use_attribute_docstrings=True)


class EventPayload(Part):
    """The payload of one event type. Subclasses set ``event_type`` (and ``version`` when it is not 1)."""

    event_type: ClassVar[str]
    version: ClassVar[int] = 1

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "event_type" in cls.__dict__:
            _catalogue(cls)

    def as_json(self) -> dict[str, Any]:
        """The payload as the JSON object stored on the event."""
        return self.model_dump(mode="json")

    def summary(self) -> str:
        """What happened, in a few words, for the operators' event list ("" when the type says it all)."""
        return ""


_models: dict[str, type[EventPayload]] = {}


def _catalogue(model: type[EventPayload]) -> None:
    event_type = str(model.event_type)
    existing = _models.get(event_type)
    if existing is not None and existing.__qualname__ != model.__qualname__:
        raise TypeError(f"{event_type!r} already has its payload model {existing.__qualname__}")
    _models[event_type] = model


def model_for(event_type: str) -> type[EventPayload]:
    """The payload model of ``event_type`` (``InvalidPayload`` if none is defined)."""
    try:
        return _models[event_type]
    except KeyError:
        raise InvalidPayload(f"{event_type!r} is not a catalogued event type") from None


def all_models() -> list[type[EventPayload]]:
    """Every catalogued payload model, by event type."""
    return [_models[name] for name in sorted(_models)]


def decode(event_type: str, version: int, payload: Any) -> EventPayload:
    """The stored ``payload`` of an event as its model; ``InvalidPayload`` with every problem when it is not one."""
    model = model_for(event_type)
    if version != model.version:
        raise InvalidPayload(f"{event_type} v{version}: only v{model.version} is understood")
    try:
        # Validated as the JSON it was stored as, strictly: no "5" for 5, no 1 for true.
        return model.model_validate_json(json.dumps(payload))
    except ValidationError as exc:
        raise InvalidPayload(f"{event_type} v{version} payload: {_problems(exc)}") from None


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        f"{'/'.join(str(part) for part in error['loc']) or '(payload)'}: {error['msg']}" for error in exc.errors()
    )


@dataclass(frozen=True)
class EventFacts:
    """The envelope of an event a subscriber handles: which event, when it happened, and its flow.

    Services take these facts (``as_of=facts.occurred_at``, ``caused_by=facts``), never the ``Event`` row.
    """

    id: uuid.UUID
    type: str
    occurred_at: dt.datetime
    root_id: uuid.UUID
    drill: bool
