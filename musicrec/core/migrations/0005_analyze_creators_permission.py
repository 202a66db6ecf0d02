"""The "analyse_creators" permission becomes "analyze_creators": one spelling across the code.

The row is renamed in place, so every group and user that held it keeps it; the roles are then
synced as musicrec.core.roles has them.
"""

from django.db import migrations

OLD = ("analyse_creators", "Can analyse creators (fetch or upload a scrape)")
NEW = ("analyze_creators", "Can analyze creators (fetch or upload a scrape)")


def _rename(apps, source: tuple[str, str], target: tuple[str, str]) -> None:
    Permission = apps.get_model("auth", "Permission")
    rows = Permission.objects.filter(content_type__app_label="core", content_type__model="job")
    if rows.filter(codename=target[0]).exists():
        rows.filter(codename=source[0]).delete()
    else:
        rows.filter(codename=source[0]).update(codename=target[0], name=target[1])


def forwards(apps, schema_editor):
    from musicrec.core.roles import roles_sync

    _rename(apps, OLD, NEW)
    roles_sync(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def backwards(apps, schema_editor):
    _rename(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_data_version"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="job",
            options={
                "ordering": ["-created_at"],
                "permissions": (
                    NEW,
                    ("rerun_analyses", "Can re-run analyses of creators, videos and tracks"),
                    ("retry_jobs", "Can retry failed background jobs"),
                    ("export_data", "Can export creators and recommendation runs as CSV"),
                ),
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
