"""allauth adapter: phone numbers live on the User model and codes go out through the pluggable SMS sender."""

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .forms import MainlandPhoneField
from .phone import normalise_phone
from .sms import sms_send


class AccountAdapter(DefaultAccountAdapter):
    """Connects allauth's phone flows to ``User.phone`` / ``User.phone_verified``."""

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
