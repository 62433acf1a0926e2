"""A compact model field for the kinds of file an assignment accepts (stored as "pdf,jpeg,png")."""

from django.utils.translation import gettext_lazy as _

from academy.fields import CodeSetField

from .choices import FileKind


class FileKindsField(CodeSetField):
    """A set of ``FileKind`` codes, edited as tick boxes."""

    codes = FileKind
    default_max_length = 40
    unknown_message = _("Unknown kind of file: %(codes)s")
