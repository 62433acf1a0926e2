"""How the site's form fields render beyond Django's widgets (components/field.html)."""

from django import template

register = template.Library()

ONE_TIME_CODE = "one-time-code"


@register.filter
def with_input_hints(field):
    """The field's widget, with the hints a phone needs for an SMS code box (allauth's code forms mark theirs with
    ``autocomplete="one-time-code"``): the number pad, and the code just received offered above the keyboard."""
    if field.field.widget.attrs.get("autocomplete") == ONE_TIME_CODE:
        return field.as_widget(attrs={"inputmode": "numeric", "autocomplete": ONE_TIME_CODE})
    return field
