"""Admin list filters whose choices are scoped to the viewer: a street administrator's street filter offers
only their own street, and its communities."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from .choices import Party
from .models import Community, Street, Trainee
from .selectors import communities_visible_to, streets_visible_to


class StreetScopedFilterSetMixin:
    """Narrow any ``street`` / ``community`` filter to what the requesting user may see."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        viewer = request.user if request is not None else None
        if "street" in self.filters:
            self.filters["street"].queryset = streets_visible_to(viewer) if viewer else Street.objects.none()
        if "community" in self.filters:
            self.filters["community"].queryset = communities_visible_to(viewer) if viewer else Community.objects.none()


class TraineeFilterSet(StreetScopedFilterSetMixin, WagtailFilterSet):
    street = django_filters.ModelChoiceFilter(label=_("Street"), queryset=Street.objects.none())
    community = django_filters.ModelChoiceFilter(label=_("Community"), queryset=Community.objects.none())
    party = django_filters.ChoiceFilter(label=_("Party"), choices=Party.choices)

    class Meta:
        model = Trainee
        fields = ["street", "community", "party"]
