"""A compact model field for a set of codes from one choices class, stored as "a,b,c"."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models


class CodeSetField(models.CharField):
    """A set of codes from ``codes`` (a ``TextChoices``), stored joined by commas and edited as tick boxes.

    Stored in the order of ``codes`` so that equal sets are stored, compared and filtered alike. Subclasses name
    the choices, the default length and the error shown for an unknown code.
    """

    codes: type[models.TextChoices]
    default_max_length: int
    unknown_message: str  # a lazy translation with %(codes)s

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", self.default_max_length)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == self.default_max_length:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def as_list(self, value) -> list[str]:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            value = value.split(",")
        codes = {str(item).strip() for item in value if str(item).strip()}
        known = self.codes.values
        return [code for code in known if code in codes] + sorted(codes - set(known))

    def from_db_value(self, value, expression, connection):
        return self.as_list(value)

    def to_python(self, value):
        return self.as_list(value)

    def get_prep_value(self, value):
        return ",".join(self.as_list(value))

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        codes = self.as_list(value)
        unknown = [code for code in codes if code not in self.codes.values]
        if unknown:
            raise ValidationError(self.unknown_message, params={"codes": ", ".join(unknown)})
        if not codes and not self.blank:
            raise ValidationError(self.error_messages["blank"], code="blank")

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.codes.choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )
