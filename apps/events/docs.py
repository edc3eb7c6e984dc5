"""The catalog as a Markdown page (docs/events.md, written by `manage.py events_catalog --write`)."""

from . import catalog

INTRO = """\
# Event catalog

<!-- Generated from the declarations (apps/*/events.py) by
     `python manage.py events_catalog --write docs/events.md`; edit those, not this file.
     tests/events/test_catalog_page.py fails when this file is stale. -->

Every state change that users or integrators care about raises a **domain event**. Each event is declared
once, here listed, by the app that raises it (`apps/<app>/events.py`, imported from its `AppConfig.ready()`):
a name, a description, a payload whose every field has a type, and a version. The same list is served to
signed-in members of an organization at `GET /api/v1/events`.

**How an event travels.** The service that makes the change raises the event inside its own transaction
(`apps.events.emit`), so the event exists exactly when the change does: a rolled-back change raises nothing.
`emit` refuses an undeclared name and a payload with a missing, extra or wrongly typed field, in tests and
in production alike. The event is stored in the organization's schema (a transactional outbox) with the
version of its declaration, and handed to its subscribers after commit by a Celery task running in that
schema. Each subscriber handles each event once (a delivery row per subscriber and event); one that fails
is retried alone, and events whose dispatch did not finish are re-dispatched every five minutes.

**Subscribing.** A later module subscribes without touching the raiser:
`@subscriber("course.completed")`, `@subscriber("course.*")`, or `@subscriber("*")` for every event (as
webhooks will). `own_task=True` runs the subscriber in a Celery task of its own for each event, so a slow
one (email, webhooks) does not hold the others. A subscriber to a name or pattern that selects no declared
event fails the `events.E001` system check.

**Payloads** carry ids and the few values an integrator needs to act (a status, a source, a time), never
names, email addresses or other personal data: read those by id. Times are ISO 8601 strings with a time
zone. A field written `X or null` is always present and may be null. Events live in the organization's
schema, so the organization is implied and not repeated in the payload; an outgoing webhook will name it
(its `uid`) in its own envelope, beside the event's name, version, key and time.

**Versions.** A change that adds, removes, renames or retypes a payload field raises the event's version;
each stored event keeps the version it was raised with.

**Idempotency keys.** Each event has a key unique to the state change it reports (for instance
`course.completed:<enrollment id>`); raising the same key again (a retried request, a race) is a no-op, so
each change is reported once.

**Retention.** Dispatched events are deleted after `EVENTS_RETENTION_DAYS` (90 by default) by a daily
Celery beat task that runs in each organization's schema, in batches. Events not yet handed to every
subscriber are never pruned.
"""


def render() -> str:
    types = catalog.event_types()
    lines = [INTRO, "## Events", ""]
    lines += ["| event | version | declared in |", "| --- | --- | --- |"]
    for event_type in types:
        anchor = event_type.name.replace(".", "")
        lines.append(f"| [`{event_type.name}`](#{anchor}) | {event_type.version} | `{event_type.module}` |")
    lines.append("")
    for event_type in types:
        lines += [f"### {event_type.name}", "", f"Version {event_type.version}. {event_type.description}", ""]
        if event_type.payload:
            lines += ["| field | type |", "| --- | --- |"]
            for key, spec in event_type.payload.items():
                lines.append(f"| `{key}` | {catalog.type_label(spec)} |")
        else:
            lines.append("No payload fields.")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
