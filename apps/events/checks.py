"""System checks: every subscriber listens to something declared (a typo in an event name or a pattern that
selects nothing would otherwise wait forever, silently)."""

from django.core.checks import Error, register


@register()
def subscribers_match_declared_events(app_configs=None, **kwargs) -> list[Error]:
    from . import catalog
    from .bus import subscriptions

    errors = []
    for pattern, keys in sorted(subscriptions().items()):
        if not catalog.matching(pattern):
            errors.append(
                Error(
                    f"{', '.join(keys)} subscribe(s) to {pattern!r}, which selects no declared event.",
                    hint="Declare the event with apps.events.catalog.declare() in the raising app's events.py, "
                    "or fix the name or pattern.",
                    obj=pattern,
                    id="events.E001",
                )
            )
    return errors
