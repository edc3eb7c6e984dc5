"""/api/v1/assessments: quizzes, slots and overrides, for editors and learners; flat query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from model_bakery import baker

from apps.assessments.baker_recipes import make_question, make_quiz
from apps.assessments.models import Assessment, Attempt, Override, Slot
from apps.courses import services as course_services
from apps.courses.models import ContentItem
from tests.api.helpers import assert_ok
from tests.conftest import client_for, in_org, jwt_for
from tests.courses.conftest import build_course

pytestmark = pytest.mark.django_db


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


@pytest.fixture
def course(acme, acme_teacher, acme_student):
    course = build_course(acme, owner=acme_teacher, title="Quiz course", modules=1, items_per_module=1)
    with in_org(acme):
        course_services.enroll_self(actor=acme_student, course=course)
    return course


@pytest.fixture
def quiz(acme, course):
    with in_org(acme):
        category = baker.make_recipe("assessments.category", course=course)
        questions = [make_question(category=category, name=f"Secret question {i}") for i in range(3)]
        return make_quiz(
            course=course, questions=questions, time_limit=900, attempts_allowed=2, pass_grade=50
        )


def test_an_author_creates_a_quiz_with_its_lesson(acme, acme_teacher, course):
    with in_org(acme):
        module = course.modules.first()

    response = api(acme, acme_teacher).post(
        "/api/v1/assessments",
        {
            "module_id": module.pk,
            "title": "API quiz",
            "time_limit": 1200,
            "grade_method": "last",
            "publish": True,
        },
        format="json",
    )

    body = response.json()
    assert response.status_code == 201, body
    data = body["data"]
    assert (data["title"], data["time_limit"], data["grade_method"], data["published"]) == (
        "API quiz",
        1200,
        "last",
        True,
    )
    assert data["effective"]["time_limit"] == 1200
    with in_org(acme):
        item = ContentItem.objects.get(pk=data["item_id"])
        assert item.kind == "quiz"
        assert item.latest_version.data == {"assessment_id": data["id"]}


def test_create_reports_every_bad_setting(acme, acme_teacher, course):
    with in_org(acme):
        module = course.modules.first()

    response = api(acme, acme_teacher).post(
        "/api/v1/assessments",
        {
            "module_id": module.pk,
            "title": "Bad",
            "time_limit": 10,
            "pass_grade": "200",
            "questions_per_page": 99,
        },
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {"time_limit", "pass_grade", "questions_per_page"}


def test_a_module_the_author_cannot_see_is_a_field_error(acme, acme_teacher):
    response = api(acme, acme_teacher).post(
        "/api/v1/assessments", {"module_id": 999999, "title": "Nowhere"}, format="json"
    )

    assert response.status_code == 400
    assert "module_id" in response.json()["error"]["details"]


def test_a_learner_gets_the_summary_without_questions_or_editor_fields(acme, acme_student, quiz):
    client = api(acme, acme_student)

    detail = client.get(f"/api/v1/assessments/{quiz.pk}")
    listing = client.get("/api/v1/assessments")
    slots = client.get(f"/api/v1/assessments/{quiz.pk}/slots")

    data = assert_ok(detail)
    assert data["question_count"] == 3
    assert data["effective"] == {"open_at": None, "close_at": None, "time_limit": 900, "attempts_allowed": 2}
    assert not {"review", "overall_feedback", "total_marks", "shuffle_answers"} & set(data)
    assert [row["id"] for row in assert_ok(listing)] == [quiz.pk]
    assert "Secret question" not in detail.content.decode() + listing.content.decode()
    assert slots.status_code == 403


def test_an_editor_gets_every_setting_and_the_slots(acme, acme_teacher, quiz):
    client = api(acme, acme_teacher)

    data = assert_ok(client.get(f"/api/v1/assessments/{quiz.pk}"))
    slots = assert_ok(client.get(f"/api/v1/assessments/{quiz.pk}/slots"))

    assert data["viewer_edits"] is True
    assert data["total_marks"] == "3.0000"
    assert data["has_attempts"] is False
    assert data["review"]["marks"] == ["immediately", "open", "closed"]
    assert [(s["position"], s["kind"], s["question"]["name"]) for s in slots] == [
        (1, "question", "Secret question 0"),
        (2, "question", "Secret question 1"),
        (3, "question", "Secret question 2"),
    ]


def test_patch_put_and_delete(acme, acme_teacher, quiz):
    client = api(acme, acme_teacher)

    patched = client.patch(f"/api/v1/assessments/{quiz.pk}", {"attempts_allowed": 0}, format="json")
    put_without_title = client.put(f"/api/v1/assessments/{quiz.pk}", {"attempts_allowed": 3}, format="json")
    put = client.put(
        f"/api/v1/assessments/{quiz.pk}", {"title": "Renamed", "attempts_allowed": 3}, format="json"
    )
    bad = client.patch(f"/api/v1/assessments/{quiz.pk}", {"review": {"marks": ["never"]}}, format="json")
    deleted = client.delete(f"/api/v1/assessments/{quiz.pk}")

    assert assert_ok(patched)["attempts_allowed"] == 0
    assert put_without_title.status_code == 400
    assert assert_ok(put)["title"] == "Renamed"
    assert bad.status_code == 400
    assert "review" in bad.json()["error"]["details"]
    assert deleted.status_code == 204
    with in_org(acme):
        assert not Assessment.objects.filter(pk=quiz.pk).exists()


def test_slots_add_update_reorder_remove(acme, acme_teacher, course, quiz):
    client = api(acme, acme_teacher)
    with in_org(acme):
        category = Slot.objects.filter(assessment=quiz).first().question.category
        extra = make_question(category=category, name="Extra")
        ids = list(Slot.objects.filter(assessment=quiz).order_by("position").values_list("pk", flat=True))

    added = client.post(
        f"/api/v1/assessments/{quiz.pk}/slots", {"question_id": extra.pk, "mark": "2"}, format="json"
    )
    random = client.post(
        f"/api/v1/assessments/{quiz.pk}/slots", {"category_id": category.pk, "count": 2}, format="json"
    )
    too_many = client.post(
        f"/api/v1/assessments/{quiz.pk}/slots", {"category_id": category.pk, "count": 9}, format="json"
    )
    both = client.post(
        f"/api/v1/assessments/{quiz.pk}/slots",
        {"category_id": category.pk, "question_id": extra.pk},
        format="json",
    )
    marked = client.patch(f"/api/v1/assessments/{quiz.pk}/slots/{ids[0]}", {"mark": "4"}, format="json")
    pinned = client.patch(
        f"/api/v1/assessments/{quiz.pk}/slots/{ids[0]}", {"question_version": 1}, format="json"
    )
    no_version = client.patch(
        f"/api/v1/assessments/{quiz.pk}/slots/{ids[0]}", {"question_version": 7}, format="json"
    )
    all_ids = [row["id"] for row in assert_ok(client.get(f"/api/v1/assessments/{quiz.pk}/slots"))]
    reordered = client.post(
        f"/api/v1/assessments/{quiz.pk}/slots/order", {"order": list(reversed(all_ids))}, format="json"
    )
    removed = client.delete(f"/api/v1/assessments/{quiz.pk}/slots/{ids[1]}")

    assert added.status_code == 201
    assert added.json()["data"][0]["mark"] == "2.0000"
    assert random.status_code == 201
    assert [row["kind"] for row in random.json()["data"]] == [
        "random",
        "random",
    ]
    assert too_many.status_code == 422
    assert too_many.json()["error"]["details"]["available"] == ["4"]
    assert both.status_code == 400
    assert assert_ok(marked)["mark"] == "4.0000"
    assert assert_ok(pinned)["question_version"] == 1
    assert no_version.status_code == 400
    assert [row["id"] for row in assert_ok(reordered)] == list(reversed(all_ids))
    assert removed.status_code == 204
    with in_org(acme):
        assert Slot.objects.filter(assessment=quiz).count() == 5


def test_structure_changes_answer_409_once_attempted(acme, acme_teacher, acme_student, quiz):
    client = api(acme, acme_teacher)
    with in_org(acme):
        Attempt.objects.create(assessment=quiz, user=acme_student, number=1)
        slot = Slot.objects.filter(assessment=quiz).first()

    removed = client.delete(f"/api/v1/assessments/{quiz.pk}/slots/{slot.pk}")
    marked = client.patch(f"/api/v1/assessments/{quiz.pk}/slots/{slot.pk}", {"mark": "5"}, format="json")

    assert removed.status_code == 409
    assert removed.json()["error"]["details"] == {"reason": ["attempts exist"]}
    assert marked.status_code == 200


def test_overrides_api(acme, acme_teacher, acme_student, quiz):
    client = api(acme, acme_teacher)
    base = f"/api/v1/assessments/{quiz.pk}/overrides"

    created = client.post(base, {"user_id": acme_student.pk, "time_limit": 1800}, format="json")
    again = client.post(base, {"user_id": acme_student.pk, "attempts_allowed": 1}, format="json")
    pk = created.json()["data"]["id"]
    patched = client.patch(f"{base}/{pk}", {"attempts_allowed": 4}, format="json")
    listed = assert_ok(client.get(base))
    learner_view = assert_ok(api(acme, acme_student).get(f"/api/v1/assessments/{quiz.pk}"))
    deleted = client.delete(f"{base}/{pk}")

    assert created.status_code == 201
    assert created.json()["data"]["user"]["id"] == acme_student.pk
    assert again.status_code == 409
    assert assert_ok(patched)["attempts_allowed"] == 4
    assert [row["id"] for row in listed] == [pk]
    assert learner_view["effective"]["time_limit"] == 1800
    assert learner_view["effective"]["attempts_allowed"] == 4
    assert deleted.status_code == 204
    with in_org(acme):
        assert not Override.objects.filter(assessment=quiz).exists()


def test_a_teacher_who_sees_but_does_not_edit_gets_403(acme, acme_admin, acme_teacher):
    course = build_course(acme, owner=acme_admin, title="Admin's", modules=1, items_per_module=1)
    with in_org(acme):
        course_services.enroll_self(actor=acme_teacher, course=course)
        quiz = make_quiz(course=course)
    client = api(acme, acme_teacher)

    assert client.get(f"/api/v1/assessments/{quiz.pk}").status_code == 200
    assert (
        client.patch(f"/api/v1/assessments/{quiz.pk}", {"attempts_allowed": 9}, format="json").status_code
        == 403
    )
    assert client.get(f"/api/v1/assessments/{quiz.pk}/overrides").status_code == 403


# --- query counts ------------------------------------------------------------------------------------------


def count(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def add_slots(acme, quiz, n):
    with in_org(acme):
        category = baker.make_recipe("assessments.category", course=quiz.course)
        start = Slot.objects.filter(assessment=quiz).count()
        for i in range(n):
            Slot.objects.create(
                assessment=quiz, position=start + i + 1, question=make_question(category=category), mark=1
            )


def test_slot_list_queries_do_not_grow_with_slots(acme, acme_teacher, course):
    with in_org(acme):
        quiz = make_quiz(course=course)
    client = api(acme, acme_teacher)
    add_slots(acme, quiz, 5)
    few = count(client, f"/api/v1/assessments/{quiz.pk}/slots")
    add_slots(acme, quiz, 45)
    many = count(client, f"/api/v1/assessments/{quiz.pk}/slots")

    assert few == many <= 6


@pytest.mark.parametrize("who", ["teacher", "student"])
def test_assessment_list_queries_do_not_grow_with_quizzes(acme, acme_teacher, acme_student, course, who):
    client = api(acme, acme_teacher if who == "teacher" else acme_student)
    with in_org(acme):
        for _ in range(5):
            make_quiz(course=course)
    few = count(client, "/api/v1/assessments?per_page=100")
    with in_org(acme):
        for _ in range(20):
            make_quiz(course=course)
    many = count(client, "/api/v1/assessments?per_page=100")

    assert few == many <= 6
