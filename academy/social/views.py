"""关联账号: where a WeChat or DingTalk identity nobody has linked yet waits for its owner to log in with their phone."""

from allauth.account.internal.flows.reauthentication import raise_if_reauthentication_required
from allauth.core.exceptions import ReauthenticationRequired
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services


@require_http_methods(["GET", "POST"])
def social_link(request):
    """Anonymous: explain, and offer the phone log-in (password or SMS code) or sign-up, coming back here.
    Logged in: confirm, then link the identity to this account (POST); or drop it (POST cancel)."""
    sociallogin = services.social_login_parked(request=request)
    if sociallogin is None:
        messages.error(request, _("Nothing is waiting to be linked. Log in with WeChat again."))
        return redirect("academy_profile" if request.user.is_authenticated else "account_login")
    if request.method == "POST" and request.POST.get("action") == "cancel":
        services.social_login_unpark(request=request)
        messages.info(request, _("Nothing was linked."))
        return redirect("account_login" if not request.user.is_authenticated else "academy_profile")
    if not request.user.is_authenticated:
        here = reverse("academy_social_link")
        return render(
            request,
            "academy/social_link.html",
            {
                "sociallogin": sociallogin,
                "provider": sociallogin.account.get_provider(),
                "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
                "code_login_url": f"{reverse('account_request_login_code')}?{urlencode({'next': here})}",
                "signup_url": f"{reverse('account_signup')}?{urlencode({'next': here})}",
            },
        )
    try:
        # Linking is a sensitive change, as in allauth's own connect flow: where the settings ask for it, a person
        # logged in long ago confirms who they are first.
        raise_if_reauthentication_required(request, app="allauth.socialaccount")
    except ReauthenticationRequired:
        return redirect(f"{reverse('account_reauthenticate')}?{urlencode({'next': reverse('academy_social_link')})}")
    if request.method == "POST":
        provider = sociallogin.account.get_provider()
        try:
            services.social_account_link(request=request, user=request.user, sociallogin=sociallogin)
        except ValidationError as error:
            services.social_login_unpark(request=request)
            messages.error(request, error.messages[0])
            return redirect("academy_profile")
        messages.success(request, _("%(provider)s is now linked to your account.") % {"provider": provider.name})
        next_url = sociallogin.get_redirect_url(request)
        if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            return redirect(next_url)
        return redirect("academy_profile")
    return render(
        request,
        "academy/social_link.html",
        {"sociallogin": sociallogin, "provider": sociallogin.account.get_provider()},
    )
