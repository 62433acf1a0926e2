"""Forms of the content site."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from academy.phone import normalise_phone
from academy.ratelimit import client_ip, rate_limit_hit

from .choices import EventCategory

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class EventSignupForm(forms.Form):
    """Name and mobile number; filled in from the account for a logged-in user."""

    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        help_text=_("We send a reminder to this number. One sign-up per number."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        if user is not None and user.is_authenticated and "data" not in kwargs and not args:
            kwargs["initial"] = {"name": user.real_name, "phone": user.phone_display}
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter your name."))
        return name

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])


def signup_rate_limited(request, form: EventSignupForm) -> bool:
    """Count an event sign-up attempt per client address and per mobile number; True when either is over its limit.

    Anyone may sign up without an account, so without this a script could fill an event with made-up numbers or
    sign one number up for everything."""
    over_ip = rate_limit_hit(scope="event-signup:ip", key=client_ip(request), rate=settings.EVENT_SIGNUP_RATE_PER_IP)
    phone = form.cleaned_data.get("phone") if form.is_valid() else None
    over_phone = bool(phone) and rate_limit_hit(
        scope="event-signup:phone", key=phone, rate=settings.EVENT_SIGNUP_RATE_PER_PHONE
    )
    return over_ip or over_phone


class EventFilterForm(forms.Form):
    """The filters above the event list. Bad values are ignored rather than shown as errors."""

    when = forms.ChoiceField(label=_("When"), required=False, choices=[("", _("Upcoming")), ("past", _("Past"))])
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *EventCategory.choices]
    )
    month = forms.CharField(
        label=_("Month"), required=False, max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )

    def clean_month(self):
        value = self.cleaned_data.get("month") or ""
        if not value:
            return None
        match = MONTH.match(value)
        if not match:
            raise forms.ValidationError(_("Choose a month."))
        return int(match.group(1)), int(match.group(2))
