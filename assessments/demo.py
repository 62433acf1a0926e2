"""Demo data for the question bank: editors get the permissions to write and import questions."""

from django.contrib.auth.models import Group, Permission

from academy.roles import EDITORS

EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for action in ("add", "change", "delete", "view")
    for model in ("bankquestion", "case", "legalreference", "blueprint")
]


def seed_permissions() -> None:
    """Editors write the bank (questions, cases, laws and their articles) and import questions from Excel."""
    editors = Group.objects.filter(name=EDITORS).first()
    if editors is not None:
        editors.permissions.add(
            *Permission.objects.filter(content_type__app_label="assessments", codename__in=EDITOR_PERMISSIONS)
        )


def seed() -> None:
    seed_permissions()
