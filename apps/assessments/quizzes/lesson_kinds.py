"""The "quiz" lesson kind, taken over from apps.courses (which registers a placeholder) when the assessments
app is ready: a quiz lesson is completed by passing it (completion "external": the attempts part calls
apps.courses.services.progress_complete_by_system), its player part shows the quiz's summary, the learner's
attempts and grade and the Start/Continue button, and the course editor's "Quiz" button opens the quiz's own
creation page (`create_view`), which makes the lesson and its Assessment together."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rest_framework import serializers

from apps.courses.kinds import EXTERNAL, LessonKind, kind_for, register_kind

from ..models import Assessment
from .services import creating_assessment


def clean_quiz(fields: dict, course, errors: dict) -> None:
    """`data.assessment_id`, when given, names this course's quiz (or the one being created with it)."""
    data = fields.get("data")
    assessment = data.get("assessment_id") if isinstance(data, dict) else None
    if assessment is None:
        return
    if isinstance(assessment, bool) or not str(assessment).isdigit():
        errors["data"] = ["assessment_id must be an id."]
        return
    if int(assessment) == creating_assessment.get():
        return
    if not Assessment.objects.filter(pk=assessment, course=course).exists():
        errors["data"] = ["assessment_id names no quiz of this course."]


class QuizDataSerializer(serializers.Serializer):
    """What the content API accepts as a quiz lesson's `data`: quizzes are made by POST /api/v1/assessments
    (which makes the lesson too), so a lesson names an existing quiz."""

    assessment_id = serializers.IntegerField(
        min_value=1, help_text="The quiz (POST /api/v1/assessments creates it with its lesson)."
    )


def register() -> None:
    # The lesson form of the courses' placeholder (title and text), kept: the course editor edits a quiz
    # lesson's title and text with it; the quiz's own pages edit the rest.
    placeholder = kind_for("quiz")
    register_kind(
        LessonKind(
            code="quiz",
            label=pgettext_lazy("lesson kind", "Quiz"),
            editor_form=placeholder.editor_form,
            player_template="assessments/quizzes/player.html",
            clean=clean_quiz,
            completion=EXTERNAL,
            completion_hint=_("this lesson is completed when you pass the quiz."),
            data_serializer=QuizDataSerializer,
            offered=True,
            icon="quiz",
            create_view="assessments:quiz_create",
        ),
        replace=True,
    )
