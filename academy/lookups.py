"""Queries never send an integer to the database that no integer column can hold.

Django already answers ``IntegerField`` comparisons (``pk=99999999999999999999999``) with "no rows" instead of
passing the number to the database, but not lookups through a relation (a foreign key, or the ``page_ptr`` primary
key of every Wagtail page model) nor ``in``: those sent the number to SQLite, whose driver raised OverflowError, a
500 for any form, filter or API that looked up an id typed by a visitor (issue 15). These lookups extend Django's
own rule to them: an out-of-range value matches nothing. Registered in ``AcademyConfig.ready()``.

Ids in URL paths are refused earlier still, by the ``id`` path converter (academy/converters.py), and the API's
ids by their schema (courses/api_types.py); this is the net under every other place an id comes from a request.
"""

from django.core.exceptions import EmptyResultSet, FieldError
from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In


def _integer_range(lookup, connection) -> tuple[int | None, int | None]:
    """The range of the integer column the lookup compares with, following relations to the column they point at."""
    try:
        field = lookup.lhs.output_field
        while field.is_relation:
            field = field.target_field
        return connection.ops.integer_field_range(field.get_internal_type())
    except (AttributeError, FieldError, KeyError):  # several columns, or not an integer column: nothing to bound
        return None, None


def _out_of_range(value, lookup, connection) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    low, high = _integer_range(lookup, connection)
    return (low is not None and value < low) or (high is not None and value > high)


class BoundedRelatedExact(RelatedExact):
    """``author=<id>`` through a relation: an id no column can hold matches nothing."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and _out_of_range(self.rhs, self, connection):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


class _BoundedInMixin:
    """``pk__in=[...]``: ids no column can hold are left out (and an empty list matches nothing, as in Django)."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and not isinstance(self.rhs, str):
            self.rhs = [value for value in self.rhs if not _out_of_range(value, self, connection)]
        return super().process_rhs(compiler, connection)


class BoundedIn(_BoundedInMixin, In):
    pass


class BoundedRelatedIn(_BoundedInMixin, RelatedIn):
    pass


def register() -> None:
    """Install the bounded lookups in place of Django's for integer and relation fields."""
    IntegerField.register_lookup(BoundedIn)
    ForeignObject.register_lookup(BoundedRelatedIn)
    ForeignObject.register_lookup(BoundedRelatedExact)
