"""Create or update the recurring django-q2 schedules; safe to run on every deploy."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_q.models import Schedule

# name -> (dotted task, a time of day in the server's TIME_ZONE or every so many minutes, what
# it does)
SCHEDULES: dict[str, tuple[str, time | int, str]] = {
    "music-trends-nightly": (
        "music.tasks.music_trends_task",
        time(3, 30),
        "popularity percentiles, usage growth and early-trend flags of every track",
    ),
    "jobs-sweep": (
        "musicrec.core.tasks.job_sweep_task",
        1,
        "jobs whose task is gone (time limit, killed worker, unloadable task) failed or queued "
        "again, so none stays queued or running for ever",
    ),
}


def next_run_at(at: time, now: datetime) -> datetime:
    """The next occurrence of `at` (local time) strictly after `now`."""
    local = timezone.localtime(now)
    candidate = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > local else candidate + timedelta(days=1)


class Command(BaseCommand):
    help = "Create or update the recurring background tasks (idempotent: keyed by name)."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        for name, (func, at, purpose) in SCHEDULES.items():
            if isinstance(at, time):
                when = {"schedule_type": Schedule.DAILY, "next_run": next_run_at(at, now)}
                period = f"daily at {at:%H:%M}"
            else:
                when = {"schedule_type": Schedule.MINUTES, "minutes": at, "next_run": now}
                period = f"every {at} minute{'s' if at != 1 else ''}"
            schedule, created = Schedule.objects.update_or_create(
                name=name, defaults={"func": func, "repeats": -1, **when}
            )
            verb = "Created" if created else "Updated"
            self.stdout.write(
                f"{verb} schedule '{name}': {func} {period} "
                f"(next {timezone.localtime(schedule.next_run):%Y-%m-%d %H:%M}): {purpose}"
            )
