"""Admin forms for certificates: each asks for what the service needs; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import TraineeByPhoneField
from .models import ProgrammePage


class ReasonForm(forms.Form):
    """Revoke, reinstate or decline: a reason is required (the service refuses a blank one too)."""

    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class CertificateIssueForm(forms.Form):
    trainee = TraineeByPhoneField(label=_("Trainee's mobile phone"), max_length=20)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=ProgrammePage.objects.live().order_by("path"))

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee"].viewer = viewer


class BulkIssueForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=ProgrammePage.objects.live().order_by("path"),
        help_text=_(
            "Everyone of the programme's party who meets it and holds no current certificate of it is issued one. "
            "(Issuing by cohort comes with offline cohorts.)"
        ),
    )
