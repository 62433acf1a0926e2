"""Register the scenario screens: graph and funnel views linked from the scenario page's header, and the
session preparations (which scenario an AB剧场 session asks for) in the offline-training menu."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy

from .models import ScenarioPage, SessionPreparation
from .viewsets import SessionPreparationPermissionPolicy, SessionPreparationViewSet

register_permission_policy(SessionPreparation, SessionPreparationPermissionPolicy(SessionPreparation))


@hooks.register("register_admin_urls")
def register_scenario_urls():
    from . import admin_views

    return [
        path("scenarios/<int:page_id>/graph/", admin_views.scenario_graph_view, name="scenarios_graph"),
        path("scenarios/<int:page_id>/funnel/", admin_views.scenario_funnel_view, name="scenarios_funnel"),
        path("scenarios/<int:page_id>/funnel.xlsx", admin_views.scenario_funnel_export, name="scenarios_funnel_export"),
    ]


@hooks.register("register_page_header_buttons")
def scenario_header_buttons(page, user, view_name, next_url=None):
    if page.specific_class is not ScenarioPage or not page.permissions_for_user(user).can_edit():
        return
    yield Button(_("Scenario graph"), reverse("scenarios_graph", args=[page.pk]), icon_name="site", priority=80)
    yield Button(_("Scenario funnel"), reverse("scenarios_funnel", args=[page.pk]), icon_name="list-ul", priority=81)


@hooks.register("register_admin_viewset")
def register_session_preparations():
    return SessionPreparationViewSet()
