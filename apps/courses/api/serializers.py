"""What the courses API reads and writes. Serializers check the shape of a request; the services decide
whether it may happen and whether the values make sense (and answer with field details when not).

Read serializers expect what the selectors give: courses from course_list (counts and the viewer's enrollment
annotated), content items with `shown_version` set to the version the viewer sees (the latest for editors,
the published one for learners) and `viewer_edits` telling which."""

import hashlib
from collections.abc import Mapping

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from apps.accounts.models import User
from apps.core.api.fields import MAX_ID, MAX_INT, SingleLineCharField
from apps.core.api.serializers import PlannedModelSerializer
from apps.hierarchy.api.serializers import BranchBriefSerializer, ClassBriefSerializer

from ..kinds import kind_choices, kind_for
from ..models import (
    Category,
    ContentItem,
    ContentVersion,
    Course,
    Enrollment,
    EnrollmentRule,
    ItemProgress,
    MediaFile,
    Module,
    Tag,
)
from ..permissions import can_edit

STATUS_HELP = "draft | published | archived"
ENROLLMENT_STATUS_HELP = "active | completed | withdrawn"
SOURCE_HELP = "self | assigned | class | branch"


class OptionalBooleanField(serializers.BooleanField):
    """A boolean that is simply absent when a multipart form leaves it out (DRF would read False there)."""

    default_empty_html = empty


class IdListField(serializers.ListField):
    child = serializers.IntegerField(max_value=MAX_ID, min_value=1)

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "array", "items": {"type": "string", "maxLength": 40}},
            {"type": "string", "description": "Comma-separated names."},
        ],
        "description": "Tag names; new names make new tags.",
    }
)
class TagNamesField(serializers.Field):
    default_error_messages = {"invalid": "Give a list of tag names or a comma-separated text."}

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist") and self.field_name in dictionary:
            values = dictionary.getlist(self.field_name)
            return values[0] if len(values) == 1 else values
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = data.split(",")
        if not isinstance(data, list | tuple) or any(not isinstance(name, str) for name in data):
            self.fail("invalid")
        return list(data)

    def to_representation(self, value):
        return value


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


_PK_MARK = 918273645546372819


def pk_url(serializer, name: str, pk) -> str:
    """absolute(request, reverse(name, args=[pk])), the URL reversed and made absolute once per serializer
    (one request) and formatted per row: reverse() and build_absolute_uri() cost more than a row's fields."""
    templates = serializer.__dict__.setdefault("_pk_urls", {})
    parts = templates.get(name)
    if parts is None:
        url = absolute(serializer.context.get("request"), reverse(name, args=[_PK_MARK]))
        parts = templates[name] = url.rsplit(str(_PK_MARK), 1)
    return f"{parts[0]}{pk}{parts[1]}"


# --- references ---------------------------------------------------------------------------------------------


class CoursePersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name"]
        read_only_fields = fields


class CourseLearnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name", "email"]
        read_only_fields = fields


class CategoryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug"]
        read_only_fields = fields


class CourseRefSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=Course.Status.choices, read_only=True, help_text=STATUS_HELP)

    class Meta:
        model = Course
        fields = ["id", "title", "slug", "status"]
        read_only_fields = fields


class MyEnrollmentSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Enrollment.Status.choices, help_text=ENROLLMENT_STATUS_HELP)
    progress_percent = serializers.IntegerField()


# --- categories and tags ------------------------------------------------------------------------------------


class CategorySerializer(PlannedModelSerializer):
    course_count = serializers.IntegerField(read_only=True, help_text="Courses of the category you can see.")

    class Meta:
        model = Category
        fields = ["id", "name", "slug", "description", "course_count", "created_at"]
        read_only_fields = fields


class CategoryWriteSerializer(serializers.Serializer):
    name = SingleLineCharField(max_length=80)
    slug = serializers.CharField(max_length=80, required=False, allow_blank=True)
    description = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class TagSerializer(PlannedModelSerializer):
    course_count = serializers.IntegerField(read_only=True, help_text="Courses with the tag you can see.")

    class Meta:
        model = Tag
        fields = ["id", "name", "course_count", "created_at"]
        read_only_fields = fields


class TagWriteSerializer(serializers.Serializer):
    name = SingleLineCharField(max_length=40)


# --- courses ------------------------------------------------------------------------------------------------


class CourseSerializer(PlannedModelSerializer):
    category = CategoryRefSerializer(read_only=True, allow_null=True)
    tags = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Course.Status.choices, read_only=True, help_text=STATUS_HELP)
    branches = BranchBriefSerializer(source="branch_list", many=True, read_only=True)
    prerequisites = serializers.SerializerMethodField()
    owner = CoursePersonSerializer(read_only=True, allow_null=True)
    co_teachers = CoursePersonSerializer(source="co_teacher_list", many=True, read_only=True)
    cover_url = serializers.SerializerMethodField()
    module_count = serializers.IntegerField(read_only=True)
    item_count = serializers.IntegerField(read_only=True, help_text="Published lessons.")
    enrollment_count = serializers.IntegerField(read_only=True, help_text="Current (not withdrawn) learners.")
    my_enrollment = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "slug",
            "summary",
            "description",
            "description_html",
            "category",
            "tags",
            "status",
            "branches",
            "prerequisites",
            "estimated_minutes",
            "self_enrollment",
            "owner",
            "co_teachers",
            "cover_url",
            "module_count",
            "item_count",
            "enrollment_count",
            "my_enrollment",
            "can_edit",
            "published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_tags(self, course) -> list[str]:
        return sorted((tag.name for tag in course.tag_list), key=str.lower)

    def get_prerequisites(self, course) -> list[int]:
        return sorted(prerequisite.pk for prerequisite in course.prerequisite_list)

    def get_cover_url(self, course) -> str | None:
        if not course.cover:
            return None
        version = hashlib.sha256(course.cover.name.encode()).hexdigest()[:10]
        return f"{pk_url(self, 'api-course-cover', course.pk)}?v={version}"

    @extend_schema_field(MyEnrollmentSerializer(allow_null=True))
    def get_my_enrollment(self, course) -> dict | None:
        status = getattr(course, "my_enrollment_status", None)
        if status is None:
            return None
        return {"status": status, "progress_percent": getattr(course, "my_progress", 0) or 0}

    def get_can_edit(self, course) -> bool:
        return can_edit(self.context["scope"], course)


class CourseWriteSerializer(serializers.Serializer):
    """POST and PUT name the course (`title`); PATCH any subset. Fields left out keep their value. As
    multipart, `cover` uploads a cover image; `"cover": null` removes it."""

    title = SingleLineCharField(max_length=200)
    slug = serializers.CharField(max_length=80, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True)
    description = serializers.CharField(
        max_length=50_000, required=False, allow_blank=True, trim_whitespace=False, help_text="Markdown."
    )
    category = serializers.IntegerField(max_value=MAX_ID, required=False, allow_null=True, min_value=1)
    tags = TagNamesField(required=False)
    branches = IdListField(help_text="Branch ids; none means the whole organization (Org Admins only).")
    prerequisites = IdListField(help_text="Ids of courses to complete first.")
    estimated_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=100_000
    )
    self_enrollment = OptionalBooleanField(required=False)
    co_teachers = IdListField(help_text="Ids of people who edit the course with its owner.")
    cover = serializers.FileField(required=False, allow_null=True, use_url=False)


class PublishSerializer(serializers.Serializer):
    content = serializers.ChoiceField(
        choices=["latest", "keep"],
        default="latest",
        help_text="latest: also publish the latest version of every lesson; keep: leave lessons as they are.",
    )


class OrderSerializer(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(max_value=MAX_ID, min_value=1), max_length=5000
    )


# --- modules ------------------------------------------------------------------------------------------------


class ModuleSerializer(PlannedModelSerializer):
    item_count = serializers.IntegerField(read_only=True, help_text="Lessons you can see.")

    class Meta:
        model = Module
        fields = [
            "id",
            "course",
            "title",
            "description",
            "position",
            "item_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ModuleWriteSerializer(serializers.Serializer):
    title = SingleLineCharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    position = serializers.IntegerField(
        max_value=MAX_INT,
        required=False,
        allow_null=True,
        min_value=0,
        help_text="0 is first; left out: last.",
    )


# --- media --------------------------------------------------------------------------------------------------


class MediaSerializer(PlannedModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    uploaded_by = CoursePersonSerializer(read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = MediaFile
        fields = [
            "id",
            "course",
            "item",
            "name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "created_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, media) -> str:
        return pk_url(self, "api-media-download", media.pk)


class MediaBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = MediaFile
        fields = ["id", "name", "content_type", "size", "download_url"]
        read_only_fields = fields

    def get_download_url(self, media) -> str:
        return pk_url(self, "api-media-download", media.pk)


class MediaUploadSerializer(serializers.Serializer):
    file = serializers.FileField(use_url=False, help_text="Checked by its real type and size, not its name.")


# --- content items and versions -----------------------------------------------------------------------------


class _KindCodes(Mapping):
    """The registered kind codes, each mapped to itself (what ChoiceField's choice_strings_to_values holds),
    read from the registry on each use without building a dict per call."""

    def __getitem__(self, code):
        if kind_for(code) is None:
            raise KeyError(code)
        return code

    def __contains__(self, code) -> bool:
        return isinstance(code, str) and kind_for(code) is not None

    def __iter__(self):
        return iter(dict(kind_choices()))

    def __len__(self) -> int:
        return len(kind_choices())


_KIND_CODES = _KindCodes()


class KindField(serializers.ChoiceField):
    """A lesson kind: one of the kinds registered now (apps.courses.kinds), read on each use, so a kind
    registered by another app is accepted and documented without touching this module."""

    def __init__(self, **kwargs):
        super().__init__(choices=(), **kwargs)

    def _get_choices(self):
        return dict(kind_choices())

    def _set_choices(self, value) -> None:
        pass

    choices = property(_get_choices, _set_choices)

    @property
    def grouped_choices(self):
        return self.choices

    @property
    def choice_strings_to_values(self):
        return _KIND_CODES


def kind_data_errors(kind: str, data) -> dict | None:
    """Field errors of a version's `data` for `kind`, by the kind's data_serializer (None: acceptable)."""
    spec = kind_for(kind)
    if spec is None or spec.data_serializer is None or data is None:
        return None
    serializer = spec.data_serializer(data=data)
    if serializer.is_valid():
        return None
    return {
        f"data.{name}": [str(message) for message in messages] for name, messages in serializer.errors.items()
    }


class ItemProgressBriefSerializer(serializers.ModelSerializer):
    completed = serializers.BooleanField(source="is_completed", read_only=True)
    position_seconds = serializers.IntegerField(source="last_position_seconds", read_only=True)

    class Meta:
        model = ItemProgress
        fields = ["completed", "completed_at", "time_spent_seconds", "position_seconds", "updated_at"]
        read_only_fields = fields


class ContentSerializer(PlannedModelSerializer):
    """A lesson as the viewer sees it: editors its latest version (with the numbers of the latest and the
    published version), learners its published version (the version numbers are then null)."""

    version = serializers.IntegerField(source="shown_version.number", read_only=True)
    latest_version = serializers.SerializerMethodField()
    published_version = serializers.SerializerMethodField()
    is_published = serializers.BooleanField(read_only=True)
    title = serializers.CharField(source="shown_version.title", read_only=True)
    body = serializers.CharField(source="shown_version.body", read_only=True, help_text="As written.")
    body_format = serializers.ChoiceField(
        choices=ContentVersion.Format.choices, source="shown_version.body_format", read_only=True
    )
    body_html = serializers.CharField(
        source="shown_version.body_html", read_only=True, help_text="Sanitized HTML: the form to display."
    )
    video_url = serializers.CharField(source="shown_version.video_url", read_only=True)
    embed_url = serializers.CharField(source="shown_version.embed_url", read_only=True)
    url = serializers.CharField(source="shown_version.url", read_only=True)
    media = MediaBriefSerializer(source="shown_version.media", read_only=True, allow_null=True)
    data = serializers.JSONField(source="shown_version.data", read_only=True)
    duration_seconds = serializers.IntegerField(
        source="shown_version.duration_seconds", read_only=True, allow_null=True
    )
    kind = KindField(read_only=True)
    completion = serializers.SerializerMethodField(
        help_text="manual: the learner marks it complete (PUT /content/{id}/progress); external: something "
        "else completes it (a passed quiz), and a `completed` sent for it is refused with 409."
    )

    class Meta:
        model = ContentItem
        fields = [
            "id",
            "course",
            "module",
            "kind",
            "completion",
            "position",
            "estimated_minutes",
            "version",
            "latest_version",
            "published_version",
            "is_published",
            "title",
            "body",
            "body_format",
            "body_html",
            "video_url",
            "embed_url",
            "url",
            "media",
            "data",
            "duration_seconds",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_completion(self, item) -> str:
        spec = kind_for(item.kind)
        return spec.completion if spec is not None else "manual"

    def get_latest_version(self, item) -> int | None:
        if not getattr(item, "viewer_edits", False) or item.latest_version is None:
            return None
        return item.latest_version.number

    def get_published_version(self, item) -> int | None:
        if not getattr(item, "viewer_edits", False) or item.published_version is None:
            return None
        return item.published_version.number


class OutlineItemSerializer(ContentSerializer):
    my_progress = serializers.SerializerMethodField()

    class Meta(ContentSerializer.Meta):
        fields = [*ContentSerializer.Meta.fields, "my_progress"]
        read_only_fields = fields

    @extend_schema_field(ItemProgressBriefSerializer(allow_null=True))
    def get_my_progress(self, item) -> dict | None:
        progress = self.context.get("progress", {}).get(item.pk)
        return ItemProgressBriefSerializer(progress).data if progress is not None else None


class OutlineModuleSerializer(PlannedModelSerializer):
    items = OutlineItemSerializer(many=True, read_only=True, source="items.all")

    class Meta:
        model = Module
        fields = ["id", "title", "description", "position", "items"]
        read_only_fields = fields


class VersionFieldsSerializer(serializers.Serializer):
    """The fields a version holds. Left out of an update, a field keeps its value."""

    title = SingleLineCharField(max_length=200, required=False)
    body = serializers.CharField(
        max_length=200_000,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The text as written, in body_format. Kept as sent; what anyone is shown is body_html.",
    )
    body_format = serializers.ChoiceField(
        choices=ContentVersion.Format.choices,
        required=False,
        help_text="markdown: rendered to HTML, then sanitized. html: sanitized with the same allow-list (no "
        'script, style, event handler, javascript: URL, form or frame; links get rel="noopener noreferrer"). '
        "Either way the result is body_html, as the lesson editor's preview and the player show it.",
    )
    video_url = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="A video page of an allowed provider."
    )
    url = serializers.CharField(max_length=1000, required=False, allow_blank=True, help_text="Link lessons.")
    media = serializers.IntegerField(
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        min_value=1,
        help_text="A media file of the course.",
    )
    data = serializers.JSONField(required=False, help_text="Kind-specific extras (an object).")
    duration_seconds = serializers.IntegerField(
        max_value=MAX_INT, required=False, allow_null=True, min_value=0
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text="What changed.")


class ContentCreateSerializer(VersionFieldsSerializer):
    module = serializers.IntegerField(
        max_value=MAX_ID, min_value=1, help_text="The module the lesson goes into."
    )
    kind = KindField()
    title = SingleLineCharField(max_length=200)
    position = serializers.IntegerField(
        max_value=MAX_INT,
        required=False,
        allow_null=True,
        min_value=0,
        help_text="0 is first; left out: last.",
    )
    estimated_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=10_000
    )
    publish = serializers.BooleanField(
        required=False, default=False, help_text="true: learners see the lesson at once."
    )

    def validate(self, attrs):
        errors = kind_data_errors(attrs.get("kind"), attrs.get("data"))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class CourseContentCreateSerializer(ContentCreateSerializer):
    module = serializers.IntegerField(
        max_value=MAX_ID,
        min_value=1,
        required=False,
        help_text="A module of this course; left out: its last module.",
    )


class ContentUpdateSerializer(VersionFieldsSerializer):
    """PUT names the lesson (`title`); PATCH any subset. Changed content fields make a new version;
    `module`, `position` and `estimated_minutes` move or describe the lesson without one."""

    title = SingleLineCharField(max_length=200)
    kind = KindField(required=False, help_text="Cannot change.")
    module = serializers.IntegerField(max_value=MAX_ID, min_value=1, required=False)
    position = serializers.IntegerField(max_value=MAX_INT, required=False, allow_null=True, min_value=0)
    estimated_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=10_000
    )
    publish = serializers.BooleanField(
        required=False, default=False, help_text="true: publish the latest version after saving."
    )


class VersionSerializer(PlannedModelSerializer):
    author = CoursePersonSerializer(read_only=True, allow_null=True)
    media = MediaBriefSerializer(read_only=True, allow_null=True)
    is_published = serializers.SerializerMethodField()
    is_latest = serializers.SerializerMethodField()

    class Meta:
        model = ContentVersion
        fields = [
            "number",
            "title",
            "body",
            "body_format",
            "body_html",
            "video_url",
            "embed_url",
            "url",
            "media",
            "data",
            "duration_seconds",
            "note",
            "author",
            "is_published",
            "is_latest",
            "created_at",
        ]
        read_only_fields = fields

    def get_is_published(self, version) -> bool:
        return version.pk == self.context["item"].published_version_id

    def get_is_latest(self, version) -> bool:
        return version.pk == self.context["item"].latest_version_id


class RevertSerializer(serializers.Serializer):
    publish = OptionalBooleanField(default=False, help_text="Also show the restored content to learners.")


class FieldDiffSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()
    lines = serializers.ListField(child=serializers.CharField(), help_text="Unified diff of the body.")


class VersionDiffSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    against = serializers.IntegerField(allow_null=True, help_text="null: compared with an empty lesson.")
    changes = FieldDiffSerializer(many=True)


# --- enrollments and progress -------------------------------------------------------------------------------


class EnrollmentSerializer(PlannedModelSerializer):
    course = CourseRefSerializer(read_only=True)
    user = CourseLearnerSerializer(read_only=True)
    status = serializers.ChoiceField(
        choices=Enrollment.Status.choices, read_only=True, help_text=ENROLLMENT_STATUS_HELP
    )
    source = serializers.ChoiceField(choices=Enrollment.Source.choices, read_only=True, help_text=SOURCE_HELP)
    assigned_by = CoursePersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "course",
            "user",
            "status",
            "source",
            "rule",
            "assigned_by",
            "due_at",
            "progress_percent",
            "completed_items",
            "total_items",
            "enrolled_at",
            "last_activity_at",
            "completed_at",
            "withdrawn_at",
        ]
        read_only_fields = fields


class EnrollmentCreateSerializer(serializers.Serializer):
    """Either assign people, classes or branches (Teachers, Branch Managers, Org Admins), or with `{}` or
    `{"self": true}` enroll yourself."""

    self = OptionalBooleanField(required=False, help_text="Enroll the caller.")
    users = IdListField()
    classes = IdListField(help_text="Their learners are enrolled, also those who join later.")
    branches = IdListField(help_text="Their learners are enrolled, also those who join later.")
    due_at = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=40, help_text="A date or date-time."
    )


class EnrollmentUpdateSerializer(serializers.Serializer):
    due_at = serializers.CharField(
        allow_null=True, allow_blank=True, max_length=40, help_text="A date or date-time; null removes it."
    )


class EnrollmentRuleSerializer(PlannedModelSerializer):
    school_class = ClassBriefSerializer(read_only=True, allow_null=True)
    branch = BranchBriefSerializer(read_only=True, allow_null=True)
    created_by = CoursePersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = EnrollmentRule
        fields = ["id", "course", "school_class", "branch", "due_at", "created_by", "created_at"]
        read_only_fields = fields


class AssignmentResultSerializer(serializers.Serializer):
    enrolled = serializers.IntegerField(help_text="People newly enrolled (or back after withdrawing).")
    already_enrolled = serializers.IntegerField()
    rules = EnrollmentRuleSerializer(many=True)


class CourseProgressRowSerializer(PlannedModelSerializer):
    enrollment_id = serializers.IntegerField(source="pk", read_only=True)
    user = CourseLearnerSerializer(read_only=True)
    status = serializers.ChoiceField(
        choices=Enrollment.Status.choices, read_only=True, help_text=ENROLLMENT_STATUS_HELP
    )
    time_spent_seconds = serializers.IntegerField(read_only=True)

    class Meta:
        model = Enrollment
        fields = [
            "enrollment_id",
            "user",
            "status",
            "progress_percent",
            "completed_items",
            "total_items",
            "time_spent_seconds",
            "last_activity_at",
            "due_at",
            "enrolled_at",
            "completed_at",
        ]
        read_only_fields = fields


class AnalyticsGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = SingleLineCharField()
    enrolled = serializers.IntegerField()
    completed = serializers.IntegerField()
    completion_rate = serializers.FloatField(help_text="0 to 1.")
    average_progress = serializers.FloatField(help_text="Percent.")


class CourseAnalyticsSerializer(serializers.Serializer):
    enrolled = serializers.IntegerField(help_text="Current learners (withdrawn ones left out).")
    active = serializers.IntegerField()
    completed = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    completion_rate = serializers.FloatField(help_text="Completed / enrolled, 0 to 1.")
    average_progress = serializers.FloatField(help_text="Percent, over current learners.")
    time_spent_seconds = serializers.IntegerField()
    by_branch = AnalyticsGroupSerializer(many=True)
    by_class = AnalyticsGroupSerializer(many=True)


class ItemRefSerializer(serializers.Serializer):
    """The lesson of a progress row, named as the viewer is shown it (selectors.progress_list's `item_title`:
    learners its published title, the course's editors its latest), with its kind and module as columns of
    the row (`item_kind`, `item_module`: selectors.progress_page)."""

    id = serializers.IntegerField(source="item_id", read_only=True)
    title = serializers.CharField(source="item_title", read_only=True)
    kind = KindField(source="item_kind", read_only=True)
    module = serializers.IntegerField(source="item_module", read_only=True)


class ItemProgressSerializer(PlannedModelSerializer):
    """One learner's progress on one lesson."""

    user = CourseLearnerSerializer(read_only=True)
    course = CourseRefSerializer(read_only=True)
    item = ItemRefSerializer(source="*", read_only=True)
    completed = serializers.BooleanField(source="is_completed", read_only=True)
    position_seconds = serializers.IntegerField(source="last_position_seconds", read_only=True)

    class Meta:
        model = ItemProgress
        fields = [
            "id",
            "user",
            "course",
            "item",
            "completed",
            "completed_at",
            "time_spent_seconds",
            "position_seconds",
            "started_at",
            "updated_at",
        ]
        read_only_fields = fields


class EnrollmentProgressSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(
        choices=Enrollment.Status.choices, read_only=True, help_text=ENROLLMENT_STATUS_HELP
    )

    class Meta:
        model = Enrollment
        fields = ["id", "status", "progress_percent", "completed_items", "total_items", "completed_at"]
        read_only_fields = fields


class MyItemProgressSerializer(serializers.Serializer):
    """The caller's progress on a lesson, and where their enrollment in its course stands."""

    item = serializers.IntegerField()
    course = serializers.IntegerField()
    started = serializers.BooleanField()
    completed = serializers.BooleanField()
    completed_at = serializers.DateTimeField(allow_null=True)
    time_spent_seconds = serializers.IntegerField()
    position_seconds = serializers.IntegerField()
    updated_at = serializers.DateTimeField(allow_null=True)
    enrollment = EnrollmentProgressSerializer(allow_null=True)


class ProgressWriteSerializer(serializers.Serializer):
    completed = OptionalBooleanField(required=False, allow_null=True, help_text="A state, not a toggle.")
    time_spent_seconds = serializers.IntegerField(
        max_value=MAX_INT,
        required=False,
        allow_null=True,
        min_value=0,
        help_text="The total so far (the larger value is kept).",
    )
    position_seconds = serializers.IntegerField(
        max_value=MAX_INT, required=False, allow_null=True, min_value=0, help_text="Where the video stopped."
    )
