"""The catalog published in one source: docs/events.md (generated, never stale) and GET /api/v1/events."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from apps.events import catalog
from apps.events.docs import render
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import client_for, jwt_for, person

PAGE = Path(settings.BASE_DIR) / "docs" / "events.md"


@pytest.fixture
def product_catalog(test_events):
    """Only the product's own events (the bus tests declare some of their own, put back afterwards)."""
    ours = {name: catalog._CATALOG.pop(name) for name in test_events}
    yield
    catalog._CATALOG.update(ours)


def test_the_committed_catalog_page_is_up_to_date(product_catalog):
    assert PAGE.read_text(encoding="utf-8") == render(), (
        "docs/events.md is stale: run `python manage.py events_catalog --write docs/events.md`."
    )


def test_the_page_lists_every_event_with_its_fields(product_catalog):
    page = render()

    for event_type in catalog.event_types():
        assert f"### {event_type.name}\n" in page
        for key in event_type.payload:
            assert f"| `{key}` |" in page
    assert "| `rule_id` | integer or null |" in page


def test_the_command_writes_and_checks_the_page(product_catalog, tmp_path):
    target = tmp_path / "events.md"
    call_command("events_catalog", "--write", str(target), stdout=StringIO())
    call_command("events_catalog", "--check", str(target), stdout=StringIO())

    target.write_text("stale", encoding="utf-8")
    with pytest.raises(CommandError, match="stale"):
        call_command("events_catalog", "--check", str(target), stdout=StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["org_admin", "manager", "teacher", "student"])
def test_every_member_reads_the_catalog_from_the_api(acme, acme_admin, product_catalog, role):
    user = acme_admin if role == "org_admin" else person(acme, role)
    client = client_for("acme", token=jwt_for(acme, user))

    response = client.get("/api/v1/events", {"per_page": 100})

    rows = assert_ok(response)
    assert [row["name"] for row in rows] == [t.name for t in catalog.event_types()]
    completed = next(row for row in rows if row["name"] == "course.completed")
    assert completed["version"] == 1
    assert completed["declared_in"] == "apps.courses.events"
    assert completed["payload"]["properties"]["completed_at"] == {"type": "string", "format": "date-time"}
    assert completed["payload"]["required"] == ["enrollment_id", "course_id", "user_id", "completed_at"]
    assert response.json()["meta"]["total"] == len(rows)


@pytest.mark.django_db
def test_the_catalog_api_needs_a_signed_in_member_and_is_read_only(acme, acme_admin):
    assert client_for("acme").get("/api/v1/events").status_code == 401
    admin = client_for("acme", token=jwt_for(acme, acme_admin))
    assert admin.post("/api/v1/events", {}).status_code == 405
    assert_error(admin.get("/api/v1/events", {"sort": "name"}), 400, "INVALID_SORT")
