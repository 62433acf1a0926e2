"""``{% inbox_unread_count as unread %}``: the number of unread notices for the header's 消息 link."""

from django import template

from notifications.selectors import inbox_unread_count as unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    return unread_count(user=user) if user is not None else 0
