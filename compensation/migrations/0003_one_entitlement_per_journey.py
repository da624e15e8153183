# One compensation record per passenger per journey (POLICY.md version 2, "Compensation"), with the data kept.
#
# Version 1 kept one record per passenger per disrupted flight, each assessed under EU261 in EUR. Every record gets
# its passenger's booking, and the regime it was assessed under: EU261 (its amount is in EUR; the next disruption of
# the journey reassesses it under the journey's own regime). The records of one passenger and booking become one:
# the paid one if any, else the latest assessed. It keeps its assessment and takes the flight of the journey's first
# record (its first disrupted flight). A journey paid more than once under version 1 keeps its latest payment; the
# reason of the record kept lists the others, so no payment is lost from the record.
#
# Backwards: the records stay merged (one per passenger also satisfies version 1's constraint).

from collections import defaultdict

from django.db import migrations
from django.db.models import OuterRef, Subquery

ASSESSED_UNDER_VERSION_1 = "EU261"
PAID = "paid"


def one_per_journey(apps, schema_editor):
    Entitlement = apps.get_model("compensation", "Entitlement")
    Passenger = apps.get_model("passengers", "Passenger")
    Entitlement.objects.update(
        regime=ASSESSED_UNDER_VERSION_1,
        booking_id=Subquery(Passenger.objects.filter(id=OuterRef("passenger_id")).values("booking_id")[:1]),
    )
    journeys = defaultdict(list)
    for record in Entitlement.objects.select_related("flight").order_by("passenger_id", "assessed_at", "id"):
        journeys[record.passenger_id].append(record)
    dropped, kept = [], []
    for records in journeys.values():
        if len(records) == 1:
            continue
        paid = [record for record in records if record.status == PAID]
        keep = paid[-1] if paid else records[-1]
        keep.reason = "; ".join([keep.reason, *(_also_paid(record) for record in paid if record is not keep)])
        keep.flight_id = records[0].flight_id
        dropped.extend(record.id for record in records if record is not keep)
        kept.append(keep)
    Entitlement.objects.filter(id__in=dropped).delete()
    Entitlement.objects.bulk_update(kept, ["reason", "flight"])


def _also_paid(record):
    flight = record.flight
    when = f" on {record.paid_at:%Y-%m-%d}" if record.paid_at else ""
    by = f" by {record.paid_by}" if record.paid_by else ""
    return (
        f"also paid under version 1 for {flight.carrier_id}{flight.number}/{flight.service_date}: "
        f"{record.amount} {record.currency}{when}{by}"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('compensation', '0002_entitlement_booking_and_regime'),
    ]

    operations = [
        migrations.RunPython(one_per_journey, migrations.RunPython.noop),
    ]
