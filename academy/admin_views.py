"""Pieces shared by the academy's admin views (Wagtail's generic views, subclassed by academy, courses and credits)."""

from django.core.exceptions import ValidationError


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
