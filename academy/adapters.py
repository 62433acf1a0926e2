"""allauth adapter: phone numbers live on the User model and codes go out through the pluggable SMS sender."""

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.stages import PhoneVerificationStage
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from .forms import MainlandPhoneField
from .phone import normalise_phone
from .sms import sms_send


class PhoneOnRecordVerificationStage(PhoneVerificationStage):
    """Verify the phone an account has; an account without one (staff, made by ``seed_demo`` or in the admin) has
    nothing to verify and goes on to the next stage (MFA where it is required).

    allauth's own stage treats a required sign-up phone as required of every account: with no phone it ends the
    log-in without a word ("Login stage aborted"), so staff could not log in on the public page at all. Everyone
    who signs up gives a phone and is still asked to verify it; so are accounts whose phone is not yet verified."""

    def handle(self):
        if self.login.user is not None and get_adapter(self.request).get_phone(self.login.user) is None:
            return None, True
        return super().handle()


class AccountAdapter(DefaultAccountAdapter):
    """Connects allauth's phone flows to ``User.phone`` / ``User.phone_verified``."""

    def get_login_stages(self) -> list[str]:
        stage = f"{PhoneOnRecordVerificationStage.__module__}.{PhoneOnRecordVerificationStage.__qualname__}"
        return [
            stage if path == "allauth.account.stages.PhoneVerificationStage" else path
            for path in super().get_login_stages()
        ]

    def get_login_redirect_url(self, request) -> str:
        """Staff who may use the admin start there, where their work is; everyone else at the site's home page.
        An explicit ``next`` still wins (allauth only asks here when there is none)."""
        if request.user.has_perm("wagtailadmin.access_admin"):
            return reverse("wagtailadmin_home")
        return super().get_login_redirect_url(request)

    def phone_form_field(self, **kwargs):
        return MainlandPhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return phone

    def get_phone(self, user):
        if not user.phone:
            return None
        return user.phone, user.phone_verified

    def set_phone(self, user, phone: str, verified: bool) -> None:
        user.phone = phone
        user.phone_verified = verified
        if user.pk:  # during sign-up allauth sets the phone before the user is first saved
            user.save(update_fields=["phone", "phone_verified"])

    def set_phone_verified(self, user, phone: str) -> None:
        self.set_phone(user, phone, True)

    def get_user_by_phone(self, phone: str):
        try:
            phone = normalise_phone(phone)
        except ValidationError:
            return None
        return get_user_model().objects.filter(phone=phone).first()

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        sms_send(
            phone=phone,
            text=_("Your verification code is %(code)s. It is valid for 15 minutes.") % {"code": code},
            purpose="code",
        )

    def send_unknown_account_sms(self, phone: str, **kwargs) -> None:
        sms_send(phone=phone, text=_("No account is registered with this number."), purpose="notice")

    def send_account_already_exists_sms(self, phone: str) -> None:
        sms_send(
            phone=phone,
            text=_("An account already exists for this number. Log in or reset your password."),
            purpose="notice",
        )

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.real_name = form.cleaned_data.get("real_name", "").strip()
        user.party = form.cleaned_data.get("party", "")
        if commit:
            user.save()
        return user


def user_display(user) -> str:
    """How allauth names someone ("signed in as …", "already logged in as …"): the name they go by, never the
    generated username (trainee-0001) they never chose and do not know."""
    return user.display_name
