"""Inserting many rows of one model fast: PostgreSQL's COPY, or ``bulk_create`` on other databases."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, models, router

BATCH_SIZE = 5000


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (values of the model's ``fields``, by attribute name) and return how many there were.

    Like ``bulk_create``, this sends no signals and sets no field defaults: every row gives every field.
    """
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        objects = (model(**dict(zip(fields, row, strict=True))) for row in rows)
        return len(model.objects.bulk_create(objects, batch_size=BATCH_SIZE))
    columns = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c.column) for c in columns)}) FROM STDIN"
    # COPY takes text, numbers and dates as they are; a JSON value needs Django's conversion (psycopg would
    # write a list as an SQL array).
    json_columns = [position for position, column in enumerate(columns) if isinstance(column, models.JSONField)]
    count = 0
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            values = list(row)
            for position in json_columns:
                values[position] = columns[position].get_db_prep_save(values[position], connection)
            copy.write_row(values)
            count += 1
    return count
