from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _sync_roles(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Keep the role groups current after every migrate (and after a test database flush).

    post_migrate is sent once per app; only the last app's signal comes after every app's
    permissions were created.
    """
    from django.contrib.auth.models import Group, Permission

    from musicrec.core.roles import roles_sync

    last = [config for config in apps.get_app_configs() if config.models_module][-1]
    if sender.label == last.label and Permission.objects.using(using).exists():
        roles_sync(Group, Permission)


def _task_ended(sender: object, task: dict, **kwargs: object) -> None:
    """django-q2's post_execute (the cluster's monitor, once a result is saved): a task that
    failed without ending its Job ends it now (musicrec.core.job_sweep)."""
    from musicrec.core.job_sweep import job_task_ended

    job_task_ended(task)


class CoreConfig(AppConfig):
    name = "musicrec.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django_q.signals import post_execute

        post_migrate.connect(_sync_roles, dispatch_uid="musicrec-roles-sync")
        post_execute.connect(_task_ended, dispatch_uid="musicrec-job-task-ended")
