"""Create the local demo accounts that `make run` prints: a marketer and a curator."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from musicrec.core.roles import CURATOR, MARKETER, user_set_role

DEMO_PASSWORD = "musicrec-demo"
# (username, role): the marketer uses the dashboard; the curator also has the admin.
DEMO_ACCOUNTS: tuple[tuple[str, str], ...] = (("demo", MARKETER), ("demo-curator", CURATOR))
DEMO_USERNAME = DEMO_ACCOUNTS[0][0]


class Command(BaseCommand):
    help = "Create the demo marketer and curator for a local run (never run this in production)."

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        for username, role in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(DEMO_PASSWORD)
            # The role is set on every run, so an account made by an older version follows the
            # roles too (the first demo user was a superuser).
            user_set_role(user, role)
            self.stdout.write(
                f"Demo {role}: username '{username}', password '{DEMO_PASSWORD}'"
                + ("" if created else " (existing user; password unchanged if you changed it)")
            )
