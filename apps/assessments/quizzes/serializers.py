"""The quizzes API's representations. A learner gets a quiz's summary (window, time limit, attempts, grading,
pass mark, layout); its editors also get the review options, the feedback bands, the access rules (password,
networks), the marks and the slots. Nothing here ever carries a question's text or answers, or a quiz's
password, to a learner."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import MAX_ID, MAX_INT, column_range
from apps.core.api.serializers import PlannedModelSerializer, PlannedSerializer

from ..access_rules import MAX_PASSWORD, MAX_SUBNETS
from ..models import Assessment, Override, Slot

SUMMARY_FIELDS = [
    "id",
    "item_id",
    "course_id",
    "module_id",
    "title",
    "description",
    "published",
    "open_at",
    "close_at",
    "time_limit",
    "overdue_handling",
    "grace_period",
    "attempts_allowed",
    "attempt_delay",
    "grade_method",
    "max_grade",
    "pass_grade",
    "questions_per_page",
    "navigation",
    "behaviour",
    "decimal_points",
    "question_count",
    "created_at",
    "updated_at",
    "effective",
]
EDITOR_FIELDS = [
    "shuffle_questions",
    "shuffle_answers",
    "review",
    "overall_feedback",
    "password",
    "subnets",
    "total_marks",
    "has_attempts",
    "viewer_edits",
]


class EffectiveSerializer(PlannedSerializer):
    open_at = serializers.DateTimeField(allow_null=True)
    close_at = serializers.DateTimeField(allow_null=True)
    time_limit = serializers.IntegerField(allow_null=True, help_text="Seconds; null: no limit.")
    attempts_allowed = serializers.IntegerField(help_text="0: unlimited.")


class _AssessmentSummarySerializer(PlannedModelSerializer):
    """What a learner gets of a quiz (selectors.assessment_rows())."""

    module_id = serializers.IntegerField(source="item_module_id", read_only=True)
    title = serializers.SerializerMethodField()
    published = serializers.BooleanField(source="item_published", read_only=True)
    question_count = serializers.IntegerField(source="slot_count", read_only=True)
    effective = serializers.SerializerMethodField(
        help_text="One quiz: the window, time limit and attempts that apply to the caller (overrides "
        "resolved); null in lists."
    )

    class Meta:
        model = Assessment
        fields = SUMMARY_FIELDS
        read_only_fields = fields

    def get_title(self, obj) -> str:
        if obj.viewer_edits:
            return obj.item_title
        published = getattr(obj, "published_title", None)
        return obj.item_title if published is None else published

    @extend_schema_field(EffectiveSerializer(allow_null=True))
    def get_effective(self, obj) -> dict | None:
        effective = getattr(obj, "effective", None)
        return EffectiveSerializer(effective).data if effective is not None else None


class _AssessmentEditorSerializer(_AssessmentSummarySerializer):
    """What the quiz's editors get: everything."""

    total_marks = serializers.DecimalField(max_digits=12, decimal_places=4, read_only=True)
    has_attempts = serializers.BooleanField(read_only=True)
    viewer_edits = serializers.BooleanField(read_only=True)

    class Meta:
        model = Assessment
        fields = SUMMARY_FIELDS + EDITOR_FIELDS
        read_only_fields = fields


class AssessmentSerializer(_AssessmentEditorSerializer):
    """A quiz as the viewer sees it: its editors everything below, learners the summary fields only
    (the editor-only fields are left out of their answers). Reads selectors.assessment_rows() rows."""

    class Meta(_AssessmentEditorSerializer.Meta):
        pass

    def to_representation(self, instance):
        editor = bool(getattr(instance, "viewer_edits", False))
        shapes = self.__dict__.setdefault("_shapes", {})
        shape = shapes.get(editor)
        if shape is None:
            kind = _AssessmentEditorSerializer if editor else _AssessmentSummarySerializer
            shape = shapes[editor] = kind(context=self.context)
        return shape.to_representation(instance)


class SettingsSerializer(serializers.Serializer):
    """The settings a quiz's write takes (services.clean_settings checks every rule)."""

    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=200_000, required=False, allow_blank=True)
    open_at = serializers.DateTimeField(required=False, allow_null=True)
    close_at = serializers.DateTimeField(required=False, allow_null=True)
    time_limit = serializers.IntegerField(
        required=False, allow_null=True, max_value=MAX_INT, help_text="Seconds, 60..604800."
    )
    overdue_handling = serializers.ChoiceField(Assessment.OverdueHandling.choices, required=False)
    grace_period = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_INT, help_text="Seconds."
    )
    attempts_allowed = serializers.IntegerField(
        required=False, **column_range(Assessment, "attempts_allowed"), help_text="0: unlimited."
    )
    attempt_delay = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_INT, help_text="Seconds."
    )
    grade_method = serializers.ChoiceField(Assessment.GradeMethod.choices, required=False)
    max_grade = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    pass_grade = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, allow_null=True)
    questions_per_page = serializers.IntegerField(
        required=False, **column_range(Assessment, "questions_per_page"), help_text="0: all on one page."
    )
    navigation = serializers.ChoiceField(Assessment.Navigation.choices, required=False)
    shuffle_questions = serializers.BooleanField(required=False)
    shuffle_answers = serializers.BooleanField(required=False)
    behaviour = serializers.ChoiceField(Assessment.Behaviour.choices, required=False)
    review = serializers.JSONField(required=False, help_text="{field: [moments]} (models.REVIEW_FIELDS).")
    overall_feedback = serializers.JSONField(required=False, help_text='[{"min_percent": 80, "text": "…"}]')
    decimal_points = serializers.IntegerField(required=False, **column_range(Assessment, "decimal_points"))
    password = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_PASSWORD,
        trim_whitespace=False,
        help_text="Asked before an attempt starts; empty: none.",
    )
    subnets = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        max_length=MAX_SUBNETS,
        help_text='Addresses or CIDR ranges attempts are taken from ("192.168.10.0/24", "10.1.2.3"); '
        "empty: anywhere.",
    )


class AssessmentCreateSerializer(SettingsSerializer):
    module_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The module the quiz goes into."
    )
    title = serializers.CharField(max_length=200)
    publish = serializers.BooleanField(
        required=False, default=False, help_text="Show it to learners at once."
    )


class AssessmentReplaceSerializer(SettingsSerializer):
    title = serializers.CharField(max_length=200)


class SlotSerializer(PlannedModelSerializer):
    """A slot of selectors.slot_rows()."""

    kind = serializers.SerializerMethodField()
    question = serializers.SerializerMethodField()
    question_version = serializers.IntegerField(
        source="version_number",
        read_only=True,
        allow_null=True,
        help_text="The pinned version's number; null: latest.",
    )
    random = serializers.SerializerMethodField()

    class Meta:
        model = Slot
        fields = ["id", "position", "page", "mark", "kind", "question", "question_version", "random"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["question", "random"]))
    def get_kind(self, obj) -> str:
        return "random" if obj.random_category_id is not None else "question"

    def get_question(self, obj) -> dict | None:
        if obj.question_id is None:
            return None
        return {
            "id": obj.question_id,
            "name": obj.question_name,
            "qtype": obj.question_qtype,
            "latest_version": obj.question_latest,
        }

    def get_random(self, obj) -> dict | None:
        if obj.random_category_id is None:
            return None
        return {
            "category_id": obj.random_category_id,
            "category": obj.category_name,
            "subcategories": obj.random_subcategories,
            "tag": obj.tag_name if obj.random_tag_id else None,
        }


class SlotCreateSerializer(serializers.Serializer):
    """A question of the bank (`question_id`), or `count` random questions of `category_id`."""

    question_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    category_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    count = serializers.IntegerField(required=False, default=1, min_value=1, max_value=100)
    subcategories = serializers.BooleanField(required=False, default=True)
    tag = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="A tag's name or id."
    )
    mark = serializers.DecimalField(max_digits=8, decimal_places=4, required=False, allow_null=True)
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_INT, allow_null=True)

    def validate(self, attrs):
        if ("question_id" in attrs) == ("category_id" in attrs):
            raise serializers.ValidationError(
                {"question_id": ["Give question_id or category_id (one of them)."]}
            )
        return attrs


class SlotUpdateSerializer(serializers.Serializer):
    mark = serializers.DecimalField(max_digits=8, decimal_places=4, required=False)
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_INT)
    question_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_INT,
        help_text="A version number of the question; null: latest.",
    )


class SlotOrderSerializer(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=1000
    )


class OverrideSerializer(PlannedModelSerializer):
    """An override of selectors.override_rows()."""

    user = serializers.SerializerMethodField()
    school_class = serializers.SerializerMethodField()

    class Meta:
        model = Override
        fields = [
            "id",
            "user",
            "school_class",
            "open_at",
            "close_at",
            "time_limit",
            "attempts_allowed",
            "password",
            "created_at",
        ]
        read_only_fields = fields

    def get_user(self, obj) -> dict | None:
        if obj.user_id is None:
            return None
        return {"id": obj.user_id, "full_name": obj.user_full_name, "email": obj.user_email}

    def get_school_class(self, obj) -> dict | None:
        if obj.school_class_id is None:
            return None
        return {"id": obj.school_class_id, "name": obj.class_name}


class OverrideWriteSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    school_class_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    open_at = serializers.DateTimeField(required=False, allow_null=True)
    close_at = serializers.DateTimeField(required=False, allow_null=True)
    time_limit = serializers.IntegerField(
        required=False, allow_null=True, max_value=MAX_INT, help_text="Seconds; 0: no limit."
    )
    attempts_allowed = serializers.IntegerField(
        required=False,
        allow_null=True,
        **column_range(Override, "attempts_allowed"),
        help_text="0: unlimited.",
    )
    password = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=MAX_PASSWORD,
        trim_whitespace=False,
        help_text="Their own password for the quiz; empty: the quiz's.",
    )
