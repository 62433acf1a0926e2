"""Admin forms for credits: manual adjustment, appointments and API clients. They validate input; the services
decide and write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from academy.models import Community, Street, User
from academy.phone import normalise_phone
from courses.models import Competency, TrainingSession

from .models import ApiClient, Appointment, Cohort
from .posts import selectors as post_selectors


class TraineeByPhoneField(forms.CharField):
    """A trainee picked by mobile number, among the people the member of staff may see."""

    def __init__(self, *args, viewer=None, **kwargs):
        self.viewer = viewer
        super().__init__(*args, **kwargs)

    def clean(self, value):
        raw = super().clean(value)
        phone = normalise_phone(raw)
        trainee = (
            post_selectors.trainees_appointable_by(self.viewer).filter(phone=phone).first() if self.viewer else None
        )
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


class CohortForm(WagtailAdminModelForm):
    """A cohort with its roster typed or pasted as mobile numbers, one a line (how registrars receive lists)."""

    roster_phones = forms.CharField(
        label=_("Trainees' mobile phones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One mobile number a line. Every number must belong to a trainee."),
    )

    class Meta:
        model = Cohort
        fields = ["name", "programme", "sessions"]
        widgets = {"sessions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].queryset = TrainingSession.objects.select_related("venue").order_by("-start")
        if self.instance.pk:
            self.fields["roster_phones"].initial = "\n".join(
                phone[3:]
                for phone in self.instance.roster.exclude(phone=None).order_by("pk").values_list("phone", flat=True)
            )

    def clean_roster_phones(self):
        phones, problems = [], []
        for number, line in enumerate((self.cleaned_data.get("roster_phones") or "").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                phones.append(normalise_phone(line))
            except ValidationError:
                problems.append(
                    _("Line %(line)d: “%(value)s” is not a mobile number.") % {"line": number, "value": line.strip()}
                )
        users = {user.phone: user for user in User.objects.filter(phone__in=phones)}
        problems += [
            _("No trainee has the number %(phone)s.") % {"phone": phone[3:]}
            for phone in dict.fromkeys(phones)
            if phone not in users
        ]
        if problems:
            raise ValidationError(problems)
        return [users[phone] for phone in dict.fromkeys(phones)]

    def save(self, commit=True):
        cohort = super().save(commit=commit)
        if commit:
            cohort.roster.set(self.cleaned_data["roster_phones"])
        return cohort
