"""Many rows of one model in one ``INSERT``: a column array per field that varies (PostgreSQL's ``unnest``).

The statement's parameters are one array per varying field and one value per shared field, however many rows
there are, where ``bulk_create`` builds a model and a placeholder per field per row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


def insert_from_arrays(
    model: type[models.Model],
    varying: Sequence[str],
    rows: Sequence[Sequence[Any]],
    shared: Mapping[str, Any],
    *,
    connection: BaseDatabaseWrapper,
) -> tuple[str, list[Any]]:
    """The SQL and parameters of ``INSERT INTO <table> (<columns>) SELECT *, <shared> FROM unnest(<arrays>)``.

    ``rows`` give the ``varying`` fields (by attribute name, in that order), their values already as the
    database takes them; ``shared`` gives the fields every row takes, prepared here with
    ``get_db_prep_save``. Each array and value is cast to its field's type without a length or precision
    (``varchar``, not ``varchar(254)``): a cast to ``varchar(254)`` would cut a longer value silently, where the
    column refuses it as an ``INSERT`` of the value itself would. The fields named in neither
    take their column's database default (not the model's ``default``). The caller adds its ``ON CONFLICT``,
    ``RETURNING`` or wrapping and executes the statement on ``connection``; ``rows`` must not be empty.
    """
    quote = connection.ops.quote_name
    rowed = [_column_field(model, name) for name in varying]
    fixed = [_column_field(model, name) for name in shared]
    columns = [list(values) for values in zip(*rows, strict=True)]
    if len(columns) != len(rowed):
        raise ValueError(f"rows give {len(columns)} values, not one per varying field ({len(rowed)})")
    names = ", ".join(quote(cast(str, field.column)) for field in rowed + fixed)
    constants = "".join(f", %s::{_type(field, connection)}" for field in fixed)
    arrays = ", ".join(f"%s::{_type(field, connection)}[]" for field in rowed)
    table = quote(model._meta.db_table)
    sql = f"INSERT INTO {table} ({names}) SELECT *{constants} FROM unnest({arrays})"  # noqa: S608 - the model's
    values = [field.get_db_prep_save(value, connection) for field, value in zip(fixed, shared.values(), strict=True)]
    return sql, [*values, *columns]


def _type(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> str:
    """The field's column type without its modifiers: ``varchar(254)`` → ``varchar``, ``numeric(8, 2)`` →
    ``numeric``."""
    return _MODIFIERS.sub("", cast(str, field.db_type(connection)))


_MODIFIERS = re.compile(r"\s*\([^)]*\)")


def _column_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The model's field of that name or attribute name, refused unless it has a column."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field not in model._meta.concrete_fields:
        raise ValueError(f"{model.__name__}.{name} has no column")
    return field
