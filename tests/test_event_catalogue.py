"""docs/events.md lists every catalogued event type and every subscription the apps register."""

from pathlib import Path

from django.conf import settings

from events.catalogue import all_specs
from events.registry import all_subscriptions

CATALOGUE = Path(settings.BASE_DIR) / "docs" / "events.md"
TEST_TYPES = ("test.",)


def _sections() -> dict[str, str]:
    text = CATALOGUE.read_text()
    parts = text.split("\n## `")[1:]
    return {part.split("`", 1)[0]: part for part in parts}


def test_every_event_type_and_its_fields_are_documented() -> None:
    sections = _sections()
    common = CATALOGUE.read_text().split("## Common flight fields", 1)[1].split("\n## `", 1)[0]
    for spec in all_specs():
        if spec.type.startswith(TEST_TYPES):
            continue
        assert spec.type in sections, f"{spec.type} is not in docs/events.md"
        for field in spec.fields:
            assert f"`{field}`" in sections[spec.type] or f"`{field}`" in common, f"{spec.type}.{field} undocumented"


def test_every_subscription_is_documented_with_its_queue() -> None:
    sections = _sections()
    for sub in all_subscriptions():
        if sub.event_type.startswith(TEST_TYPES) or sub.subscriber.startswith("test-"):
            continue
        row = f"| `{sub.subscriber}` | `{sub.queue}` |"
        assert row in sections[sub.event_type], f"{sub.subscriber} on {sub.event_type} missing from docs/events.md"


def test_no_documented_subscription_is_missing_from_the_code() -> None:
    registered = {(s.event_type, s.subscriber) for s in all_subscriptions()}
    for event_type, section in _sections().items():
        subscribers_table = section.split("| subscriber | queue | does |", 1)[1]
        for line in subscribers_table.strip().splitlines()[1:]:
            name = line.split("`")[1]
            assert (event_type, name) in registered, f"docs/events.md lists {name} on {event_type}; the code does not"
