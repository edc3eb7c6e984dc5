from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "apps.events"
    label = "events"
    verbose_name = "Domain events"

    def ready(self) -> None:
        from . import checks  # noqa: F401  events.E001: subscribers of undeclared events
