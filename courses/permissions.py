"""Who may see learner records (enrolments, completions) in the Wagtail admin."""

from wagtail.permission_policies.base import ModelPermissionPolicy

from academy.selectors import users_visible_to


class LearnerRecordPermissionPolicy(ModelPermissionPolicy):
    """Registrars see every trainee's records, a street administrator only their street's; nobody edits them
    here (records change only through the services, so that completion and credits stay consistent)."""

    def user_has_permission(self, user, action):
        if not user.is_active or action not in {"view", "export"}:
            return False
        return user.is_registrar or user.is_street_administrator

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and users_visible_to(user).filter(pk=instance.user_id).exists()

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model.objects.none()
        return self.model.objects.filter(user__in=users_visible_to(user))

    def users_with_permission(self, action):
        return self.model._meta.get_field("user").related_model.objects.none()


class TrainingSessionPermissionPolicy(ModelPermissionPolicy):
    """Registrars run training sessions (create, change, delete, roster, attendance, projector); street
    administrators see sessions and their own street's registrations and attendance, read only."""

    def user_has_permission(self, user, action):
        if not user.is_active:
            return False
        if user.is_registrar:
            return action in {"add", "change", "delete", "view", "export", "run"}
        if user.is_street_administrator:
            return action in {"view", "export"}
        return False

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model.objects.none()
        return self.model.objects.all()

    def users_with_permission(self, action):
        return self.model._meta.get_field("lecturer").related_model.objects.none()
