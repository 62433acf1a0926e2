"""Who may do what with credits records in the admin. Roles come from groups (see ``academy.roles``)."""

from wagtail.permission_policies.base import ModelPermissionPolicy

from academy.selectors import users_visible_to

from .selectors import appointments_visible_to


def _is_registrar(user) -> bool:
    return user.is_active and user.is_registrar


def _is_street_administrator(user) -> bool:
    return user.is_active and user.is_street_administrator


class LedgerPermissionPolicy(ModelPermissionPolicy):
    """The ledger is read only: registrars see every row and may adjust; street administrators see their street's."""

    def user_has_permission(self, user, action):
        if _is_registrar(user):
            return action in {"view", "export", "adjust"}
        if _is_street_administrator(user):
            return action in {"view", "export"}
        return False

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model.objects.none()
        return self.model.objects.filter(trainee__in=users_visible_to(user))

    def user_has_permission_for_instance(self, user, action, instance):
        return self.instances_user_has_permission_for(user, action).filter(pk=instance.pk).exists()

    def users_with_permission(self, action):
        return self.model.objects.none()


class AppointmentPermissionPolicy(ModelPermissionPolicy):
    """Registrars and street administrators record appointments (the latter in their own street); an appointment
    is a record, so nobody edits or deletes it here."""

    def user_has_permission(self, user, action):
        if _is_registrar(user) or _is_street_administrator(user):
            return action in {"add", "view", "export"}
        return False

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model.objects.none()
        return appointments_visible_to(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.instances_user_has_permission_for(user, action).filter(pk=instance.pk).exists()

    def users_with_permission(self, action):
        return self.model.objects.none()


class ApiClientPermissionPolicy(ModelPermissionPolicy):
    """Only registrars create, see and revoke API clients."""

    def user_has_permission(self, user, action):
        return _is_registrar(user) and action in {"add", "view", "revoke"}

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_permission_for(self, user, action):
        return self.model.objects.all() if self.user_has_permission(user, action) else self.model.objects.none()

    def users_with_permission(self, action):
        return self.model.objects.none()


class CohortPermissionPolicy(ModelPermissionPolicy):
    """Registrars manage cohorts and register them for sessions; street administrators may look."""

    def user_has_permission(self, user, action):
        if _is_registrar(user):
            return action in {"add", "change", "delete", "view", "export"}
        if _is_street_administrator(user):
            return action == "view"
        return False

class CertificatePermissionPolicy(ModelPermissionPolicy):
    """Registrars see every certificate and revoke, reinstate, re-render and download them; street administrators
    see and download their street's. Certificates are issued by services, never added or edited by hand."""

    def user_has_permission(self, user, action):
        if _is_registrar(user):
            return action in {"view", "export", "revoke", "reinstate", "render", "download", "issue"}
        if _is_street_administrator(user):
            return action in {"view", "export", "download"}
        return False

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model.objects.none()
        return self.model.objects.filter(holder__in=users_visible_to(user))

    def user_has_permission_for_instance(self, user, action, instance):
        return self.instances_user_has_permission_for(user, action).filter(pk=instance.pk).exists()

    def users_with_permission(self, action):
        return self.model.objects.none()


class CertificateRequestPermissionPolicy(ModelPermissionPolicy):
    """Only registrars work the approval queue."""

    def user_has_permission(self, user, action):
        return _is_registrar(user) and action in {"view", "approve", "decline"}

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_permission_for(self, user, action):
        return self.model.objects.all() if self.user_has_permission(user, action) else self.model.objects.none()

    def users_with_permission(self, action):
        return self.model.objects.none()


class BulkIssuePermissionPolicy(CertificateRequestPermissionPolicy):
    """Only registrars start and watch bulk issues."""

    def user_has_permission(self, user, action):
        return _is_registrar(user) and action in {"view", "add"}
