"""Audit of role changes: adding someone to or removing them from a group (内容编辑, 教务员, 街道管理员 …) is logged
to Wagtail's audit log, whichever screen or script did it. The acting user comes from Wagtail's log context, which
the admin sets for each request; a change made outside a request (a shell, a migration) is logged with no user."""

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.log_actions import log

from .models import User
from .selectors import ADMIN_ACCESS

_CLEARED = "_academy_groups_before_clear"


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="academy-audit-group-changes")
def audit_group_change(sender, instance, action, reverse, pk_set, **kwargs):
    """Log who was added to or removed from which group; ``reverse`` is a change made from the group's side."""
    if action == "pre_clear":
        people = [instance] if not reverse else list(instance.user_set.all())
        for person in people:
            groups = list(person.groups.values_list("name", flat=True)) if not reverse else [instance.name]
            setattr(person, _CLEARED, groups)
        if reverse:
            instance._academy_cleared_users = people
        return
    if action == "post_clear":
        people = [instance] if not reverse else getattr(instance, "_academy_cleared_users", [])
        for person in people:
            removed = getattr(person, _CLEARED, [])
            if removed:
                log(instance=person, action="academy.groups_change", data={"added": [], "removed": sorted(removed)})
        return
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    key = "added" if action == "post_add" else "removed"
    if reverse:
        for person in User.objects.filter(pk__in=pk_set):
            log(
                instance=person, action="academy.groups_change", data={"added": [], "removed": [], key: [instance.name]}
            )
    else:
        names = sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        log(instance=instance, action="academy.groups_change", data={"added": [], "removed": [], key: names})
    if not reverse:
        instance.__dict__.pop("group_names", None)  # the cached role properties must see the change


# Who may use the admin (cached for the user bar) changes with groups, permissions and the user's own flags.
for _signal, _sender in ((m2m_changed, User.groups.through), (m2m_changed, User.user_permissions.through),
                         (m2m_changed, Group.permissions.through), (post_delete, Group)):  # fmt: skip
    _signal.connect(ADMIN_ACCESS.forget, sender=_sender, dispatch_uid=f"academy-admin-access-{id(_signal)}-{_sender}")


@receiver(post_save, sender=User, dispatch_uid="academy-admin-access-user-flags")
def forget_admin_access_on_flags(sender, update_fields=None, **kwargs):
    """A save that may have changed is_active or is_superuser; not a log-in, which saves only last_login."""
    if update_fields is None or {"is_active", "is_superuser"} & set(update_fields):
        ADMIN_ACCESS.forget()
