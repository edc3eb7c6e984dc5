"""The question bank's pages: the bank with its category tree and filters, the preview (as a learner sees
it, plus the right answer for the author), the editor of each type (errors from the type on the fields they
name, more rows without JavaScript), categories, and the duplicate / hide / delete buttons. People who may
not use a bank get 404 for its objects; people who are not authors get 403."""

import pytest
from model_bakery import baker

from apps.assessments.baker_recipes import CHOICE_DATA, make_question, make_quiz
from apps.assessments.bank import services
from apps.assessments.models import Question, QuestionCategory
from tests.conftest import browser_for, in_org, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(acme, acme_teacher):
    with in_org(acme):
        course = baker.make_recipe("courses.course", owner=acme_teacher, title="Geography")
        return services.category_create(actor=acme_teacher, course=course, name="Capitals")


def page_as(acme, user):
    return browser_for(acme, user)


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_bank_shows_the_tree_counts_and_filters(acme, acme_teacher, category):
    with in_org(acme):
        child = services.category_create(
            actor=acme_teacher, course=category.course, name="Europe", parent=category
        )
        services.question_create(
            actor=acme_teacher, category=category, qtype="choice", name="Paris", data=CHOICE_DATA, tags=["fr"]
        )
        services.question_create(
            actor=acme_teacher,
            category=child,
            qtype="truefalse",
            name="Sky",
            data={"correct": True},
        )
    client = page_as(acme, acme_teacher)

    everything = body(client.get("/questions/"))
    chosen = body(client.get(f"/questions/?category={category.pk}"))
    deep = body(client.get(f"/questions/?category={category.pk}&sub=on"))
    searched = body(client.get("/questions/?q=sky"))

    assert "Question bank" in everything
    assert "Geography" in everything
    assert f"bank-category-{child.pk}" in everything
    assert "Paris" in everything
    assert "Sky" in everything
    assert "Paris" in chosen
    assert "Sky" not in chosen
    assert "Paris" in deep
    assert "Sky" in deep
    assert "Sky" in searched
    assert "Paris" not in searched


def test_the_nav_shows_the_bank_to_authors_only(acme, acme_teacher, acme_student):
    assert 'href="/questions/"' in body(page_as(acme, acme_teacher).get("/"))
    assert 'href="/questions/"' not in body(page_as(acme, acme_student).get("/"))


def test_students_get_403_and_other_teachers_404(acme, acme_student, category):
    with in_org(acme):
        question = make_question(category=category)
    other = page_as(acme, person(acme, "south-teacher"))

    assert page_as(acme, acme_student).get("/questions/").status_code == 403
    assert page_as(acme, acme_student).get(f"/questions/{question.pk}/").status_code == 403
    assert other.get(f"/questions/{question.pk}/").status_code == 404
    assert other.get(f"/questions/{question.pk}/edit/").status_code == 404
    assert other.get(f"/questions/?category={category.pk}").status_code == 404
    assert other.post(f"/questions/{question.pk}/hide/").status_code == 404
    assert "Capitals" not in body(other.get("/questions/"))
    with in_org(acme):
        assert Question.objects.get(pk=question.pk).hidden is False


def test_the_preview_shows_the_learner_view_and_the_right_answer(acme, acme_teacher, category):
    with in_org(acme):
        question = make_question(category=category, text="<p>Capital of France?</p>")
        question.latest_version.general_feedback = "<p>Paris has been the capital since 987.</p>"
        question.latest_version.save()

    page = body(page_as(acme, acme_teacher).get(f"/questions/{question.pk}/"))

    assert "Capital of France?" in page
    assert 'type="radio"' in page
    assert "Marseille" in page
    assert 'id="right-answer"' in page
    assert "Paris" in page
    assert "No, that is Lyon." in page
    assert "since 987" in page


@pytest.mark.parametrize(
    ("qtype", "fields", "expected"),
    [
        (
            "choice",
            {
                "options-0-text": "Paris",
                "options-0-grade": "100",
                "options-1-text": "Lyon",
                "options-1-grade": "0",
                "options-1-feedback": "<p>No.</p>",
                "shuffle": "on",
            },
            lambda d: [o["fraction"] for o in d["options"]] == [1.0, 0.0] and d["shuffle"] is True,
        ),
        (
            "multiple",
            {
                "options-0-text": "2",
                "options-0-grade": "50",
                "options-1-text": "3",
                "options-1-grade": "50",
                "options-2-text": "4",
                "options-2-grade": "-100",
            },
            lambda d: [o["fraction"] for o in d["options"]] == [0.5, 0.5, -1.0],
        ),
        ("truefalse", {"correct": "false"}, lambda d: d["correct"] is False),
        (
            "shortanswer",
            {"answers-0-text": "Par*", "answers-0-grade": "100"},
            lambda d: d["answers"][0]["text"] == "Par*" and d["case_sensitive"] is False,
        ),
        (
            "numeric",
            {
                "answers-0-value": "3.14",
                "answers-0-tolerance": "0.01",
                "answers-0-grade": "100",
                "answers-1-min": "3",
                "answers-1-max": "4",
                "answers-1-grade": "50",
                "units-0-unit": "cm",
                "units-0-multiplier": "1",
            },
            lambda d: (
                d["answers"][0]["value"] == 3.14
                and d["answers"][1]["min"] == 3.0
                and d["units"][0]["unit"] == "cm"
            ),
        ),
        (
            "matching",
            {
                "pairs-0-prompt": "Cat",
                "pairs-0-answer": "Meow",
                "pairs-1-prompt": "Dog",
                "pairs-1-answer": "Woof",
                "distractors": "Moo\n",
            },
            lambda d: [p["answer"] for p in d["pairs"]] == ["Meow", "Woof"] and d["distractors"] == ["Moo"],
        ),
        (
            "ordering",
            {"items-0-text": "First", "items-1-text": "Second", "items-2-text": "Third", "scoring": "subset"},
            lambda d: (
                [i["text"] for i in d["items"]] == ["First", "Second", "Third"] and d["scoring"] == "subset"
            ),
        ),
        (
            "essay",
            {"format": "plain", "min_words": "10", "max_words": "200"},
            lambda d: d["max_words"] == 200,
        ),
        ("description", {}, lambda d: True),
    ],
)
def test_the_editor_creates_each_type(acme, acme_teacher, category, qtype, fields, expected):
    post = {
        "category": str(category.pk),
        "name": f"New {qtype}",
        "text": "<p>Question?</p>",
        "default_mark": "1",
    }

    response = page_as(acme, acme_teacher).post(f"/questions/new/{qtype}/", {**post, **fields})

    assert response.status_code == 302, response.content.decode()[:3000]
    with in_org(acme):
        question = Question.objects.select_related("latest_version").get(name=f"New {qtype}")
        assert question.qtype == qtype
        assert question.category == category
        assert expected(question.latest_version.data), question.latest_version.data
        assert response["Location"] == f"/questions/{question.pk}/"
    assert body(page_as(acme, acme_teacher).get(f"/questions/{question.pk}/"))


def test_type_errors_land_on_the_row_they_name(acme, acme_teacher, category):
    post = {
        "category": str(category.pk),
        "name": "Bad",
        "text": "<p>?</p>",
        "default_mark": "1",
        "options-0-text": "Paris",
        "options-0-grade": "100",
        "options-2-grade": "50",
        "options-3-text": "Lyon",
    }

    page = body(page_as(acme, acme_teacher).post("/questions/new/choice/", post))

    assert 'id="id_options-2-text_error"' in page
    assert "Enter the text of this option." in page
    with in_org(acme):
        assert not Question.objects.filter(name="Bad").exists()


def test_add_more_rows_keeps_the_input_and_saves_nothing(acme, acme_teacher, category):
    post = {
        "category": str(category.pk),
        "name": "Growing",
        "text": "<p>?</p>",
        "rows": "3",
        "options-0-text": "Kept option",
        "add_rows": "1",
    }

    page = body(page_as(acme, acme_teacher).post("/questions/new/choice/", post))

    assert 'name="options-5-text"' in page
    assert 'name="options-6-text"' not in page
    assert "Kept option" in page
    assert 'name="rows" value="6"' in page
    with in_org(acme):
        assert not Question.objects.filter(name="Growing").exists()
    assert 'name="options-9-text"' in body(page_as(acme, acme_teacher).get("/questions/new/choice/?rows=10"))


def test_editing_shows_the_data_and_saves_in_place(acme, acme_teacher, category):
    with in_org(acme):
        question = make_question(category=category)
    client = page_as(acme, acme_teacher)
    form = body(client.get(f"/questions/{question.pk}/edit/"))

    response = client.post(
        f"/questions/{question.pk}/edit/",
        {
            "category": str(category.pk),
            "name": "Capital renamed",
            "text": "<p>Which one?</p>",
            "default_mark": "2",
            "rows": "4",
            "options-0-id": "a",
            "options-0-text": "<p>Paris</p>",
            "options-0-grade": "100",
            "options-1-id": "b",
            "options-1-text": "<p>Lyon</p>",
            "options-1-grade": "0",
        },
    )

    assert "Marseille" in form
    assert 'value="100.0"' in form
    assert response.status_code == 302
    with in_org(acme):
        question.refresh_from_db()
        assert question.name == "Capital renamed"
        assert question.versions.count() == 1
        assert [o["id"] for o in question.latest_version.data["options"]] == ["a", "b"]


def test_duplicate_hide_unhide_and_delete_buttons(acme, acme_teacher, category):
    with in_org(acme):
        question = make_question(category=category, name="Original")
        used = make_question(category=category, name="In a quiz")
        make_quiz(course=category.course, questions=[used])
    client = page_as(acme, acme_teacher)

    duplicated = client.post(f"/questions/{question.pk}/duplicate/")
    hidden = client.post(f"/questions/{question.pk}/hide/")
    listed = body(client.get(f"/questions/?category={category.pk}"))
    with_hidden = body(client.get(f"/questions/?category={category.pk}&hidden=on"))
    client.post(f"/questions/{question.pk}/unhide/")
    confirm = body(client.get(f"/questions/{used.pk}/delete/"))
    refused = client.post(f"/questions/{used.pk}/delete/", follow=True)
    deleted = client.post(f"/questions/{question.pk}/delete/")

    assert duplicated.status_code == 302
    assert hidden.status_code == 302
    assert "Original (copy)" in listed
    assert f'id="question-{question.pk}"' not in listed
    assert f'id="question-{question.pk}"' in with_hidden
    assert "Delete question" in confirm
    assert "hide it instead" in refused.content.decode()
    assert deleted.status_code == 302
    with in_org(acme):
        assert not Question.objects.filter(pk=question.pk).exists()
        assert Question.objects.filter(pk=used.pk).exists()
        assert Question.objects.filter(name="Original (copy)").count() == 1


def test_categories_are_created_edited_and_deleted_from_pages(acme, acme_teacher, category):
    client = page_as(acme, acme_teacher)

    form = body(client.get(f"/questions/categories/new/?parent={category.pk}"))
    created = client.post(
        "/questions/categories/new/",
        {"bank": f"course:{category.course_id}", "parent": str(category.pk), "name": "Asia"},
    )
    with in_org(acme):
        asia = QuestionCategory.objects.get(name="Asia")
    cycle = body(
        client.post(
            f"/questions/categories/{category.pk}/edit/", {"name": "Capitals", "parent": str(asia.pk)}
        )
    )
    refused = client.post(f"/questions/categories/{category.pk}/delete/", follow=True)
    renamed = client.post(f"/questions/categories/{asia.pk}/edit/", {"name": "Asian capitals", "parent": ""})
    deleted = client.post(f"/questions/categories/{asia.pk}/delete/")

    assert "Geography / Capitals" in form
    assert created.status_code == 302
    assert "has-error" in cycle
    assert renamed.status_code == 302
    assert deleted.status_code == 302
    with in_org(acme):
        assert not QuestionCategory.objects.filter(pk=asia.pk).exists()
        assert QuestionCategory.objects.filter(pk=category.pk, parent=None).exists()
    assert "subcategories" in refused.content.decode()


def test_a_teacher_cannot_make_a_category_in_the_shared_bank(acme, acme_teacher, acme_admin):
    teacher_form = body(page_as(acme, acme_teacher).get("/questions/categories/new/"))
    refused = page_as(acme, acme_teacher).post(
        "/questions/categories/new/", {"bank": "shared", "name": "Mine"}
    )
    made = page_as(acme, acme_admin).post("/questions/categories/new/", {"bank": "shared", "name": "Shared"})

    assert "Organization bank" not in teacher_form
    assert refused.status_code == 403
    assert made.status_code == 302
    with in_org(acme):
        assert not QuestionCategory.objects.filter(name="Mine").exists()
        assert QuestionCategory.objects.filter(name="Shared", course=None).exists()


def test_the_bank_page_queries_do_not_grow_with_rows(acme, acme_teacher, category):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = page_as(acme, acme_teacher)
    path = f"/questions/?category={category.pk}"

    def add(start, stop):
        with in_org(acme):
            for index in range(start, stop):
                services.question_create(
                    actor=acme_teacher,
                    category=category,
                    qtype="choice",
                    name=f"Q{index:03d}",
                    data=CHOICE_DATA,
                    tags=[f"t{index % 3}"],
                )

    def count():
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    add(0, 5)
    few = count()
    add(5, 25)
    many = count()

    assert few == many
