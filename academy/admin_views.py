"""Pieces shared by the academy's admin views (Wagtail's generic views, subclassed by academy, courses and credits)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic


def refusal_messages(error: Exception) -> list[str]:
    """The translated sentences of a refusal: a model's ``ValidationError`` (from ``full_clean``) or a service's
    error with a ``message`` and, where it has them, ``shortfalls`` (each one its own line)."""
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [error.message, *getattr(error, "shortfalls", [])]


class ServiceRefusalMixin:
    """For a Wagtail generic create or edit view whose save goes through a service: when the service refuses, the
    form comes back (200) with the refusal and its shortfalls listed, and nothing is saved.

    Wagtail's ``form_invalid`` reads ``produced_error_message``, which only its own ``is_valid`` sets; a refusal
    raised after the form validated must set it too, or the refusal becomes an ``AttributeError`` (HTTP 500).
    ``refusal_errors`` names the exceptions that are refusals (the app's service error); a model's
    ``ValidationError`` always is one. The save runs inside Wagtail's ``transaction.atomic``, so a refusal leaves
    no row behind."""

    refusal_errors: tuple[type[Exception], ...] = ()

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except (ValidationError, *self.refusal_errors) as error:
            return self.form_refused(form, error)

    def form_refused(self, form, error: Exception):
        """Show the form again with the refusal as its non-field errors."""
        for message in refusal_messages(error):
            form.add_error(None, message)
        self.produced_error_code = "validation_error"
        self.produced_error_message = self.get_error_message()
        return self.form_invalid(form)


# What a person reads ------------------------------------------------------------------------------------------


def readable(value):
    """A value as a person reads it in the admin: a moment in Asia/Shanghai (the active time zone), a date as a date
    (never "6 hours ago"), yes or no for a boolean, a dash for nothing. Anything else is returned as it is.

    Django's ``{{ value }}`` converts a datetime to local time, but Wagtail's inspect view renders
    ``{{ value|localize }}``, which formats it before that conversion: in UTC. Its list cells print booleans and
    ``None`` as ``True`` / ``False`` / ``None``, and its ``DateColumn`` shows every date as a duration."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return value


class ReadableColumn(Column):
    """A listing column whose values are ``readable``: use it for dates, times, booleans and nullable fields."""

    def get_value(self, instance):
        return readable(super().get_value(instance))


class ReadableIndexMixin:
    """Every column named by a string in ``list_display`` shows ``readable`` values."""

    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        if column_class is Column:
            column_class = ReadableColumn
        return super()._get_custom_column(field_name, column_class, **kwargs)


class ReadableInspectMixin:
    """Every field of the inspect view shows a ``readable`` value (components, such as images, are left alone)."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return value if isinstance(value, Component) else readable(value)


class ReadableViewSetMixin:
    """For a ``ModelViewSet`` or ``SnippetViewSet`` of ours: its index (and results) and inspect views, whatever
    classes the viewset names for them, show ``readable`` values."""

    def construct_view(self, view_class, **kwargs):
        for base, mixin in ((generic.IndexView, ReadableIndexMixin), (generic.InspectView, ReadableInspectMixin)):
            if issubclass(view_class, base) and not issubclass(view_class, mixin):
                view_class = type(view_class.__name__, (mixin, view_class), {"__module__": view_class.__module__})
        return super().construct_view(view_class, **kwargs)
