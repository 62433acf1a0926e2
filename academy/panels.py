"""Admin panels shared by the apps."""

from wagtail.admin.panels import FieldPanel


class ShownFieldPanel(FieldPanel):
    """A ``FieldPanel`` whose read-only display shows an empty value as “—”: Wagtail prints a missing date or number
    as a raw “None”, in every language."""

    def format_value_for_display(self, value):
        if value is None or value == "":
            return "—"
        return super().format_value_for_display(value)
