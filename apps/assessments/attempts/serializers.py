"""What the attempts API reads and writes (apps/assessments/attempts/api.py)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.serializers import PlannedModelSerializer, PlannedSerializer

from ..models import Attempt, QuestionAttempt


class PersonSerializer(PlannedSerializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField()


def _person(user_id, full_name, email) -> dict:
    """PersonSerializer's representation of a learner read from annotations."""
    return {"id": user_id, "full_name": full_name, "email": email}


class AttemptSerializer(PlannedModelSerializer):
    """An attempt in a list (selectors.attempt_rows()). `grade` and `sum_marks` only when the viewer may see
    marks (the review options of the moment for the learner; always for the quiz's editors)."""

    user = serializers.SerializerMethodField()
    sum_marks = serializers.SerializerMethodField()
    grade = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = [
            "id",
            "assessment",
            "user",
            "number",
            "state",
            "preview",
            "started_at",
            "close_at",
            "finished_at",
            "needs_grading",
            "sum_marks",
            "grade",
        ]

    @extend_schema_field(PersonSerializer)
    def get_user(self, attempt) -> dict:
        return _person(attempt.user_id, attempt.user_full_name, attempt.user_email)

    def get_sum_marks(self, attempt) -> str | None:
        if attempt.sum_marks is None or "marks" not in getattr(attempt, "shown_fields", ()):
            return None
        return str(attempt.sum_marks)

    def get_grade(self, attempt) -> str | None:
        if attempt.grade is None or "marks" not in getattr(attempt, "shown_fields", ()):
            return None
        return str(attempt.grade)


class ResultSerializer(PlannedModelSerializer):
    """A row of a quiz's results table (selectors.result_rows()): a learner's attempt with its marks per
    question (`question_rows`: the marks already as text)."""

    user = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = [
            "id",
            "user",
            "number",
            "state",
            "started_at",
            "finished_at",
            "needs_grading",
            "sum_marks",
            "grade",
            "questions",
        ]

    @extend_schema_field(PersonSerializer)
    def get_user(self, attempt) -> dict:
        return _person(attempt.user_id, attempt.user_full_name, attempt.user_email)

    def get_questions(self, attempt) -> list[dict]:
        return [
            {"slot": slot, "state": state, "mark": mark, "max_mark": max_mark}
            for slot, state, mark, max_mark in attempt.question_rows
        ]


class GradingRowSerializer(PlannedModelSerializer):
    """A question waiting for a teacher's mark (selectors.grading_rows())."""

    attempt = serializers.IntegerField(source="attempt_id")
    assessment = serializers.IntegerField(source="g_assessment_id")
    assessment_title = serializers.CharField(source="g_title")
    course = serializers.IntegerField(source="g_course_id")
    user = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField(source="g_finished_at")
    question = serializers.CharField(source="g_question")
    text = serializers.CharField(source="g_text")
    response = serializers.JSONField()

    class Meta:
        model = QuestionAttempt
        fields = [
            "id",
            "attempt",
            "slot",
            "assessment",
            "assessment_title",
            "course",
            "user",
            "submitted_at",
            "question",
            "text",
            "response",
            "max_mark",
            "state",
        ]

    @extend_schema_field(PersonSerializer)
    def get_user(self, qa) -> dict:
        return _person(qa.g_user_id, qa.g_user_full_name, qa.g_user_email)


# A password as typed (never trimmed): a long one is simply not the quiz's (403), up to this bound.
_PASSWORD = {"required": False, "allow_blank": True, "trim_whitespace": False, "max_length": 1000}


class StartSerializer(serializers.Serializer):
    preview = serializers.BooleanField(required=False, default=False)
    password = serializers.CharField(
        **_PASSWORD, help_text="The quiz's password, when it has one (a new attempt only; not for previews)."
    )


class SaveSerializer(serializers.Serializer):
    responses = serializers.DictField(child=serializers.JSONField(), required=False)
    flags = serializers.DictField(child=serializers.BooleanField(), required=False)
    page = serializers.IntegerField(required=False, min_value=0, max_value=10_000)


class SubmitSerializer(serializers.Serializer):
    responses = serializers.DictField(child=serializers.JSONField(), required=False)


class QuizSubmitSerializer(SubmitSerializer):
    password = serializers.CharField(
        **_PASSWORD, help_text="The quiz's password, when it has one and no attempt is open yet."
    )


class CheckSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1, max_value=100_000)
    response = serializers.JSONField(required=False)


class GradeSerializer(serializers.Serializer):
    mark = serializers.DecimalField(max_digits=12, decimal_places=4)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)


class RegradeSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(required=False, default=True)
