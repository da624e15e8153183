"""``insert_from_arrays``: many rows of a model in one statement, run against the real database."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import DataError, connection, transaction

from airline.column_arrays import insert_from_arrays
from flights.models import DrillRun, DrillVerdict

pytestmark = pytest.mark.django_db

RAN_AT = dt.datetime(2026, 11, 25, 6, tzinfo=dt.UTC)
SHARED: dict[str, Any] = {
    "ran_at": RAN_AT,
    "verdict": DrillVerdict.PASSED.value,
    "time_limit_seconds": 600,
    "restore": True,
    "reason": "",
    "judged_at": None,
    "restore_of_id": None,
}


def execute(sql: str, params: list[Any]) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING id", params)
        return [row_id for (row_id,) in cursor.fetchall()]


def test_it_writes_each_row_with_the_shared_values() -> None:
    sql, params = insert_from_arrays(
        DrillRun,
        ("name", "slot", "delayed"),
        [("drill", 1, 3), ("drill", 2, 0)],
        {**SHARED, "figures": {"open": {"hotel": 1}}},
        connection=connection,
    )
    ids = execute(sql, params)
    written = DrillRun.objects.filter(id__in=ids).order_by("slot")
    assert [(run.name, run.slot, run.delayed) for run in written] == [("drill", 1, 3), ("drill", 2, 0)]
    for run in written:
        assert run.ran_at == RAN_AT
        assert (run.verdict, run.time_limit_seconds, run.restore, run.judged_at) == ("passed", 600, True, None)
        assert run.figures == {"open": {"hotel": 1}}  # a shared value is prepared as its field saves it


def test_each_array_is_cast_to_its_fields_type() -> None:
    figures = [{"deliveries": 2}, {"dead": 1}]
    sql, params = insert_from_arrays(
        DrillRun,
        ("name", "slot", "figures"),
        [("drill", 7, json.dumps(figures[0])), ("drill", 8, json.dumps(figures[1]))],
        {**SHARED, "delayed": 0},
        connection=connection,
    )
    assert "unnest(%s::varchar[], %s::bigint[], %s::jsonb[])" in sql
    execute(sql, params)
    # The JSON text of a row is the JSON value, not a string of it.
    assert list(DrillRun.objects.order_by("slot").values_list("figures", flat=True)) == figures


def test_a_value_too_long_for_its_column_is_refused_not_cut() -> None:
    sql, params = insert_from_arrays(
        DrillRun, ("name", "slot"), [("x" * 201, 1)], {**SHARED, "delayed": 0, "figures": {}}, connection=connection
    )
    with pytest.raises(DataError, match="too long"), transaction.atomic():
        execute(sql, params)
    assert not DrillRun.objects.exists()


def test_rows_give_one_value_per_varying_field() -> None:
    with pytest.raises(ValueError, match="not one per varying field"):
        insert_from_arrays(DrillRun, ("name", "slot"), [("drill", 1, 0)], SHARED, connection=connection)


def test_a_field_without_a_column_is_refused() -> None:
    with pytest.raises(ValueError, match=r"DrillRun\.roots has no column"):
        insert_from_arrays(DrillRun, ("name", "roots"), [("drill", [])], SHARED, connection=connection)
