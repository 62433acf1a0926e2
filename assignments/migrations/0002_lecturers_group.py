"""The 讲师 (lecturers) group: admin access, and nothing more. What a lecturer reviews is decided by the courses
that name the Lecturer linked to their account, not by permissions."""

from django.db import migrations

LECTURERS = "讲师"  # academy.roles.LECTURERS, fixed here as the migration's own data


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=LECTURERS)
    access = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin").first()
    if access is not None:
        group.permissions.add(access)


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0001_assignments_submissions_reviews"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
