"""Views for the signed-in person's own profile, the elder-friendly mode switch, and /healthz."""

from allauth.account.internal.flows.phone_verification import ChangePhoneVerificationProcess
from allauth.account.internal.flows.reauthentication import raise_if_reauthentication_required
from allauth.core.exceptions import ReauthenticationRequired
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .elder import ELDER_COOKIE, ELDER_COOKIE_MAX_AGE
from .forms import ProfileForm
from .health import run_health_checks
from .models import User
from .services import user_set_elder_mode, user_update_profile


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
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = redirect(target)
    if enabled:
        response.set_cookie(ELDER_COOKIE, "1", max_age=ELDER_COOKIE_MAX_AGE, samesite="Lax", secure=request.is_secure())
    else:
        response.delete_cookie(ELDER_COOKIE, samesite="Lax")
    return response


@require_safe
@never_cache
def healthz(request):
    """For load balancers and monitoring: 200 when the database, cache, storages and task queue all answer, else 503.
    Open to anyone; it reveals no personal data, only each check's ok/error and its time in milliseconds."""
    results = run_health_checks()
    healthy = all(result.ok for result in results)
    body = {"status": "ok" if healthy else "error", "checks": {result.name: result.as_json() for result in results}}
    return JsonResponse(body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
