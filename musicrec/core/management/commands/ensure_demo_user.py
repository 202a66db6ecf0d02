"""Create the local demo superuser that `make run` prints, if it does not exist yet."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "musicrec-demo"


class Command(BaseCommand):
    help = "Create the demo superuser for a local run (never run this in production)."

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=DEMO_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        self.stdout.write(
            f"Demo log-in: username '{DEMO_USERNAME}', password '{DEMO_PASSWORD}'"
            + ("" if created else " (existing user; password unchanged if you changed it)")
        )
