"""Small template helpers for course templates."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template, or an empty list when the key or the mapping is missing."""
    if not mapping:
        return []
    return mapping.get(key, [])


@register.filter
def minutes_ceil(seconds):
    """Seconds as whole minutes, rounded up (a timed exam with 30 seconds left has 1 minute left, not 0)."""
    return -(-int(seconds or 0) // 60)
