"""Admin forms for credits: manual adjustment, appointments and API clients. They validate input; the services
decide and write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from academy.models import Community, Street, User
from academy.phone import normalise_phone
from courses.models import Competency

from . import selectors
from .models import ApiClient, Appointment


class TraineeByPhoneField(forms.CharField):
    """A trainee picked by mobile number, among the people the member of staff may see."""

    def __init__(self, *args, viewer=None, **kwargs):
        self.viewer = viewer
        super().__init__(*args, **kwargs)

    def clean(self, value):
        raw = super().clean(value)
        phone = normalise_phone(raw)
        trainee = selectors.trainees_appointable_by(self.viewer).filter(phone=phone).first() if self.viewer else None
        if trainee is None:
            raise ValidationError(_("No trainee you may manage has this phone number."), code="unknown_trainee")
        return trainee


class CreditAdjustForm(forms.Form):
    trainee = TraineeByPhoneField(label=_("Trainee's mobile phone"), max_length=20)
    competency = forms.ModelChoiceField(label=_("Competency"), queryset=Competency.objects.all())
    amount = forms.DecimalField(
        label=_("Credits"),
        max_digits=5,
        decimal_places=1,
        help_text=_("Positive to add, negative to deduct; one decimal place."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee"].viewer = viewer


class AppointmentForm(WagtailAdminModelForm):
    """Pick the trainee by phone; a street administrator can only choose their own street."""

    trainee = TraineeByPhoneField(label=_("Trainee's mobile phone"), max_length=20)

    class Meta:
        model = Appointment
        fields = ["trainee", "post", "street", "community", "compound", "start_date", "override_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        viewer = self.for_user
        self.fields["trainee"].viewer = viewer
        if viewer is not None and not viewer.is_registrar:
            self.fields["street"].queryset = Street.objects.filter(pk=viewer.managed_street_id)
            self.fields["community"].queryset = Community.objects.filter(street_id=viewer.managed_street_id)
            self.fields["override_reason"].disabled = True
            self.fields["override_reason"].help_text = _("Only registrars may override.")


class ApiClientForm(WagtailAdminModelForm):
    class Meta:
        model = ApiClient
        fields = ["name", "requests_per_minute"]
