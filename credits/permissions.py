"""Who may do what with credits records in the admin. Roles come from groups (see ``academy.roles``)."""

from wagtail.permission_policies.base import ModelPermissionPolicy

from academy.selectors import users_visible_to

from .posts.selectors import appointments_visible_to


def _is_registrar(user) -> bool:
    return user.is_active and user.is_registrar


def _is_street_administrator(user) -> bool:
    return user.is_active and user.is_street_administrator


class RoleActionsPolicy(ModelPermissionPolicy):
    """A policy by role rather than by Django permission: registrars may take ``registrar_actions``, street
    administrators ``street_administrator_actions``, nobody else anything. A policy whose records belong to people
    overrides ``visible_to`` to scope them (the street administrator to their street); the others see every row."""

    registrar_actions: frozenset[str] = frozenset()
    street_administrator_actions: frozenset[str] = frozenset()

    def user_has_permission(self, user, action):
        if _is_registrar(user):
            return action in self.registrar_actions
        if _is_street_administrator(user):
            return action in self.street_administrator_actions
        return False

    def visible_to(self, user):
        """The rows ``user`` may see; None means every row (no query needed to check one)."""
        return None

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model.objects.none()
        visible = self.visible_to(user)
        return self.model.objects.all() if visible is None else visible

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        visible = self.visible_to(user)
        return visible is None or visible.filter(pk=instance.pk).exists()

    def users_with_permission(self, action):
        return self.model.objects.none()


class LedgerPermissionPolicy(RoleActionsPolicy):
    """The ledger is read only: registrars see every row and may adjust; street administrators see their street's."""

    registrar_actions = frozenset({"view", "export", "adjust"})
    street_administrator_actions = frozenset({"view", "export"})

    def visible_to(self, user):
        return self.model.objects.filter(trainee__in=users_visible_to(user))


class AppointmentPermissionPolicy(RoleActionsPolicy):
    """Registrars and street administrators record appointments (the latter in their own street); an appointment
    is a record, so nobody edits or deletes it here."""

    registrar_actions = street_administrator_actions = frozenset({"add", "view", "export"})

    def visible_to(self, user):
        return appointments_visible_to(user)


class ApiClientPermissionPolicy(RoleActionsPolicy):
    """Only registrars create, see and revoke API clients."""

    registrar_actions = frozenset({"add", "view", "revoke"})


class CohortPermissionPolicy(RoleActionsPolicy):
    """Registrars manage cohorts and register them for sessions; street administrators may look."""

    registrar_actions = frozenset({"add", "change", "delete", "view", "export"})
    street_administrator_actions = frozenset({"view"})


class CertificatePermissionPolicy(RoleActionsPolicy):
    """Registrars see every certificate and revoke, reinstate, re-render and download them; street administrators
    see and download their street's. Certificates are issued by services, never added or edited by hand."""

    registrar_actions = frozenset({"view", "export", "revoke", "reinstate", "render", "download", "issue"})
    street_administrator_actions = frozenset({"view", "export", "download"})

    def visible_to(self, user):
        return self.model.objects.filter(holder__in=users_visible_to(user))


class CertificateRequestPermissionPolicy(RoleActionsPolicy):
    """Only registrars work the approval queue."""

    registrar_actions = frozenset({"view", "approve", "decline"})


class BulkIssuePermissionPolicy(RoleActionsPolicy):
    """Only registrars start and watch bulk issues."""

    registrar_actions = frozenset({"view", "add"})
