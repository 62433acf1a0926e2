"""A compact model field for a set of parties (one to three of rc / oc / pc)."""

from django.utils.translation import gettext_lazy as _

from academy.choices import Party
from academy.fields import CodeSetField


class PartiesField(CodeSetField):
    """Stores parties as "rc,oc,pc" so that SQLite and PostgreSQL can both filter with ``__contains``.

    The three codes are two letters and never overlap inside the joined string, so ``audiences__contains="oc"``
    is exact.
    """

    codes = Party
    default_max_length = 16
    unknown_message = _("Unknown party: %(codes)s")
