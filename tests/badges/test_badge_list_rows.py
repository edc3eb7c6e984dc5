"""The API's badge list (badge_rows: the scope as one SQL fragment, the award counts, tags and criteria read
with the page) answers what the ORM selector answers (badge_list, its criteria prefetched), for an Org Admin,
a Teacher and a Student, with searches, filters, sorts and sparse fields; and each viewer's list holds the
badges they may know of and no other (a badge of a course the student may not see is absent)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from model_bakery import baker

from apps.badges.baker_recipes import make_award, make_badge
from apps.badges.core import selectors
from apps.courses.models import Tag
from apps.hierarchy.models import Branch
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import client_for, in_org, jwt_for

pytestmark = pytest.mark.django_db


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


@pytest.fixture
def spread(acme, acme_admin, acme_teacher, acme_student):
    """Badges of the organization and of courses each viewer may or may not see, in every status."""
    with in_org(acme):
        algebra = baker.make_recipe("courses.course", owner=acme_teacher, title="Algebra")
        south = baker.make_recipe("courses.course", owner=acme_admin, title="South only")
        south.branches.set([Branch.objects.get(code="south")])
        draft = baker.make_recipe("courses.course", owner=acme_admin, title="Draft", status="draft")
        zeta, alpha = (Tag.objects.create(name=name) for name in ("zeta", "alpha"))
        org = make_badge(name="Org badge", tags=[zeta, alpha])
        make_badge(name="Org draft", status="draft", criteria=[])
        make_badge(name="Org archived", status="archived", alignment=[{"targetName": "X", "targetUrl": "u"}])
        course_badge = make_badge(
            name="Algebra badge",
            course=algebra,
            criteria_mode="any",
            expiry="days",
            expires_after_days=30,
            criteria=[
                {"kind": "course", "course": algebra},
                {"kind": "streak", "count": 3, "min_percent": Decimal("87.50")},
                {"kind": "badges", "required_badges": [org]},
                {"kind": "courses", "count": 2},
            ],
        )
        make_badge(name="Algebra draft", course=algebra, status="draft", tags=[alpha])
        south_badge = make_badge(
            name="South badge", course=south, criteria=[{"kind": "course", "course": south}]
        )
        make_badge(name="Draft course badge", course=draft)
        make_award(badge=org, user=acme_student)
        make_award(badge=org, user=acme_teacher, revoked=True, reason="By mistake")
        make_award(badge=course_badge, user=acme_student, awarded_by=acme_admin, source="manual")
    return {"org": org, "course_badge": course_badge, "south_badge": south_badge}


SEEN = {
    "acme_admin": {
        "Algebra badge",
        "Algebra draft",
        "Draft course badge",
        "Org archived",
        "Org badge",
        "Org draft",
        "South badge",
    },
    "acme_teacher": {"Algebra badge", "Algebra draft", "Org archived", "Org badge", "Org draft"},
    "acme_student": {"Algebra badge", "Org badge"},
}
URLS = [
    "/api/v1/badges?per_page=100",
    "/api/v1/badges?per_page=2&page=2",
    "/api/v1/badges?search=algebra",
    "/api/v1/badges?status=active&sort=-created_at",
    "/api/v1/badges?criteria_mode=any",
    "/api/v1/badges?fields=id,name,tags,criteria.label,criteria.badge_ids,award_count,viewer_manages",
]


def _orm_reads(monkeypatch):
    monkeypatch.setattr(selectors, "badge_rows", selectors.badge_list)
    monkeypatch.setattr(selectors, "badge_extras", lambda page: None)
    monkeypatch.setattr(selectors, "badge_row", selectors.badge_get)


@pytest.mark.parametrize("viewer_fixture", sorted(SEEN))
def test_the_badge_list_answers_what_the_orm_selector_answers(
    request, acme, spread, viewer_fixture, monkeypatch
):
    client = api(acme, request.getfixturevalue(viewer_fixture))
    badge_ids = [spread["org"].pk, spread["course_badge"].pk]
    lean = [client.get(url).content for url in URLS]
    lean_details = [client.get(f"/api/v1/badges/{pk}").content for pk in badge_ids]
    _orm_reads(monkeypatch)
    orm = [client.get(url).content for url in URLS]
    orm_details = [client.get(f"/api/v1/badges/{pk}").content for pk in badge_ids]

    assert lean == orm
    assert lean_details == orm_details
    listed = assert_ok(client.get(URLS[0]))
    assert {badge["name"] for badge in listed} == SEEN[viewer_fixture]


def test_each_viewer_lists_the_badges_they_may_know_of_with_their_extras(
    acme, acme_admin, acme_teacher, acme_student, spread
):
    by_name = {
        viewer: {badge["name"]: badge for badge in assert_ok(api(acme, viewer).get(URLS[0]))}
        for viewer in (acme_admin, acme_teacher, acme_student)
    }
    student = by_name[acme_student]
    assert "South badge" not in student
    assert "Draft course badge" not in student
    assert student["Org badge"]["tags"] == ["alpha", "zeta"]
    assert student["Org badge"]["award_count"] == 1
    criteria = student["Algebra badge"]["criteria"]
    assert [c["kind"] for c in criteria] == ["course", "streak", "badges", "courses"]
    assert criteria[1]["min_percent"] == "87.50"
    assert criteria[2]["badge_ids"] == [spread["org"].pk]
    assert {name for name, badge in by_name[acme_teacher].items() if badge["viewer_manages"]} == {
        "Algebra badge",
        "Algebra draft",
    }
    assert all(badge["viewer_manages"] for badge in by_name[acme_admin].values())
    assert by_name[acme_admin]["Org draft"]["criteria"] == []
    assert_error(api(acme, acme_student).get(f"/api/v1/badges/{spread['south_badge'].pk}"), 404, "NOT_FOUND")


def _queries(client, path) -> int:
    assert_ok(client.get(path))  # warm: the caller's scope is kept after a first request
    with CaptureQueriesContext(connection) as queries:
        assert_ok(client.get(path))
    return len(queries)


@pytest.mark.parametrize("viewer_fixture", sorted(SEEN))
def test_the_badge_list_reads_its_page_in_one_query(request, acme, spread, viewer_fixture):
    """The viewer's row and the page (extras included): the same for 2 rows as for all of them."""
    client = api(acme, request.getfixturevalue(viewer_fixture))
    assert _queries(client, "/api/v1/badges?per_page=2") == _queries(client, URLS[0]) == 2


def test_no_one_signed_in_knows_of_the_active_organization_badges_only(acme, spread):
    """The scope's other path (no course visible: the courses app's filter is not an SQL fragment)."""
    with in_org(acme):
        names = {badge.name for badge in selectors.badge_rows(viewer=AnonymousUser())}
    assert names == {"Org badge"}
