"""The catalog: every event declared once with typed payload fields and a version; `emit` refuses what the
catalog does not know, or a payload that does not match, and stores the version; a subscriber must listen
to something declared."""

import uuid
from datetime import UTC, datetime
from typing import Literal

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from apps.events import bus, catalog, emit
from apps.events.models import Event
from tests.conftest import in_org

from .conftest import declared

pytestmark = pytest.mark.django_db

RICH = {
    "count": int,
    "label": str,
    "flag": bool,
    "at": datetime,
    "ref": uuid.UUID,
    "maybe": int | None,
    "ids": list[int],
    "outcome": Literal["completed", "failed"],
    "score": float,
}
GOOD = {
    "count": 3,
    "label": "x",
    "flag": False,
    "at": "2026-12-01T10:00:00+00:00",
    "ref": "7b0c1f36-0a8e-4c0e-9d8e-5f0b4b9b2c11",
    "maybe": None,
    "ids": [1, 2],
    "outcome": "failed",
    "score": 7.5,
}


@pytest.fixture
def rich():
    with declared("test.rich", RICH, version=3) as name:
        yield name


def test_an_undeclared_event_is_refused_and_nothing_is_stored(acme):
    with in_org(acme):
        with pytest.raises(catalog.UndeclaredEvent, match=r"'nobody\.declared\.this' is not declared"):
            emit("nobody.declared.this", key="undeclared", payload={})

        assert not Event.objects.filter(key="undeclared").exists()


def test_a_matching_payload_is_stored_with_the_declared_version(acme, rich):
    with in_org(acme):
        event = emit(rich, key="rich-ok", payload=GOOD)

        stored = Event.objects.get(pk=event.pk)
        assert (stored.name, stored.version, stored.payload) == (rich, 3, GOOD)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"count": None}, "count: must not be null"),
        ({"count": "3"}, "count: must be an integer"),
        ({"count": True}, "count: must be an integer"),
        ({"label": 5}, "label: must be a string"),
        ({"flag": 0}, "flag: must be true or false"),
        ({"at": "yesterday"}, "at: must be an ISO 8601 date-time string"),
        ({"at": "2026-12-01T10:00:00"}, "at: must carry a time zone"),
        ({"ref": "not-a-uuid"}, "ref: must be a UUID string"),
        ({"maybe": "7"}, "maybe: must be an integer"),
        ({"ids": [1, "2"]}, "ids: item 1 must be an integer"),
        ({"ids": 1}, "ids: must be a list"),
        ({"outcome": "done"}, "outcome: must be one of completed, failed"),
        ({"score": "7.5"}, "score: must be a finite number"),
        ({"score": True}, "score: must be a finite number"),
        ({"score": float("nan")}, "score: must be a finite number"),
    ],
)
def test_a_field_of_the_wrong_type_is_refused(acme, rich, change, problem):
    with in_org(acme):
        with pytest.raises(catalog.PayloadMismatch) as refused:
            emit(rich, key="rich-bad", payload={**GOOD, **change})

        assert problem in str(refused.value)
        assert not Event.objects.filter(key="rich-bad").exists()


def test_a_missing_field_is_refused(acme, rich):
    payload = {k: v for k, v in GOOD.items() if k != "maybe"}  # nullable fields are still required keys
    with in_org(acme), pytest.raises(catalog.PayloadMismatch) as refused:
        emit(rich, key="rich-missing", payload=payload)

    assert refused.value.problems == {"maybe": "is missing"}


def test_an_extra_field_is_refused(acme, rich):
    with in_org(acme), pytest.raises(catalog.PayloadMismatch) as refused:
        emit(rich, key="rich-extra", payload={**GOOD, "email": "someone@example.com"})

    assert refused.value.problems == {"email": "is not declared"}


def test_a_refused_emit_leaves_the_surrounding_transaction_usable(acme, rich):
    with in_org(acme), transaction.atomic():
        with pytest.raises(catalog.PayloadMismatch):
            emit(rich, key="refused", payload={})
        assert emit(rich, key="accepted", payload=GOOD) is not None


def test_an_event_is_declared_once():
    with declared("test.once", {}), pytest.raises(ImproperlyConfigured, match="already declared"):
        catalog.declare("test.once", "Again.")


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("Course.Completed", {}),
        ("nodot", {}),
        ("test.bad_type", {"amount": complex}),
        ("test.bad_union", {"x": int | str}),
        ("test.bad_key", {"userId": int}),
    ],
)
def test_a_malformed_declaration_is_refused(name, payload):
    with pytest.raises(ImproperlyConfigured):
        catalog.declare(name, "Malformed.", payload=payload)
    assert name not in catalog._CATALOG


def test_the_product_declares_its_events_from_each_apps_events_module():
    modules = {t.name: t.module for t in catalog.event_types()}

    assert modules["course.completed"] == "apps.courses.events"
    assert modules["role.granted"] == "apps.accounts.events"
    assert modules["branch.created"] == "apps.hierarchy.events"
    assert modules["import.finished"] == "apps.imports.events"
    for event_type in catalog.event_types():
        if not event_type.name.startswith(("test.", "other.")):
            assert event_type.description
            assert event_type.version >= 1
            assert not {"email", "name", "full_name"} & set(event_type.payload)  # ids, not people


def test_subscribing_after_start_up_to_nothing_declared_is_refused():
    def orphan(event): ...

    with pytest.raises(catalog.UndeclaredEvent, match="selects no declared event"):
        bus.subscriber("course.complete")(orphan)  # a typo
    with pytest.raises(catalog.UndeclaredEvent):
        bus.subscriber("quiz.*")(orphan)  # no such module yet

    assert "quiz.*" not in bus.subscriptions()


def test_the_system_check_names_a_subscriber_registered_at_start_up_to_nothing_declared():
    def early(event): ...

    key = bus.subscriber_key(early)
    bus._SUBSCRIBERS["widget.frobnicated"][key] = early  # what a ready() import registers before the check
    try:
        errors = [e for e in run_checks() if e.id == "events.E001"]
    finally:
        bus._SUBSCRIBERS.pop("widget.frobnicated")

    assert len(errors) == 1
    assert "'widget.frobnicated'" in errors[0].msg
    assert key in errors[0].msg
    assert not [e for e in run_checks() if e.id == "events.E001"]


def test_patterns_select_declared_names():
    assert catalog.matching("course.*") == [
        "course.archived",
        "course.completed",
        "course.published",
        "course.unpublished",
    ]
    assert "import.finished" in catalog.matching("*")
    assert catalog.matching("role.granted") == ["role.granted"]


def test_the_payload_schema_is_json_schema():
    schema = catalog.get("enrollment.created").payload_schema()

    assert schema["additionalProperties"] is False
    assert schema["required"] == list(schema["properties"])
    assert schema["properties"]["enrollment_id"] == {"type": "integer"}
    assert schema["properties"]["rule_id"] == {"type": "integer", "nullable": True}
    assert schema["properties"]["due_at"] == {"type": "string", "format": "date-time", "nullable": True}
    assert schema["properties"]["source"] == {
        "type": "string",
        "enum": ["self", "assigned", "class", "branch"],
    }


def test_a_datetime_from_isoformat_passes():
    with declared("test.timed", {"at": datetime}) as name:
        catalog.get(name).check({"at": datetime.now(UTC).isoformat()})
