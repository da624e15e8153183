"""Deleting every row of a model in a few statements, doing for the rows that reference them what the ORM would.

``QuerySet.delete()`` loads each row it deletes and settles the references to it batch by batch: about a
minute for the 200,000 passengers of a large scenario once other apps reference passengers. When every row
of a model goes, each reference can be settled in one statement per referencing model instead.
"""

from __future__ import annotations

from django.db import connections, models, router
from django.db.models import CASCADE, DO_NOTHING, PROTECT, ProtectedError, signals
from django.db.models.deletion import get_candidate_relations_to_delete

# The on_delete rules settled here; a model referenced under any other (SET_NULL, RESTRICT, ...) is left
# to the ORM.
SETTLED_IN_BULK = (CASCADE, PROTECT, DO_NOTHING)


def delete_all(model: type[models.Model]) -> None:
    """Delete every row of ``model``, to the same effect as ``QuerySet.delete()`` on them all, without loading them.

    Rows that reference them are handled as their foreign key's ``on_delete`` says: CASCADE deletes them
    through their own queryset (so what references *them* is handled too), PROTECT refuses with
    ``ProtectedError`` while any exists. A model with delete signal receivers, generic relations, parent
    models or references under other rules is deleted by the ORM, row by row.
    """
    relations = list(get_candidate_relations_to_delete(model._meta))
    if not _settled_in_bulk(model, relations):
        model._base_manager.all().delete()
        return
    for relation in relations:
        field = relation.field
        referencing = relation.related_model._base_manager.filter(**{f"{field.name}__isnull": False})
        if field.remote_field.on_delete is CASCADE:
            referencing.delete()
        elif field.remote_field.on_delete is PROTECT and referencing.exists():
            # Worded as the ORM words it.
            raise ProtectedError(
                f"Cannot delete some instances of model {model.__name__!r} because they are referenced through "
                f"protected foreign keys: '{relation.related_model.__name__}.{field.name}'.",
                set(referencing[:10]),
            )
    connection = connections[router.db_for_write(model)]
    with connection.cursor() as cursor:
        # The statement QuerySet.delete() itself ends with when nothing references the rows any more.
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608 - the model's table


def _settled_in_bulk(model: type[models.Model], relations: list[models.ForeignObjectRel]) -> bool:
    return (
        not model._meta.private_fields
        and not model._meta.parents
        and not signals.pre_delete.has_listeners(model)
        and not signals.post_delete.has_listeners(model)
        and all(relation.field.remote_field.on_delete in SETTLED_IN_BULK for relation in relations)
    )
