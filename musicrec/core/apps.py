from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "musicrec.core"
    label = "core"
    verbose_name = "Core"
