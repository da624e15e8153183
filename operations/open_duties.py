"""The open duties of some disruptions, told apart: the ones the policy leaves to operators, and the rest.

POLICY.md leaves a passenger to operators where no automatic system can meet the duty: a reaccommodation
of a passenger left ``unprotected`` (no itinerary found), a hotel night left ``unaccommodated`` (no room
anywhere), a notice of rights to a passenger with neither channel (a printed notice at the gate). Any other
open duty is one the choreography should have met. A notice of rights already sent counts as met: sending
has no event, the periodic review marks its duty (:func:`notice_sent` is that rule).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from lodging.models import HotelStay, StayStatus
from notifications.models import PassengerMessage, PassengerMessageKind, PassengerMessageStatus
from rebooking.models import CaseStatus, Reaccommodation
from rights.duties import DutyKind, DutyStatus

from .models import Duty

NO_CHANNEL = r"^\s*$"  # blank as the senders see it: they strip the address and the number


def notice_sent() -> Exists:
    """For a duty row: a notice of rights to its passenger about its flight was sent, from a flow of its own
    kind (a drill's notice meets a drill's duty only, a real one a real one)."""
    return Exists(
        PassengerMessage.objects.filter(
            kind=PassengerMessageKind.RIGHTS_NOTICE,
            status=PassengerMessageStatus.DONE,
            passenger_id=OuterRef("passenger_id"),
            flight_id=OuterRef("flight_id"),
            drill=OuterRef("root__drill"),
        )
    )


def _left_to_operators(kind: DutyKind) -> Q | Exists:
    match kind:
        case DutyKind.REACCOMMODATION:
            return Exists(
                Reaccommodation.objects.filter(
                    booking_id=OuterRef("passenger__booking_id"),
                    event__root_id=OuterRef("root_id"),
                    status=CaseStatus.UNPROTECTED,
                )
            )
        case DutyKind.HOTEL:
            return Exists(
                HotelStay.objects.filter(
                    passenger_id=OuterRef("passenger_id"),
                    flight_id=OuterRef("flight_id"),
                    status=StayStatus.UNACCOMMODATED,
                )
            )
        case DutyKind.RIGHTS_NOTICE:
            return Q(passenger__email__regex=NO_CHANNEL, passenger__phone__regex=NO_CHANNEL)
    return Q(pk__in=[])  # meals and compensation: always the choreography's


@dataclass(frozen=True)
class OpenDuties:
    """Open duties per kind: ``left_to_operators`` by the policy, and ``unmet`` (the choreography's to meet)."""

    left_to_operators: dict[str, int]
    unmet: dict[str, int]


def open_duties(root_ids: Iterable[uuid.UUID]) -> OpenDuties:
    """The open duties of the disruptions ``root_ids``, told apart (see the module); two queries per open kind."""
    duties = Duty.objects.filter(root_id__in=list(root_ids), status=DutyStatus.OPEN)
    duties = duties.exclude(Q(kind=DutyKind.RIGHTS_NOTICE) & notice_sent())
    left: dict[str, int] = {}
    unmet: dict[str, int] = {}
    for kind in sorted(set(duties.values_list("kind", flat=True))):
        of_kind = duties.filter(kind=kind)
        operators = of_kind.filter(_left_to_operators(DutyKind(kind))).count()
        if operators:
            left[kind] = operators
        if rest := of_kind.count() - operators:
            unmet[kind] = rest
    return OpenDuties(left_to_operators=left, unmet=unmet)
