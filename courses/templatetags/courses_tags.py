"""Small template helpers for course templates."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template, or an empty list when the key or the mapping is missing."""
    if not mapping:
        return []
    return mapping.get(key, [])
