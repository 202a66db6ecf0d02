from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_0005_renames_analyse_creators_and_every_holder_keeps_it():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from musicrec.core import roles

    before = [("core", "0004_data_version")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = Permission.objects.get(content_type__app_label="core", codename="analyse_creators")
    legacy = Group.objects.create(name="legacy analysts")
    legacy.permissions.add(old)
    user = get_user_model().objects.create_user("ann", password="x")
    user.groups.add(legacy)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    codes = set(
        Permission.objects.filter(content_type__app_label="core").values_list("codename", flat=True)
    )
    assert "analyze_creators" in codes and "analyse_creators" not in codes
    assert legacy.permissions.filter(codename="analyze_creators").exists()
    assert get_user_model().objects.get(pk=user.pk).has_perm(roles.ANALYZE_CREATORS)
    marketer = Group.objects.get(name=roles.MARKETER)
    assert marketer.permissions.filter(codename="analyze_creators").exists()
