"""Permission policies for academy records in the Wagtail admin."""

from wagtail.permission_policies.base import ModelPermissionPolicy

from .selectors import users_visible_to


class TraineePermissionPolicy(ModelPermissionPolicy):
    """Registrars manage every trainee; a street administrator may only view their own street's people.

    Roles come from group membership (see ``academy.roles``) rather than Django model permissions so that
    registrars do not also gain Wagtail's own user-management screens (groups, staff accounts).
    """

    def user_has_permission(self, user, action):
        if not user.is_active:
            return False
        if user.is_superuser or user.is_registrar:
            return action in {"add", "change", "view", "export"}
        if user.is_street_administrator:
            return action in {"view", "export"}
        return False

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and users_visible_to(user, model=self.model).filter(pk=instance.pk).exists()
        )

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model.objects.none()
        return users_visible_to(user, model=self.model)

    def users_with_permission(self, action):
        return self.model.objects.none()
