"""The site inbox (消息中心): the signed-in person's own notices. Anyone else's notice is a 404."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services


@login_required
@require_GET
def inbox(request):
    """The person's notices, newest first, twenty to a page; unread ones stand out."""
    page = Paginator(selectors.inbox(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_GET
def notification_detail(request, notification_id: int):
    """One notice in full, with a link to what it is about; opening it marks it read."""
    notification = selectors.inbox_notification(user=request.user, notification_id=notification_id)
    services.notification_mark_read(notification=notification)
    link = notification.link if url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None) else ""
    return render(request, "notifications/notification_detail.html", {"notification": notification, "link": link})


@login_required
@require_POST
def mark_all_read(request):
    """Mark every notice read and go back to the inbox."""
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications_inbox")
