"""The question bank's API: categories and questions CRUD, versions, duplicate, question types, validation
errors from the types, filters, and list queries that do not grow with the rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from model_bakery import baker

from apps.assessments.baker_recipes import CHOICE_DATA, make_question, make_quiz
from apps.assessments.bank import services
from apps.assessments.models import Attempt, Question, QuestionAttempt, QuestionCategory
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import client_for, in_org, jwt_for, person

pytestmark = pytest.mark.django_db

TF = {"correct": False, "feedback_true": "<p>No.</p>", "feedback_false": "<p>Right.</p>"}


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


@pytest.fixture
def course(acme, acme_teacher):
    with in_org(acme):
        return baker.make_recipe("courses.course", owner=acme_teacher, title="Geography")


@pytest.fixture
def category(acme, acme_teacher, course):
    with in_org(acme):
        return services.category_create(actor=acme_teacher, course=course, name="Capitals")


def choice_body(category, **extra):
    return {
        "category": category.pk,
        "qtype": "choice",
        "name": "Capital of France",
        "text": "<p>Which city?</p>",
        "data": CHOICE_DATA,
        "tags": ["europe"],
        **extra,
    }


# --- categories ------------------------------------------------------------------------------------------


def test_teacher_creates_lists_renames_and_deletes_a_category(acme, acme_teacher, course):
    client = api(acme, acme_teacher)

    created = assert_ok(
        client.post("/api/v1/question-categories", {"course": course.pk, "name": "Rivers"}, format="json"),
        201,
    )
    child = assert_ok(
        client.post(
            "/api/v1/question-categories", {"parent": created["id"], "name": "Europe"}, format="json"
        ),
        201,
    )
    listed = assert_ok(client.get(f"/api/v1/question-categories?course={course.pk}"))
    renamed = assert_ok(
        client.patch(f"/api/v1/question-categories/{created['id']}", {"name": "Big rivers"}, format="json")
    )
    refused = client.delete(f"/api/v1/question-categories/{created['id']}")
    deleted = client.delete(f"/api/v1/question-categories/{child['id']}")

    assert created["course"] == {"id": course.pk, "title": "Geography"}
    assert created["parent"] is None
    assert child["course"]["id"] == course.pk
    assert child["parent"] == created["id"]
    assert {row["name"]: row["child_count"] for row in listed} == {"Rivers": 1, "Europe": 0}
    assert renamed["name"] == "Big rivers"
    assert "subcategories" in assert_error(refused, 409, "CONFLICT")["message"]
    assert deleted.status_code == 204


def test_a_category_cannot_move_under_its_own_child(acme, acme_teacher, course, category):
    client = api(acme, acme_teacher)
    child = assert_ok(
        client.post("/api/v1/question-categories", {"parent": category.pk, "name": "Europe"}, format="json"),
        201,
    )

    response = client.patch(
        f"/api/v1/question-categories/{category.pk}", {"parent": child["id"]}, format="json"
    )

    assert "parent" in assert_error(response, 400, "VALIDATION_ERROR")["details"]


def test_the_shared_bank_is_for_org_admins(acme, acme_admin, acme_teacher):
    refused = api(acme, acme_teacher).post("/api/v1/question-categories", {"name": "Shared"}, format="json")
    made = assert_ok(
        api(acme, acme_admin).post("/api/v1/question-categories", {"name": "Shared"}, format="json"), 201
    )

    assert_error(refused, 403, "PERMISSION_DENIED")
    assert made["course"] is None
    assert api(acme, acme_teacher).get(f"/api/v1/question-categories/{made['id']}").status_code == 404
    shared = assert_ok(api(acme, acme_admin).get("/api/v1/question-categories?shared=true"))
    assert [row["name"] for row in shared] == ["Shared"]


def test_a_course_the_teacher_cannot_edit_is_refused_with_a_field_error(acme, acme_teacher, acme_admin):
    with in_org(acme):
        theirs = baker.make_recipe("courses.course", owner=acme_admin)

    response = api(acme, acme_teacher).post(
        "/api/v1/question-categories", {"course": theirs.pk, "name": "Mine"}, format="json"
    )

    assert "course" in assert_error(response, 400, "VALIDATION_ERROR")["details"]


# --- questions -------------------------------------------------------------------------------------------


def test_create_read_update_and_delete_a_question(acme, acme_teacher, category):
    client = api(acme, acme_teacher)

    created = assert_ok(client.post("/api/v1/questions", choice_body(category), format="json"), 201)
    read = assert_ok(client.get(f"/api/v1/questions/{created['id']}"))
    patched = assert_ok(
        client.patch(
            f"/api/v1/questions/{created['id']}",
            {"default_mark": "2.5", "tags": "europe, capitals"},
            format="json",
        )
    )
    deleted = client.delete(f"/api/v1/questions/{created['id']}")

    assert created["qtype"] == "choice"
    assert created["version"] == 1
    assert created["tags"] == ["europe"]
    assert created["category"] == {"id": category.pk, "name": "Capitals"}
    assert read["data"]["options"][0]["fraction"] == 1.0
    assert patched["default_mark"] == "2.5000"
    assert patched["version"] == 1
    assert patched["tags"] == ["capitals", "europe"]
    assert deleted.status_code == 204
    with in_org(acme):
        assert not Question.objects.filter(pk=created["id"]).exists()


def test_type_errors_come_back_as_field_details(acme, acme_teacher, category):
    body = choice_body(
        category, data={"options": [{"text": "Paris", "fraction": 2}, {"text": "", "fraction": 0}]}
    )

    response = api(acme, acme_teacher).post("/api/v1/questions", body, format="json")

    details = assert_error(response, 400, "VALIDATION_ERROR")["details"]
    assert "data.options.0.fraction" in details


def test_put_after_an_attempt_makes_version_2_and_lists_both(acme, acme_teacher, acme_student, category):
    client = api(acme, acme_teacher)
    created = assert_ok(client.post("/api/v1/questions", choice_body(category), format="json"), 201)
    with in_org(acme):
        question = Question.objects.select_related("latest_version").get(pk=created["id"])
        quiz = make_quiz(course=category.course, questions=[question])
        attempt = Attempt.objects.create(assessment=quiz, user=acme_student, number=1)
        QuestionAttempt.objects.create(
            attempt=attempt, slot=1, question_version=question.latest_version, max_mark=Decimal(1)
        )

    updated = assert_ok(
        client.put(
            f"/api/v1/questions/{created['id']}",
            {"name": "Capital", "text": "<p>Which city is the capital?</p>", "data": CHOICE_DATA},
            format="json",
        )
    )
    versions = assert_ok(client.get(f"/api/v1/questions/{created['id']}/versions"))
    refused = client.delete(f"/api/v1/questions/{created['id']}")

    assert updated["version"] == 2
    assert updated["attempt_count"] == 1
    assert updated["slot_count"] == 1
    assert [(v["number"], v["latest"], v["attempt_count"]) for v in versions] == [(2, True, 0), (1, False, 1)]
    assert versions[1]["text"] == "<p>Which city?</p>"
    assert "hide it instead" in assert_error(refused, 409, "CONFLICT")["message"]


def test_duplicate_makes_a_new_question(acme, acme_teacher, category):
    client = api(acme, acme_teacher)
    created = assert_ok(client.post("/api/v1/questions", choice_body(category), format="json"), 201)

    copy = assert_ok(client.post(f"/api/v1/questions/{created['id']}/duplicate", {}, format="json"), 201)

    assert copy["id"] != created["id"]
    assert copy["name"] == "Capital of France (copy)"
    assert copy["data"] == created["data"]
    assert copy["version"] == 1


def test_filters_search_type_tag_category_and_hidden(acme, acme_teacher, course, category):
    client = api(acme, acme_teacher)
    with in_org(acme):
        child = services.category_create(actor=acme_teacher, course=course, name="Europe", parent=category)
        paris = services.question_create(
            actor=acme_teacher, category=category, qtype="choice", name="Paris", data=CHOICE_DATA, tags=["fr"]
        )
        services.question_create(
            actor=acme_teacher, category=child, qtype="truefalse", name="Sky", text="<p>Blue?</p>", data=TF
        )
        hidden = services.question_create(
            actor=acme_teacher, category=category, qtype="truefalse", name="Old", data=TF
        )
        services.question_hide(actor=acme_teacher, question=hidden)

    def names(query):
        return [row["name"] for row in assert_ok(client.get(f"/api/v1/questions?{query}"))]

    assert names(f"category={category.pk}") == ["Paris"]
    assert names(f"category={category.pk}&subcategories=true") == ["Paris", "Sky"]
    assert names("search=blue") == ["Sky"]
    assert names("qtype=truefalse") == ["Sky"]
    assert names("tag=fr") == ["Paris"]
    assert names("hidden=true") == ["Old"]
    assert names("hidden=all&sort=-name") == ["Sky", "Paris", "Old"]
    assert names("filter[qtype]=choice") == ["Paris"]
    assert assert_ok(client.get("/api/v1/questions?fields=id&search=Paris")) == [{"id": paris.pk}]
    assert_error(client.get("/api/v1/questions?qtype=nope"), 400, "VALIDATION_ERROR")


def test_question_types_describe_their_data(acme, acme_teacher):
    types = assert_ok(api(acme, acme_teacher).get("/api/v1/question-types"))

    by_code = {row["code"]: row for row in types}
    assert set(by_code) >= {
        "choice",
        "multiple",
        "truefalse",
        "shortanswer",
        "numeric",
        "matching",
        "ordering",
        "essay",
        "description",
    }
    assert by_code["essay"]["auto_graded"] is False
    assert by_code["choice"]["auto_graded"] is True
    assert "options" in by_code["choice"]["data_schema"]["properties"]


# --- who may call ----------------------------------------------------------------------------------------


def test_another_teachers_question_is_404_and_students_are_refused(acme, acme_student, category):
    with in_org(acme):
        question = make_question(category=category)
    other = api(acme, person(acme, "south-teacher"))

    assert_error(other.get(f"/api/v1/questions/{question.pk}"), 404, "NOT_FOUND")
    assert_error(
        other.patch(f"/api/v1/questions/{question.pk}", {"name": "x"}, format="json"), 404, "NOT_FOUND"
    )
    assert assert_ok(other.get("/api/v1/questions")) == []
    assert_error(
        other.post("/api/v1/questions", choice_body(category), format="json"), 400, "VALIDATION_ERROR"
    )
    assert_error(api(acme, acme_student).get("/api/v1/questions"), 403, "PERMISSION_DENIED")
    with in_org(acme):
        assert QuestionCategory.objects.filter(pk=category.pk).exists()


# --- queries ---------------------------------------------------------------------------------------------


def _count(client, path, rows):
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert len(assert_ok(response)) == rows
    return len(captured)


def test_question_list_queries_do_not_grow_with_rows(acme, acme_teacher, category):
    client = api(acme, acme_teacher)
    path = f"/api/v1/questions?category={category.pk}&per_page=100"

    def add(n):
        with in_org(acme):
            for index in range(n):
                services.question_create(
                    actor=acme_teacher,
                    category=category,
                    qtype="choice",
                    name=f"Q{index:03d}",
                    data=CHOICE_DATA,
                    tags=[f"t{index % 3}", "all"],
                )

    add(5)
    few = _count(client, path, 5)
    add(45)
    many = _count(client, path, 50)

    assert few == many


def test_category_list_queries_do_not_grow_with_rows(acme, acme_teacher, course):
    client = api(acme, acme_teacher)
    path = f"/api/v1/question-categories?course={course.pk}&per_page=100"
    with in_org(acme):
        for index in range(5):
            services.category_create(actor=acme_teacher, course=course, name=f"C{index}")
    few = _count(client, path, 5)
    with in_org(acme):
        for index in range(5, 50):
            services.category_create(actor=acme_teacher, course=course, name=f"C{index}")
    many = _count(client, path, 50)

    assert few == many
