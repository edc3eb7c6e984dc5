"""The API's lean reads of badges and awards (issue 11) answer exactly what the full ORM reads answer:
/api/v1/badges (list and detail) completes its page with one raw query (award counts, tags, criteria with
their required badges and a decimal minimum), the award lists take the badge or the person from the object
they are read for. Each answer is compared with the one the view gives when its selectors are swapped back
for badge_list/badge_get/award_list/learner_awards/learner_find. Criterion labels follow each request's language."""

from decimal import Decimal

import pytest
from django.utils import translation
from model_bakery import baker

from apps.badges.baker_recipes import make_award, make_badge
from apps.badges.core import selectors
from apps.badges.models import BadgeCriterion
from apps.courses.models import Tag
from tests.api.helpers import assert_ok
from tests.conftest import client_for, in_org, jwt_for

pytestmark = pytest.mark.django_db


def api(organization, user, **headers):
    client = client_for(organization.slug, token=jwt_for(organization, user))
    client.defaults.update(headers)
    return client


@pytest.fixture
def badges(acme, acme_admin, acme_student, acme_teacher):
    with in_org(acme):
        course = baker.make_recipe("courses.course", owner=acme_teacher, title="Algebra")
        algebra, geometry = (Tag.objects.create(name=name) for name in ("geometry", "algebra"))
        first = make_badge(name="A first", tags=[algebra, geometry])
        second = make_badge(name="B second", status="draft", criteria=[])
        third = make_badge(
            name="C third",
            criteria=[
                {"kind": "course", "course": course},
                {"kind": "streak", "count": 3, "min_percent": Decimal("87.50")},
                {"kind": "badges", "required_badges": [second, first]},
            ],
        )
        make_award(badge=first, user=acme_student)
        make_award(badge=first, user=acme_teacher, revoked=True, reason="By mistake")
        make_award(badge=third, user=acme_student, awarded_by=acme_admin, source="manual")
    return first, second, third


def _old_reads(monkeypatch):
    monkeypatch.setattr(selectors, "badge_rows", selectors.badge_list)
    monkeypatch.setattr(selectors, "badge_extras", lambda page: None)
    monkeypatch.setattr(selectors, "badge_row", selectors.badge_get)
    monkeypatch.setattr(selectors, "award_rows", selectors.award_list)
    monkeypatch.setattr(selectors, "learner_award_rows", selectors.learner_awards)
    monkeypatch.setattr(selectors, "learner_seen", selectors.learner_find)


@pytest.mark.parametrize("role", ["admin", "student"])
def test_the_lean_reads_answer_what_the_orm_reads_answer(
    acme, acme_admin, acme_student, badges, role, monkeypatch
):
    first, _second, third = badges
    client = api(acme, acme_admin if role == "admin" else acme_student)
    urls = [
        "/api/v1/badges?per_page=100",
        f"/api/v1/badges/{first.pk}",
        f"/api/v1/badges/{third.pk}",
        f"/api/v1/users/{acme_student.pk}/badges",
    ]
    if role == "admin":
        urls += [f"/api/v1/badges/{first.pk}/awards", f"/api/v1/badges/{third.pk}/awards"]
    lean = [assert_ok(client.get(url)) for url in urls]
    _old_reads(monkeypatch)
    orm = [assert_ok(client.get(url)) for url in urls]

    assert lean == orm
    listed = {badge["name"]: badge for badge in lean[0]}
    assert listed["A first"]["tags"] == ["algebra", "geometry"]
    assert listed["A first"]["award_count"] == 1
    criteria = listed["C third"]["criteria"]
    assert [c["kind"] for c in criteria] == ["course", "streak", "badges"]
    assert criteria[1]["min_percent"] == "87.50"
    assert criteria[2]["badge_ids"] == sorted(badge.pk for badge in badges[:2])
    if role == "admin":
        assert listed["B second"]["criteria"] == []


def test_criterion_labels_follow_each_requests_language(acme, acme_admin, badges):
    third = badges[2]
    labels = {}
    for language in ("fr", "en", "fr"):
        data = assert_ok(
            api(acme, acme_admin, HTTP_ACCEPT_LANGUAGE=language).get(f"/api/v1/badges/{third.pk}")
        )
        labels.setdefault(language, []).append([c["label"] for c in data["criteria"]])
    with in_org(acme):
        criteria = list(BadgeCriterion.objects.filter(badge=third))
        for language in ("fr", "en"):
            with translation.override(language):
                expected = [c.get_kind_display() for c in criteria]
            assert labels[language] == [expected] * len(labels[language])
    assert labels["fr"][0] != labels["en"][0]
