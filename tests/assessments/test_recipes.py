"""The assessments recipes (apps/assessments/baker_recipes.py) make rows the services would leave."""

import pytest
from model_bakery import baker

from apps.assessments.baker_recipes import make_question, make_quiz
from tests.conftest import in_org

pytestmark = pytest.mark.django_db


def test_make_quiz_builds_a_published_quiz_lesson_with_a_slot_per_question(acme):
    with in_org(acme):
        choice = baker.make_recipe("assessments.question")
        truefalse = make_question(category=choice.category, qtype="truefalse", data={"correct": True})

        quiz = make_quiz(course=choice.category.course, questions=[choice, truefalse], time_limit=600)

        assert quiz.item.kind == "quiz"
        assert quiz.item.published_version.data == {"assessment_id": quiz.pk}
        assert [(s.position, s.question_id) for s in quiz.slots.all()] == [(1, choice.pk), (2, truefalse.pk)]
        assert truefalse.latest_version.penalty == 1.0  # Moodle's true/false penalty
        assert quiz.time_limit == 600
