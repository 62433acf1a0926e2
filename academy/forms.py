"""Forms for accounts and the profile: mainland phone numbers, sign-up with a real name, profile editing."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .choices import Party
from .models import Community, Street
from .phone import display_phone, normalise_phone


class MainlandPhoneField(forms.CharField):
    """A phone input that accepts how people type mainland numbers and cleans to +86XXXXXXXXXXX."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile phone"))
        kwargs.setdefault("max_length", 24)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel", "placeholder": _("e.g. 138 0013 8000")}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        return normalise_phone(value)


class SignupForm(AllauthSignupForm):
    """allauth's sign-up with the trainee's real name (实名) and party."""

    real_name = forms.CharField(
        label=_("Real name"),
        max_length=50,
        help_text=_("As on your identity card; it is printed on certificates."),
        error_messages={"required": _("Enter your real name.")},
    )
    party = forms.ChoiceField(label=_("Party"), choices=[("", _("Choose…")), *Party.choices], required=False)

    field_order = ["phone", "real_name", "party", "email", "password1", "password2"]

    def clean_real_name(self):
        name = self.cleaned_data["real_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter your real name."))
        return name


class ProfileForm(forms.ModelForm):
    """What a trainee may change about themselves. A new phone number is verified by SMS before it is saved.

    Bind it to a fresh copy of the user, not ``request.user``: model-form cleaning writes the values onto the
    instance, and the saving is done by ``academy.services.user_update_profile``.
    """

    phone = MainlandPhoneField(label=_("Mobile phone"))

    class Meta:
        model = get_user_model()
        fields = [
            "real_name",
            "phone",
            "email",
            "party",
            "organisation",
            "job_title",
            "street",
            "community",
            "compound",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["real_name"].required = True
        self.fields["real_name"].error_messages["required"] = _("Enter your real name.")
        self.fields["street"].queryset = Street.objects.select_related("district")
        # Only the chosen street's communities are offered (and accepted): the street as submitted when the form is
        # bound, so a page re-rendered without JavaScript lists the new street's communities; else the saved one.
        street_id = self.chosen_street_id()
        community = self.fields["community"]
        community.queryset = Community.objects.filter(street_id=street_id) if street_id else Community.objects.none()
        community.error_messages["invalid_choice"] = _("This community is not in the chosen street.")
        community.help_text = _("The communities of the street chosen above.")
        community.widget.attrs["data-community-chooser"] = "street-communities"
        self.initial["phone"] = display_phone(self.instance.phone or "")

    def chosen_street_id(self) -> int | None:
        """The street the community must belong to: as submitted (when it is a number), else as saved."""
        if self.is_bound:
            value = self.data.get(self.add_prefix("street"), "")
            return int(value) if str(value).isdigit() else None
        return self.instance.street_id

    def communities_by_street(self) -> dict[str, list[list]]:
        """Every street's communities as {street id: [[id, name], …]}, for the script that re-fills the community
        list when the street changes (one query; the list is short: a district has a few hundred communities)."""
        rows: dict[str, list[list]] = {}
        for pk, street_id, name in Community.objects.order_by("name").values_list("pk", "street_id", "name"):
            rows.setdefault(str(street_id), []).append([pk, name])
        return rows

    def clean_real_name(self):
        name = self.cleaned_data["real_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter your real name."))
        return name

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        taken = get_user_model().objects.filter(phone=phone).exclude(pk=self.instance.pk).exists()
        if taken:
            raise forms.ValidationError(_("This phone number is already registered to another account."))
        return phone

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email and get_user_model().objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This email address is already registered to another account."))
        return email


class AccountDeleteForm(forms.Form):
    """The last step before an account is deleted: the person says, in so many words, that they mean it."""

    confirm = forms.BooleanField(
        label=_("I understand that my account will be deleted and that this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm that you want to delete your account.")},
    )
