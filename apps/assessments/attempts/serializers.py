"""What the attempts API reads and writes (apps/assessments/attempts/api.py)."""

from rest_framework import serializers

from ..models import Attempt, QuestionAttempt


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField()


class AttemptSerializer(serializers.ModelSerializer):
    """An attempt in a list. `grade` and `sum_marks` only when the viewer may see marks (the review options of
    the moment for the learner; always for the quiz's editors)."""

    user = PersonSerializer(read_only=True)
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

    def _marks(self, attempt) -> bool:
        return "marks" in getattr(attempt, "shown_fields", set())

    def get_sum_marks(self, attempt) -> str | None:
        return str(attempt.sum_marks) if self._marks(attempt) and attempt.sum_marks is not None else None

    def get_grade(self, attempt) -> str | None:
        return str(attempt.grade) if self._marks(attempt) and attempt.grade is not None else None


class ResultSerializer(serializers.ModelSerializer):
    """A row of a quiz's results table: a learner's attempt with its marks per question."""

    user = PersonSerializer(read_only=True)
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

    def get_questions(self, attempt) -> list[dict]:
        return [
            {
                "slot": qa.slot,
                "state": qa.state,
                "mark": None if qa.mark is None else str(qa.mark),
                "max_mark": str(qa.max_mark),
            }
            for qa in attempt.questions.all()
        ]


class GradingRowSerializer(serializers.ModelSerializer):
    """A question waiting for a teacher's mark."""

    attempt = serializers.IntegerField(source="attempt_id")
    assessment = serializers.IntegerField(source="attempt.assessment_id")
    assessment_title = serializers.CharField(source="attempt.assessment.item.title")
    course = serializers.IntegerField(source="attempt.assessment.course_id")
    user = PersonSerializer(source="attempt.user", read_only=True)
    submitted_at = serializers.DateTimeField(source="attempt.finished_at")
    question = serializers.CharField(source="question_version.name")
    text = serializers.CharField(source="question_version.text")
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


class StartSerializer(serializers.Serializer):
    preview = serializers.BooleanField(required=False, default=False)


class SaveSerializer(serializers.Serializer):
    responses = serializers.DictField(child=serializers.JSONField(), required=False)
    flags = serializers.DictField(child=serializers.BooleanField(), required=False)
    page = serializers.IntegerField(required=False, min_value=0, max_value=10_000)


class SubmitSerializer(serializers.Serializer):
    responses = serializers.DictField(child=serializers.JSONField(), required=False)


class CheckSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1, max_value=100_000)
    response = serializers.JSONField(required=False)


class GradeSerializer(serializers.Serializer):
    mark = serializers.DecimalField(max_digits=12, decimal_places=4)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)


class RegradeSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(required=False, default=True)
