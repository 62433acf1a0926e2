"""A compact model field for the kinds of file an assignment accepts (stored as "pdf,jpeg,png")."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import FileKind


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.split(",")
    codes = {str(item).strip() for item in value if str(item).strip()}
    # Kept in the order of FileKind so that equal sets are stored alike.
    return [code for code in FileKind.values if code in codes] + sorted(codes - set(FileKind.values))


class FileKindsField(models.CharField):
    """A set of ``FileKind`` codes, edited as tick boxes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 40:
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
        unknown = [code for code in _as_list(value) if code not in FileKind.values]
        if unknown:
            raise ValidationError(_("Unknown kind of file: %(codes)s"), params={"codes": ", ".join(unknown)})
        if not _as_list(value) and not self.blank:
            raise ValidationError(self.error_messages["blank"], code="blank")

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=FileKind.choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )
