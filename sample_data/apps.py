from django.apps import AppConfig


class SampleDataConfig(AppConfig):
    """Models-free: only the `load_demo` command."""

    name = "sample_data"
    verbose_name = "Demo data"
