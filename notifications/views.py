"""The site inbox (消息中心): the signed-in person's own notices. Anyone else's notice is a 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from academy.social.config import in_wechat_browser, is_configured

from . import selectors, services
from .forms import PreferencesForm


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
@require_http_methods(["GET", "POST"])
def preferences(request):
    """通知设置: which notices reach the person's phone by SMS or WeChat, unsubscribing from all but the essential,
    and what the academy holds to reach them (phone, linked WeChat), with the quiet hours and the daily limit."""
    profile, switched_off = selectors.preferences_of(user=request.user)
    wechat_linked = bool(profile and profile.wechat_openid)
    wechat_login_linked = selectors.wechat_login_linked(user=request.user)
    form = PreferencesForm(
        request.POST or None,
        initial={"essential_only": bool(profile and profile.essential_only)},
        switched_off=switched_off,
        wechat_linked=wechat_linked,
        wechat_login_linked=wechat_login_linked,
    )
    if request.method == "POST" and form.is_valid():
        services.preferences_update(
            user=request.user,
            essential_only=form.cleaned_data["essential_only"],
            switched_off=form.switched_off(),
            unlink_wechat=form.cleaned_data.get("unlink_wechat", False),
        )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications_preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "wechat_linked": wechat_linked,
            "wechat_login_linked": wechat_login_linked,
            # Inside WeChat a person linked by QR code only can link the official account's identity (for messages).
            "wechat_can_link": not wechat_linked
            and is_configured("weixin", request)
            and (not wechat_login_linked or in_wechat_browser(request)),
            "quiet_hours": settings.NOTIFICATIONS_QUIET_HOURS,
            "daily_cap": settings.NOTIFICATIONS_DAILY_CAP,
        },
    )


@login_required
@require_POST
def mark_all_read(request):
    """Mark every notice read and go back to the inbox."""
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications_inbox")
