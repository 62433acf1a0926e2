"""Audit of role changes: adding someone to or removing them from a group (内容编辑, 教务员, 街道管理员 …) is logged
to Wagtail's audit log, whichever screen or script did it. The acting user comes from Wagtail's log context, which
the admin sets for each request; a change made outside a request (a shell, a migration) is logged with no user."""

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from wagtail.log_actions import log

from .models import User

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
            log(instance=person, action="academy.groups_change", data={"added": [], "removed": [], key: [instance.name]})
    else:
        names = sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        log(instance=instance, action="academy.groups_change", data={"added": [], "removed": [], key: names})
    if not reverse:
        instance.__dict__.pop("group_names", None)  # the cached role properties must see the change
