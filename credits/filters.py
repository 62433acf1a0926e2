"""The trainee list's filters that need credits: standing for a chosen programme and certificate state. Each is a
subquery or an annotation on the one list query, so filtering costs no query per row."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet

from academy.filters import StreetScopedFilterSetMixin, TraineeFilterSet
from academy.models import Street

from . import rules
from .models import Appointment, Post, ProgrammePage
from .reports import queries
from .selectors import programmes_live

STANDING_CHOICES = [
    (rules.Standing.REQUIREMENTS_MET, _("Requirements met")),
    (rules.Standing.IN_PROGRESS, pgettext_lazy("post standing", "In progress")),
    (rules.Standing.NOT_STARTED, _("Not started")),
]
CERTIFICATE_CHOICES = [
    (queries.CertificateState.VALID, _("Valid certificate")),
    (queries.CertificateState.EXPIRING, _("Expiring within 90 days")),
    (queries.CertificateState.NONE, _("No valid certificate")),
]


class AcademyTraineeFilterSet(TraineeFilterSet):
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=ProgrammePage.objects.none(), method="filter_programme"
    )
    programme_standing = django_filters.ChoiceFilter(
        label=_("Programme status"),
        choices=STANDING_CHOICES,
        method="filter_programme",
        help_text=_("Choose a programme too."),
    )
    certificate = django_filters.ChoiceFilter(
        label=_("Certificate"), choices=CERTIFICATE_CHOICES, method="filter_certificate"
    )

    class Meta(TraineeFilterSet.Meta):
        fields = [*TraineeFilterSet.Meta.fields, "programme", "programme_standing", "certificate"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["programme"].queryset = programmes_live()

    def filter_programme(self, queryset, name, value):
        # Both fields are read together, once: the standing needs its programme.
        programme = self.form.cleaned_data.get("programme")
        standing = self.form.cleaned_data.get("programme_standing")
        if name != "programme" or not programme or not standing:
            return queryset
        return queries.filter_programme_standing(queryset, programme, standing)

    def filter_certificate(self, queryset, name, value):
        return queries.filter_certificate_state(queryset, value) if value else queryset


class AppointmentFilterSet(StreetScopedFilterSetMixin, WagtailFilterSet):
    """Post holders by post and street; a street administrator's street choice is their own street only."""

    street = django_filters.ModelChoiceFilter(label=_("Street"), queryset=Street.objects.none())
    post = django_filters.ModelChoiceFilter(label=_("Post"), queryset=Post.objects.all())

    class Meta:
        model = Appointment
        fields = ["post", "street"]
