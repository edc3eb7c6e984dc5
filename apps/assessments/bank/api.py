"""/api/v1/question-categories, /api/v1/questions and /api/v1/question-types: the question bank.

Authors only (Teachers, Branch Managers, Org Admins; anyone else 403 before any lookup). A category or a
question outside the banks the caller may use (apps.assessments.permissions.bank_filter: the courses they may
edit; Org Admins also the organization's shared bank) answers 404, the same as one that does not exist.
A question's `data` is validated by its type: its errors come back as 400 with details named by path
(`data.options.0.fraction`).
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from apps.accounts.scoped_api import AUTHOR, ScopedApiView
from apps.core.api.fields import MAX_ID, SingleLineCharField
from apps.core.api.serializers import PlannedModelSerializer, PlannedSerializer
from apps.core.errors import ValidationFailed
from apps.courses import selectors as course_selectors

from ..models import Question, QuestionCategory, QuestionVersion
from ..qtypes import qtype_choices, qtype_for, qtypes
from . import selectors, services
from .data_schemas import data_schema

TAGS = ["question bank"]
TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


# --- serializers -------------------------------------------------------------------------------------------


class BankCourseSerializer(PlannedSerializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


class CategoryBriefSerializer(PlannedSerializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class QuestionCategorySerializer(PlannedModelSerializer):
    course = BankCourseSerializer(read_only=True, allow_null=True, help_text="null: the organization's bank.")
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    question_count = serializers.IntegerField(read_only=True, help_text="Questions not hidden.")
    hidden_count = serializers.IntegerField(read_only=True)
    child_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = QuestionCategory
        fields = [
            "id",
            "name",
            "description",
            "course",
            "parent",
            "question_count",
            "hidden_count",
            "child_count",
            "created_at",
        ]
        read_only_fields = fields


class QuestionCategoryCreateSerializer(serializers.Serializer):
    course = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID,
        help_text="The course whose bank it joins; null or absent: the organization's bank (Org Admins), or "
        "the parent's bank.",
    )  # fmt: skip
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)
    name = SingleLineCharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class QuestionCategoryUpdateSerializer(serializers.Serializer):
    name = SingleLineCharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    parent = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID, help_text="null: to the bank's top."
    )


class TagNamesField(serializers.ListField):
    child = serializers.CharField(max_length=40, allow_blank=True)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = data.split(",")
        return super().to_internal_value(data)


class QuestionSerializer(PlannedModelSerializer):
    qtype_label = serializers.SerializerMethodField()
    category = CategoryBriefSerializer(source="category_brief", read_only=True)
    course = BankCourseSerializer(source="course_brief", read_only=True, allow_null=True)
    tags = serializers.ListField(source="tag_names", child=serializers.CharField(), read_only=True)
    version = serializers.IntegerField(source="version_number", read_only=True, allow_null=True)
    text = serializers.CharField(source="version_text", read_only=True)
    general_feedback = serializers.CharField(source="version_general_feedback", read_only=True)
    default_mark = serializers.DecimalField(
        source="version_default_mark", max_digits=8, decimal_places=4, read_only=True
    )
    penalty = serializers.FloatField(source="version_penalty", read_only=True)
    hints = serializers.ListField(source="version_hints", child=serializers.CharField(), read_only=True)
    data = serializers.JSONField(source="version_data", read_only=True)
    slot_count = serializers.IntegerField(read_only=True, help_text="Quiz slots using it.")
    attempt_count = serializers.IntegerField(read_only=True, help_text="Attempts given one of its versions.")

    class Meta:
        model = Question
        fields = [
            "id",
            "name",
            "qtype",
            "qtype_label",
            "category",
            "course",
            "hidden",
            "tags",
            "version",
            "text",
            "general_feedback",
            "default_mark",
            "penalty",
            "hints",
            "data",
            "slot_count",
            "attempt_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_qtype_label(self, question) -> str:
        # Each type's label translated once per serializer (one request, one language).
        labels = self.__dict__.setdefault("_qtype_labels", {})
        label = labels.get(question.qtype)
        if label is None:
            kind = qtype_for(question.qtype)
            label = labels[question.qtype] = str(kind.label) if kind else question.qtype
        return label


class QuestionWriteSerializer(serializers.Serializer):
    category = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    qtype = serializers.ChoiceField(choices=qtype_choices())
    name = SingleLineCharField(max_length=255)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    general_feedback = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    default_mark = serializers.DecimalField(max_digits=8, decimal_places=4, min_value=0, required=False)
    penalty = serializers.FloatField(min_value=0, max_value=1, required=False, allow_null=True)
    hints = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False), required=False, max_length=10
    )
    data = serializers.JSONField(help_text="The type's data: see GET /question-types (data_schema).")
    tags = TagNamesField(required=False, max_length=20)


class QuestionUpdateSerializer(QuestionWriteSerializer):
    category = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, help_text="A move.")
    qtype = serializers.ChoiceField(choices=qtype_choices(), required=False, help_text="Cannot change.")


class QuestionDuplicateSerializer(serializers.Serializer):
    category = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    name = SingleLineCharField(max_length=255, required=False)


class VersionAuthorSerializer(PlannedSerializer):
    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class QuestionVersionSerializer(PlannedModelSerializer):
    created_by = VersionAuthorSerializer(source="author_brief", read_only=True, allow_null=True)
    attempt_count = serializers.IntegerField(read_only=True)
    latest = serializers.BooleanField(read_only=True)

    class Meta:
        model = QuestionVersion
        fields = [
            "number",
            "latest",
            "name",
            "qtype",
            "text",
            "general_feedback",
            "default_mark",
            "penalty",
            "hints",
            "data",
            "attempt_count",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class QuestionTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    auto_graded = serializers.BooleanField()
    has_response = serializers.BooleanField()
    data_schema = serializers.JSONField()


# --- views -------------------------------------------------------------------------------------------------


def flag(params, name: str, default=False):
    raw = params.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    if raw == "all":
        return None
    raise ValidationFailed({name: ["Use true or false."]})


class BankApiView(ScopedApiView):
    api_key_scope = "assessments"
    access = {"GET": AUTHOR, "POST": AUTHOR, "PUT": AUTHOR, "PATCH": AUTHOR, "DELETE": AUTHOR}

    def category(self, pk, field: str | None = None) -> QuestionCategory:
        """A category the caller may use: 404 when it is the path's object, 400 when a body names it."""
        category = selectors.category_get(viewer=self.request.user, pk=pk)
        if category is None:
            if field is None:
                raise Http404
            raise ValidationFailed({field: ["No category of a bank you may use has this id."]})
        return category

    def question(self, pk=None) -> Question:
        question = selectors.question_get(
            viewer=self.request.user, pk=self.kwargs["pk"] if pk is None else pk
        )
        if question is None:
            raise Http404
        return question

    def category_answer(self, pk, status: int = 200) -> Response:
        """The category as the API writes it (read as the list reads it)."""
        category = selectors.category_row(viewer=self.request.user, pk=pk)
        if category is None:
            raise Http404
        return self.one(category, QuestionCategorySerializer, status=status)

    def question_answer(self, pk=None, status: int = 200) -> Response:
        """The question as the API writes it (read as the list reads it)."""
        question = selectors.question_row(
            viewer=self.request.user, pk=self.kwargs["pk"] if pk is None else pk
        )
        if question is None:
            raise Http404
        return self.one(selectors.prepared([question])[0], QuestionSerializer, status=status)


CATEGORY_FILTERS = {
    "name": ["eq", "like", "ilike"],
    "parent": ["eq", "in"],
    "course": ["eq", "in"],
    "created_at": ["gt", "lt", "gte", "lte"],
}
CATEGORY_PARAMETERS = [
    OpenApiParameter("course", int, description="One course's bank."),
    OpenApiParameter("shared", bool, description="true: only the organization's shared bank."),
]


class QuestionCategoryListView(BankApiView):
    serializer_class = QuestionCategorySerializer
    filter_fields = CATEGORY_FILTERS
    sort_fields = ["name", "created_at", "question_count"]
    default_sort = ["course_id", "name"]

    @extend_schema(
        parameters=CATEGORY_PARAMETERS, responses={200: QuestionCategorySerializer(many=True)}, tags=TAGS
    )
    def get(self, request):
        params = request.query_params
        course = params.get("course", "").strip()
        if course and not course.isdigit():
            raise ValidationFailed({"course": ["Give a course id."]})
        return self.listing(
            selectors.category_rows(viewer=request.user, course=course or None, shared=flag(params, "shared"))
        )

    @extend_schema(
        request=QuestionCategoryCreateSerializer, responses={201: QuestionCategorySerializer}, tags=TAGS
    )
    def post(self, request):
        """A category of a course's bank, or of the organization's (no course: Org Admins), under `parent`."""
        data = self.valid(QuestionCategoryCreateSerializer)
        parent = self.category(data["parent"], "parent") if data.get("parent") else None
        course = None
        if data.get("course"):
            course = course_selectors.course_find_editable(viewer=request.user, pk=data["course"])
            if course is None or not course.viewer_edits:
                raise ValidationFailed({"course": ["No course you may edit has this id."]})
        elif parent is not None:
            course = parent.course
        category = services.category_create(
            actor=request.user,
            course=course,
            name=data["name"],
            parent=parent,
            description=data.get("description", ""),
        )
        return self.category_answer(category.pk, status=status.HTTP_201_CREATED)


class QuestionCategoryDetailView(BankApiView):
    serializer_class = QuestionCategorySerializer

    @extend_schema(responses={200: QuestionCategorySerializer}, tags=TAGS)
    def get(self, request, pk):
        return self.category_answer(pk)

    @extend_schema(
        request=QuestionCategoryUpdateSerializer, responses={200: QuestionCategorySerializer}, tags=TAGS
    )
    def put(self, request, pk):
        """Rename, describe, or move under another category of the same bank (a cycle is refused)."""
        category = self.category(pk)
        data = self.valid(QuestionCategoryUpdateSerializer)
        if "parent" in data:
            data["parent"] = self.category(data["parent"], "parent") if data["parent"] else None
        services.category_update(actor=request.user, category=category, **data)
        return self.category_answer(pk)

    @extend_schema(
        request=QuestionCategoryUpdateSerializer, responses={200: QuestionCategorySerializer}, tags=TAGS
    )
    def patch(self, request, pk):
        return self.put(request, pk)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, pk):
        """Only an empty category (409 while it holds questions or subcategories)."""
        services.category_delete(actor=request.user, category=self.category(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


QUESTION_FILTERS = {
    "name": ["eq", "like", "ilike"],
    "qtype": ["eq", "in", "nin"],
    "category": ["eq", "in"],
    "course": ["eq", "in"],
    "created_at": ["gt", "lt", "gte", "lte"],
    "updated_at": ["gt", "lt", "gte", "lte"],
}
QUESTION_PARAMETERS = [
    OpenApiParameter("search", str, description="Part of the name or the text."),
    OpenApiParameter("category", int, description="A category id."),
    OpenApiParameter("subcategories", bool, description="With `category`: its subcategories' questions too."),
    OpenApiParameter("tag", str, description="A tag id or name."),
    OpenApiParameter("qtype", str, enum=[code for code, _ in qtype_choices()]),
    OpenApiParameter("hidden", str, enum=["false", "true", "all"], description="Default false."),
]


class QuestionListView(BankApiView):
    serializer_class = QuestionSerializer
    filter_fields = QUESTION_FILTERS
    sort_fields = ["name", "qtype", "created_at", "updated_at", "slot_count", "attempt_count"]
    default_sort = ["name"]

    @extend_schema(parameters=QUESTION_PARAMETERS, responses={200: QuestionSerializer(many=True)}, tags=TAGS)
    def get(self, request):
        params = request.query_params
        category = params.get("category", "").strip() or None
        if category is not None:
            category = self.category(category, "category")
        qtype = params.get("qtype", "").strip() or None
        if qtype is not None and qtype_for(qtype) is None:
            raise ValidationFailed({"qtype": [f"Use one of: {', '.join(q.code for q in qtypes())}."]})
        return self.listing(
            selectors.question_rows(
                viewer=request.user,
                category=category,
                subcategories=flag(params, "subcategories"),
                tag=params.get("tag", "").strip() or None,
                search=params.get("search", ""),
                qtype=qtype,
                hidden=flag(params, "hidden"),
            ),
            prepare=selectors.prepared,
        )

    @extend_schema(request=QuestionWriteSerializer, responses={201: QuestionSerializer}, tags=TAGS)
    def post(self, request):
        data = self.valid(QuestionWriteSerializer)
        data["category"] = self.category(data["category"], "category")
        question = services.question_create(actor=request.user, **data)
        return self.question_answer(question.pk, status=status.HTTP_201_CREATED)


class QuestionDetailView(BankApiView):
    serializer_class = QuestionSerializer

    @extend_schema(responses={200: QuestionSerializer}, tags=TAGS)
    def get(self, request, pk):
        return self.question_answer()

    @extend_schema(request=QuestionUpdateSerializer, responses={200: QuestionSerializer}, tags=TAGS)
    def put(self, request, pk):
        """Change the question: in place while no attempt used its latest version, else as a new version."""
        question = self.question()
        data = self.valid(QuestionUpdateSerializer)
        if "category" in data:
            data["category"] = self.category(data["category"], "category")
        services.question_update(actor=request.user, question=question, **data)
        return self.question_answer()

    @extend_schema(request=QuestionUpdateSerializer, responses={200: QuestionSerializer}, tags=TAGS)
    def patch(self, request, pk):
        return self.put(request, pk)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, pk):
        """Only a question no quiz or attempt uses (409 otherwise: hide it instead)."""
        services.question_delete(actor=request.user, question=self.question())
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuestionVersionListView(BankApiView):
    serializer_class = QuestionVersionSerializer
    sort_fields = ["number", "created_at"]
    default_sort = ["-number"]

    @extend_schema(responses={200: QuestionVersionSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        def prepare(page):
            # The scope rides on the versions' query: only an empty page asks whether the question is there.
            if not page and not selectors.question_visible(viewer=request.user, pk=pk):
                raise Http404
            selectors.prepared_versions(page)

        return self.listing(selectors.version_rows(viewer=request.user, question_id=pk), prepare=prepare)


class QuestionDuplicateView(BankApiView):
    serializer_class = QuestionSerializer

    @extend_schema(request=QuestionDuplicateSerializer, responses={201: QuestionSerializer}, tags=TAGS)
    def post(self, request, pk):
        """A copy (version 1 of a new question) in the same category, or in `category`."""
        question = self.question()
        data = self.valid(QuestionDuplicateSerializer, data=request.data or {})
        if "category" in data:
            data["category"] = self.category(data["category"], "category")
        copy = services.question_duplicate(actor=request.user, question=question, **data)
        return self.question_answer(copy.pk, status=status.HTTP_201_CREATED)


class QuestionTypeListView(BankApiView):
    serializer_class = QuestionTypeSerializer
    pagination_class = None

    @extend_schema(responses={200: QuestionTypeSerializer(many=True)}, tags=TAGS)
    def get(self, request):
        """The question types, what each one's `data` holds (a JSON schema) and whether it grades itself."""
        rows = [
            {
                "code": kind.code,
                "label": str(kind.label),
                "description": str(kind.description or ""),
                "auto_graded": kind.auto_graded,
                "has_response": kind.has_response,
                "data_schema": data_schema(kind.code),
            }
            for kind in qtypes()
        ]
        return Response(QuestionTypeSerializer(rows, many=True).data)
