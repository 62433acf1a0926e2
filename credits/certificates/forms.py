"""Admin forms for certificates: each asks for what the service needs; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import TraineeByPhoneField
from ..models import Cohort, ProgrammePage
from . import rules as certificate_rules


class VerificationCodeForm(forms.Form):
    """证书验证: the 16-character code printed under the QR code, typed by hand (public, GET)."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=certificate_rules.CODE_MAX_INPUT,
        help_text=_("16 characters, for example 7K3M-Q9PX-2HDT-VW4B; spaces, dashes and small letters are fine."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={
            "required": _("A verification code has 16 characters: check the code and type it again."),
            "max_length": _("A verification code has 16 characters: check the code and type it again."),
        },
    )

    def clean_code(self) -> str:
        """The code in its stored form (upper case, no spaces or dashes), or a translated error."""
        code = certificate_rules.verification_code_parse(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("A verification code has 16 characters: check the code and type it again."), code="invalid"
            )
        return code


class ReasonForm(forms.Form):
    """Revoke, reinstate or decline: a reason is required (the service refuses a blank one too)."""

    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class CertificateIssueForm(forms.Form):
    trainee = TraineeByPhoneField(label=_("Trainee's mobile phone"), max_length=20)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=ProgrammePage.objects.live().order_by("path"))

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee"].viewer = viewer


class CohortChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(name)s (%(title)s)") % {"name": obj.name, "title": obj.programme.title}


class BulkIssueForm(forms.Form):
    """Bulk issue for a programme (everyone who meets it) or for a cohort (its members who meet its programme)."""

    FOR_PROGRAMME, FOR_COHORT = "programme", "cohort"

    issue_for = forms.ChoiceField(
        label=_("Issue certificates for"),
        choices=[
            (FOR_PROGRAMME, _("A programme: everyone who meets it")),
            (FOR_COHORT, _("A cohort: its members who meet its programme")),
        ],
        widget=forms.RadioSelect,
        initial=FOR_PROGRAMME,
        required=False,  # left out (older links and scripts): a programme, as before cohorts existed
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=ProgrammePage.objects.live().order_by("path"),
        required=False,
        help_text=_(
            "Everyone of the programme's party who meets it and holds no current certificate of it is issued one."
        ),
    )
    cohort = CohortChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.select_related("programme").order_by("-created_at", "name"),
        required=False,
        help_text=_(
            "Each member of the cohort who meets the cohort's programme and holds no current certificate of it is "
            "issued one; the others are listed with what they still need."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        issue_for = cleaned["issue_for"] = cleaned.get("issue_for") or self.FOR_PROGRAMME
        if issue_for == self.FOR_PROGRAMME and not cleaned.get("programme"):
            self.add_error("programme", _("Choose a programme."))
        if issue_for == self.FOR_COHORT and not cleaned.get("cohort"):
            self.add_error("cohort", _("Choose a cohort."))
        return cleaned

    def run_target(self) -> dict:
        """The service's keyword arguments for what was chosen."""
        if self.cleaned_data["issue_for"] == self.FOR_COHORT:
            return {"cohort": self.cleaned_data["cohort"]}
        return {"programme": self.cleaned_data["programme"]}
