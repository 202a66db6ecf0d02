"""The marketer, curator and admin groups with their permissions (musicrec.core.roles).

Permissions are normally created after the last migration (post_migrate); they are created here
first so a fresh database gets complete groups in one `migrate`. Running it again, or the
post_migrate hook afterwards, changes nothing (roles_sync is idempotent).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_role_groups(apps, schema_editor):
    from musicrec.core.roles import roles_sync

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_job_retry_and_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("authors", "0002_authoranalysis_pure_field_names"),
        ("videos", "0001_initial"),
        ("music", "0001_initial"),
        ("recommendations", "0001_initial"),
    ]

    operations = [
        # Reversing leaves the groups: they may have members by then.
        migrations.RunPython(create_role_groups, migrations.RunPython.noop),
    ]
