"""A compact model field for a set of parties (one to three of rc / oc / pc)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from academy.choices import Party


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.split(",")
    codes = {str(item).strip() for item in value if str(item).strip()}
    # Stored in the canonical order of Party so equal sets compare and filter alike.
    return [code for code in Party.values if code in codes] + sorted(codes - set(Party.values))


class PartiesField(models.CharField):
    """Stores parties as "rc,oc,pc" so that SQLite and PostgreSQL can both filter with ``__contains``.

    The three codes are two letters and never overlap inside the joined string, so ``audiences__contains="oc"``
    is exact.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 16)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 16:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return _as_list(value)

    def to_python(self, value):
        return _as_list(value)

    def get_prep_value(self, value):
        return ",".join(_as_list(value))

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        codes = _as_list(value)
        unknown = [code for code in codes if code not in Party.values]
        if unknown:
            raise ValidationError(_("Unknown party: %(codes)s"), params={"codes": ", ".join(unknown)})
        if not codes and not self.blank:
            raise ValidationError(self.error_messages["blank"], code="blank")

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=Party.choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )
