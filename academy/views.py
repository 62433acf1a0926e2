"""Views for the signed-in person's own profile and personal data (download, deletion), the elder-friendly
mode switch, and /healthz."""

from allauth.account.internal.flows.phone_verification import ChangePhoneVerificationProcess
from allauth.account.internal.flows.reauthentication import (
    did_recently_reauthenticate,
    raise_if_reauthentication_required,
)
from allauth.core.exceptions import ReauthenticationRequired
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from .elder import ELDER_COOKIE, ELDER_COOKIE_MAX_AGE
from .files import attachment_header
from .forms import AccountDeleteForm, ProfileForm
from .health import run_health_checks
from .models import User
from .privacy import AccountDeletionRefused, account_anonymise, account_deletion_refusal, personal_data_archive
from .ratelimit import rate_limit_hit
from .services import user_set_elder_mode, user_update_profile
from .sites import site_lookup_exempt


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """A trainee's own profile: see it and change it. A changed phone number is verified by SMS first."""
    instance = User.objects.select_related("street", "community").get(pk=request.user.pk)
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=request.user, data=form.cleaned_data)
        new_phone = form.cleaned_data["phone"]
        if new_phone != (request.user.phone or ""):
            try:
                raise_if_reauthentication_required(request, app="allauth.account")
            except ReauthenticationRequired:
                messages.info(request, _("Your profile was saved. Confirm your password to change your phone number."))
                return redirect("account_change_phone")
            ChangePhoneVerificationProcess.initiate(request, new_phone)
            messages.success(request, _("Your profile was saved. Enter the code we sent to your new phone number."))
            return redirect("account_verify_phone")
        messages.success(request, _("Your profile was saved."))
        return redirect("academy_profile")
    return render(request, "academy/profile.html", {"form": form, "profile_user": instance})


@require_POST
def elder_mode_switch(request):
    """Turn the elder-friendly mode on or off: on the account when logged in, and always on this device."""
    enabled = request.POST.get("elder_mode") == "on"
    if request.user.is_authenticated:
        user_set_elder_mode(user=request.user, enabled=enabled)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if enabled:
        response.set_cookie(ELDER_COOKIE, "1", max_age=ELDER_COOKIE_MAX_AGE, samesite="Lax", secure=request.is_secure())
    else:
        response.delete_cookie(ELDER_COOKIE, samesite="Lax")
    return response


def api_not_found(request, path=""):
    """Any address under /api/ that no API operation answers: a JSON 404, whatever the method.

    Without it such an address fell through to the page tree, and Django's APPEND_SLASH answered a DELETE or POST
    without a trailing slash with a RuntimeError under DEBUG (a 500) and with a redirect to an HTML page otherwise."""
    return JsonResponse({"detail": _("No API operation answers this address."), "code": "not_found"}, status=404)


@site_lookup_exempt
@require_safe
@never_cache
def healthz(request):
    """For load balancers and monitoring: 200 when the database, cache, storages and task queue all answer, else 503.
    Open to anyone; it reveals no personal data, only each check's ok/error and its time in milliseconds."""
    results = run_health_checks()
    healthy = all(result.ok for result in results)
    body = {"status": "ok" if healthy else "error", "checks": {result.name: result.as_json() for result in results}}
    return JsonResponse(body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on their own (for PDFs, JSON and pages that name no icon): send them to the
    site's icon rather than logging a 404 on every first visit."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@login_required
@require_GET
@never_cache
def personal_data_download(request):
    """我的数据: everything the academy holds about the signed-in person, as a zip (JSON plus PDFs). Only ever
    their own: the view takes no id. Building the archive renders a transcript PDF and reads every certificate
    file, so each person may ask only ``PERSONAL_DATA_DOWNLOAD_RATE`` times (default 5 an hour); without Redis the
    count cannot be kept and the download waits for it (fail closed: it is costly, and nobody needs it this minute)."""
    rate = settings.PERSONAL_DATA_DOWNLOAD_RATE
    if rate_limit_hit(scope="personal-data", key=str(request.user.pk), rate=rate, fail_closed=True):
        return render(request, "academy/personal_data_limited.html", status=429)
    archive = personal_data_archive(user=request.user)
    response = HttpResponse(archive, content_type="application/zip")
    label = _("My data")
    filename = f"{label}-{timezone.localdate():%Y%m%d}.zip"
    response["Content-Disposition"] = attachment_header(filename)
    return response


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def account_delete(request):
    """注销账户: the person confirms their identity again (password or SMS code, through allauth's
    reauthentication, valid for a few minutes), reads what deletion does, ticks a box, and the account is
    anonymised and signed out everywhere. Staff accounts are refused (see ``account_deletion_refusal``)."""
    refusal = account_deletion_refusal(request.user)
    if refusal is not None:
        return render(request, "academy/account_delete.html", {"refusal": refusal}, status=403)
    if not did_recently_reauthenticate(request):
        raise ReauthenticationRequired()
    form = AccountDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account_anonymise(user=request.user)
        except AccountDeletionRefused as error:
            form.add_error(None, error.message)
        else:
            logout(request)
            return render(request, "academy/account_deleted.html")
    return render(request, "academy/account_delete.html", {"form": form})
