"""Admin screens for people and places."""

import uuid

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin_views import ReadableViewSetMixin
from .filters import TraineeFilterSet
from .models import Community, District, SearchSynonymGroup, Street, Trainee, User, Venue
from .phone import normalise_phone
from .selectors import users_visible_to
from .spreadsheets import StreamingExportMixin


class TraineeAdminForm(WagtailAdminModelForm):
    """Registrars add and correct trainee records; phones are normalised and must be unique."""

    def clean_phone(self):
        raw = self.cleaned_data.get("phone")
        if not raw:
            raise forms.ValidationError(_("Enter a mobile phone number."))
        phone = normalise_phone(raw)
        if User.objects.filter(phone=phone).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This phone number is already registered to another account."))
        return phone

    def save(self, commit=True):
        if not self.instance.username:
            # Trainees added by staff log in by phone; the username is internal and never shown.
            self.instance.username = f"t-{uuid.uuid4().hex[:16]}"
            self.instance.set_unusable_password()
        return super().save(commit=commit)


class VisibleTraineeObjectMixin:
    """A trainee opened by URL must be one the viewer may see: another street's record is a 404."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset) if queryset is not None else super().get_object()
        if not users_visible_to(self.request.user, model=Trainee).filter(pk=obj.pk).exists():
            raise Http404
        return obj


class VisibleTraineesMixin(VisibleTraineeObjectMixin):
    """Every trainee list and form reads through ``users_visible_to``."""

    def get_base_queryset(self):
        return users_visible_to(self.request.user, model=Trainee)


class TraineeIndexView(VisibleTraineesMixin, StreamingExportMixin, generic.IndexView):
    pass


class TraineeInspectView(VisibleTraineesMixin, generic.InspectView):
    pass


class TraineeEditView(VisibleTraineesMixin, generic.EditView):
    pass


class TraineeHistoryView(VisibleTraineeObjectMixin, history.HistoryView):
    """The base queryset of a history view is the object's log entries, so only the object is scoped here."""


class TraineeViewSet(ReadableViewSetMixin, ModelViewSet):
    """学员: everyone who learns here, scoped to the viewer's street for street administrators."""

    model = Trainee
    icon = "user"
    menu_label = _("Trainees")
    url_prefix = "academy/trainees"
    url_namespace = "academy_trainees"
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = TraineeIndexView
    inspect_view_class = TraineeInspectView
    edit_view_class = TraineeEditView
    history_view_class = TraineeHistoryView
    list_display = [
        "real_name",
        Column("phone_masked", label=_("Phone")),  # a property: Wagtail would label it "Phone masked"
        "party",
        "street",
        "community",
        "organisation",
        "date_joined",
    ]
    filterset_class = TraineeFilterSet
    list_export = [
        "real_name",
        "phone",
        "email",
        "get_party_display",
        "organisation",
        "job_title",
        "street",
        "community",
        "compound",
    ]
    export_filename = "trainees"
    export_headings = {"get_party_display": _("party")}
    search_fields = ["real_name", "phone", "organisation", "compound"]
    inspect_view_fields = [
        "real_name",
        "phone",
        "phone_verified",
        "email",
        "party",
        "organisation",
        "job_title",
        "street",
        "community",
        "compound",
        "date_joined",
        "last_login",
    ]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("real_name"), FieldRowPanel([FieldPanel("phone"), FieldPanel("email")])],
                heading=_("Identity"),
            ),
            MultiFieldPanel(
                [FieldPanel("party"), FieldPanel("organisation"), FieldPanel("job_title")], heading=_("Work")
            ),
            MultiFieldPanel(
                [FieldPanel("street"), FieldPanel("community"), FieldPanel("compound")], heading=_("Place")
            ),
            FieldPanel("is_active"),
        ],
        base_form_class=TraineeAdminForm,
    )


class DistrictViewSet(ReadableViewSetMixin, ModelViewSet):
    model = District
    icon = "site"
    menu_label = _("Districts")
    form_fields = ["name", "order"]
    list_display = ["name", "order"]
    copy_view_enabled = False


class StreetViewSet(ReadableViewSetMixin, ModelViewSet):
    model = Street
    icon = "site"
    menu_label = _("Streets")
    form_fields = ["district", "name", "order"]
    list_display = ["name", "district", "order"]
    list_filter = ["district"]
    search_fields = ["name"]
    copy_view_enabled = False


class CommunityViewSet(ReadableViewSetMixin, ModelViewSet):
    model = Community
    icon = "home"
    menu_label = _("Communities")
    form_fields = ["street", "name"]
    list_display = ["name", "street"]
    list_filter = ["street"]
    search_fields = ["name"]
    copy_view_enabled = False


class PlacesViewSetGroup(ModelViewSetGroup):
    menu_label = pgettext_lazy("place registry", "Places")
    menu_icon = "site"
    menu_order = 210
    items = (DistrictViewSet, StreetViewSet, CommunityViewSet)


class VenueViewSet(ReadableViewSetMixin, SnippetViewSet):
    """场地: places shared by content-site events and offline training sessions."""

    model = Venue
    icon = "site"
    menu_label = _("Venues")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["name", "district", "address"]
    list_filter = ["district"]
    list_export = ["name", "district", "address", "directions", "opening_hours", "description"]
    export_filename = "venues"
    search_fields = ["name", "address"]
    copy_view_enabled = False
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("district"), FieldPanel("address")]),
        FieldPanel("directions"),
        FieldPanel("opening_hours"),
        FieldRowPanel([FieldPanel("photo"), FieldPanel("photo_alt")]),
        FieldPanel("description"),
    ]


class SearchSynonymViewSet(ReadableViewSetMixin, SnippetViewSet):
    """搜索同义词: words the district uses for one thing, applied to every site search as it is typed."""

    model = SearchSynonymGroup
    icon = "search"
    menu_label = _("Search synonyms")
    menu_order = 230
    add_to_settings_menu = True
    list_display = ["__str__"]
    search_fields = ["terms"]
    copy_view_enabled = False
    panels = [FieldPanel("terms")]
