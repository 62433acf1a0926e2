"""Who may see what in the notification centre's admin: registrars (and superusers), by role, not model permission.

Deliveries are records of what was sent: viewed, never edited. Message templates are wording: registrars write
them, and deleting one brings the built-in default back."""

from wagtail.permission_policies.base import ModelPermissionPolicy


def _is_registrar(user) -> bool:
    return user.is_active and (user.is_superuser or user.is_registrar)


class DeliveryPermissionPolicy(ModelPermissionPolicy):
    """Registrars view every delivery; nobody adds, edits or deletes one."""

    def user_has_permission(self, user, action):
        return _is_registrar(user) and action in {"view", "export"}

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_permission_for(self, user, action):
        return self.model.objects.all() if self.user_has_permission(user, action) else self.model.objects.none()

    def users_with_permission(self, action):
        return self.model.objects.none()


class MessageTemplatePermissionPolicy(DeliveryPermissionPolicy):
    """Registrars write, change and delete message templates."""

    def user_has_permission(self, user, action):
        return _is_registrar(user) and action in {"add", "change", "delete", "view"}
