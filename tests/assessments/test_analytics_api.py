"""GET /api/v1/assessments/{id}/analytics and POST .../analytics/refresh: the editors of the quiz's course read
the figures (cached or computed for the request), the stale flag with computed_at, nulls for undefined figures,
"computing" for a large set without cache; everyone else is refused; the queries do not grow with attempts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from model_bakery import baker

from apps.assessments.analytics import selectors, services
from apps.assessments.models import StatisticsCache
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import client_for, in_org, jwt_for, person

from .analytics_builders import add_attempt, statistics_quiz

pytestmark = pytest.mark.django_db

MARKS = [[1, 1, 2], [1, 0, 2], [0, 1, 0], [1, 1, 0], [0, 0, 0]]


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


def path(quiz, query=""):
    return f"/api/v1/assessments/{quiz.pk}/analytics{query}"


@pytest.fixture
def course(acme, acme_teacher):
    with in_org(acme):
        return baker.make_recipe("courses.course", owner=acme_teacher)


@pytest.fixture
def quiz(acme, course):
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        learners = baker.make_recipe("accounts.student", _quantity=len(MARKS))
        for user, row in zip(learners, MARKS, strict=True):
            add_attempt(quiz, user, row, responses={1: {"choice": "a" if row[0] else "b"}})
        return quiz


def test_an_editor_reads_quiz_and_question_figures_and_the_histogram(acme, acme_teacher, quiz):
    data = assert_ok(api(acme, acme_teacher).get(path(quiz)))

    assert (data["assessment"], data["attempts"], data["state"], data["stale"]) == (
        quiz.pk,
        "first",
        "ready",
        False,
    )
    assert data["attempt_count"] == 5
    assert data["cached"] is False
    assert data["computed_at"] is not None
    assert data["quiz"]["mean_percent"] == pytest.approx(50.0)
    assert data["quiz"]["cic"] == pytest.approx(42.0)
    assert [q["slot"] for q in data["questions"]] == [1, 2, 3]
    first = data["questions"][0]
    assert (first["question_name"], first["qtype"], first["facility_percent"]) == ("Capital", "choice", 60.0)
    assert {o["label"]: o["count"] for o in first["response_counts"]["options"]} == {
        "Paris": 3,
        "Lyon": 2,
        "Marseille": 0,
    }
    assert len(data["histogram"]) == 10
    assert sum(b["count"] for b in data["histogram"]) == 5


def test_the_cache_is_served_and_says_when_it_is_stale(acme, acme_teacher, quiz):
    with in_org(acme):
        cache = services.compute(quiz, "all")
        services.statistics_mark_stale(assessment_id=quiz.pk, queue=False)

    data = assert_ok(api(acme, acme_teacher).get(path(quiz, "?attempts=all")))

    assert (data["attempts"], data["cached"], data["stale"]) == ("all", True, True)
    assert data["computed_at"].replace("Z", "+00:00") == cache.computed_at.isoformat()
    assert data["stale_since"] is not None
    assert data["quiz"]["attempt_count"] == 5


def test_no_attempt_gives_nulls_not_an_error(acme, acme_teacher, course):
    with in_org(acme):
        empty, _ = statistics_quiz(course)

    data = assert_ok(api(acme, acme_teacher).get(path(empty)))

    assert data["attempt_count"] == 0
    assert data["quiz"]["mean"] is None
    assert data["quiz"]["sd"] is None
    assert data["quiz"]["cic"] is None
    assert [q["facility"] for q in data["questions"]] == [None, None, None]
    assert data["histogram"][0]["count"] == 0


def test_an_unknown_attempt_set_is_a_validation_error(acme, acme_teacher, quiz):
    error = assert_error(api(acme, acme_teacher).get(path(quiz, "?attempts=best")), 400, "VALIDATION_ERROR")

    assert "attempts" in error["details"]


def test_a_large_set_without_cache_answers_computing_and_queues_the_task(
    acme, acme_teacher, quiz, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(selectors, "SYNC_LIMIT", 3)

    with django_capture_on_commit_callbacks() as queued:
        data = assert_ok(api(acme, acme_teacher).get(path(quiz)))

    assert (data["state"], data["attempt_count"], data["quiz"], data["questions"]) == (
        "computing",
        5,
        None,
        [],
    )
    assert len(queued) == 1
    queued[0]()  # the worker (eager here) stores the figures
    with in_org(acme):
        assert StatisticsCache.objects.get(assessment=quiz, which="first").attempt_count == 5
    assert assert_ok(api(acme, acme_teacher).get(path(quiz)))["cached"] is True


def test_refresh_recomputes_and_stores_now(acme, acme_teacher, quiz):
    client = api(acme, acme_teacher)

    data = assert_ok(client.post(path(quiz, "/refresh"), {"attempts": "last"}, format="json"))

    assert (data["attempts"], data["cached"], data["stale"], data["attempt_count"]) == (
        "last",
        True,
        False,
        5,
    )
    with in_org(acme):
        assert StatisticsCache.objects.filter(assessment=quiz, which="last", stale=False).exists()
    assert_error(
        client.post(path(quiz, "/refresh"), {"attempts": "best"}, format="json"), 400, "VALIDATION_ERROR"
    )


def test_refresh_of_a_very_large_set_is_queued_with_202(
    acme, acme_teacher, quiz, monkeypatch, django_capture_on_commit_callbacks
):
    with in_org(acme):
        services.compute(quiz, "first")
    monkeypatch.setattr(services, "REFRESH_SYNC_LIMIT", 3)

    with django_capture_on_commit_callbacks() as queued:
        response = api(acme, acme_teacher).post(path(quiz, "/refresh"), {}, format="json")

    data = assert_ok(response, 202)
    assert (data["state"], data["cached"], data["stale"]) == ("ready", True, True)
    assert len(queued) == 1


# --- who may read it ------------------------------------------------------------------------------------------


def test_a_student_is_refused_whatever_the_id(acme, acme_student, quiz):
    client = api(acme, acme_student)

    assert_error(client.get(path(quiz)), 403, "PERMISSION_DENIED")
    assert_error(client.get("/api/v1/assessments/999999999/analytics"), 403, "PERMISSION_DENIED")
    assert_error(client.post(path(quiz, "/refresh"), {}, format="json"), 403, "PERMISSION_DENIED")


def test_a_teacher_of_another_course_gets_404_like_a_missing_quiz(acme, quiz):
    client = api(acme, person(acme, "south-teacher"))

    assert_error(client.get(path(quiz)), 404, "NOT_FOUND")
    assert_error(client.post(path(quiz, "/refresh"), {}, format="json"), 404, "NOT_FOUND")
    assert_error(client.get("/api/v1/assessments/999999999/analytics"), 404, "NOT_FOUND")


def test_a_teacher_enrolled_as_a_learner_sees_the_quiz_but_not_its_statistics(acme, course, quiz):
    other = person(acme, "south-teacher")
    with in_org(acme):
        baker.make_recipe("courses.enrollment", course=course, user=other)

    assert_error(api(acme, other).get(path(quiz)), 403, "PERMISSION_DENIED")
    with in_org(acme):
        assert not StatisticsCache.objects.filter(assessment=quiz).exists()


def test_another_organizations_quiz_is_404_on_this_host(acme, acme_admin, globex, globex_admin):
    with in_org(globex):
        course = baker.make_recipe("courses.course", owner=globex_admin)
        foreign, _ = statistics_quiz(course)

    assert_error(api(acme, acme_admin).get(path(foreign)), 404, "NOT_FOUND")
    assert_error(api(acme, acme_admin).post(path(foreign, "/refresh"), {}, format="json"), 404, "NOT_FOUND")


def test_an_org_admin_reads_any_quiz(acme, acme_admin, quiz):
    assert assert_ok(api(acme, acme_admin).get(path(quiz)))["attempt_count"] == 5


# --- cost --------------------------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    client.get(url)  # warm: the organization and the throttle are looked up once
    with CaptureQueriesContext(connection) as captured:
        assert_ok(client.get(url))
    return len(captured)


@pytest.mark.parametrize("cached", [False, True])
def test_the_queries_do_not_grow_with_attempts(acme, acme_teacher, course, cached):
    client = api(acme, acme_teacher)
    with in_org(acme):
        quiz, _ = statistics_quiz(course)
        learners = baker.make_recipe("accounts.student", _quantity=30)
        for user in learners[:3]:
            add_attempt(quiz, user, [1, 0, 2], responses={1: {"choice": "a"}})
        if cached:
            services.compute(quiz, "first")
    few = count_queries(client, path(quiz))

    with in_org(acme):
        for number, user in enumerate(learners[3:]):
            add_attempt(quiz, user, [number % 2, 1, 0], responses={1: {"choice": "b"}})
        if cached:
            services.compute(quiz, "first")
    many = count_queries(client, path(quiz))

    assert few == many
    # The caller (with their roles), the quiz, its cache; without one: the attempt count, the slots, the versions
    # used, the versions, the totals and the marks (one streamed query). Plus search_path and session upkeep.
    assert many <= (5 if cached else 11)
