"""What the badges API reads and writes. Criteria are nested in the badge (`criteria`: a list, replaced as a
whole on PUT/PATCH when given), each {"kind", and per kind: "course_id" | "count", "category_id" |
"assessment_id", "min_percent" | "count" (days) | "badge_ids"}."""

import json
import uuid

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import SingleLineCharField
from apps.core.api.serializers import PlannedModelSerializer, PlannedSerializer

from ..models import Badge, BadgeAward, BadgeCriterion, BadgeProgress
from .selectors import award_status


class JsonList(serializers.Field):
    """A JSON list: as JSON in a JSON body, or a JSON string in a multipart form."""

    default_error_messages = {"invalid": "Give a JSON list."}

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("invalid")
        if not isinstance(data, list):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "array", "items": {"type": "object"}})
class CriteriaField(JsonList):
    pass


@extend_schema_field({"type": "array", "items": {"type": "object"}})
class AlignmentField(JsonList):
    pass


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class TagsField(JsonList):
    pass


# The criterion kinds' labels, built once (still lazy: `str()` at each call reads the active language).
_KIND_LABELS = dict(BadgeCriterion._meta.get_field("kind").flatchoices)


class KindLabelField(serializers.CharField):
    """The criterion's `get_kind_display()`, read from a mapping built once rather than by Django's
    per-call rebuild of the choices (the same text: the label in the active language, or the raw value).
    Each label is translated once per bound field, that is once per request (one language)."""

    def get_attribute(self, instance):
        return instance.kind

    def to_representation(self, value):
        texts = self.__dict__.get("_texts")
        if texts is None:
            texts = self.__dict__["_texts"] = {}
        text = texts.get(value)
        if text is None:
            text = texts[value] = str(_KIND_LABELS.get(value, value))
        return text


class CriterionSerializer(PlannedModelSerializer):
    course_id = serializers.IntegerField(allow_null=True)
    category_id = serializers.IntegerField(allow_null=True)
    assessment_id = serializers.IntegerField(allow_null=True)
    badge_ids = serializers.SerializerMethodField()
    label = KindLabelField()

    class Meta:
        model = BadgeCriterion
        fields = [
            "id",
            "kind",
            "label",
            "course_id",
            "category_id",
            "assessment_id",
            "count",
            "min_percent",
            "badge_ids",
            "position",
        ]

    def get_badge_ids(self, criterion) -> list[int]:
        ids = getattr(criterion, "badge_ids", None)
        return list(ids) if ids is not None else [b.pk for b in criterion.required_badges.all()]


_UID_MARK = uuid.UUID("5e7a1c0d-9b2f-4e3a-8c61-0f4d2b7e9a53")
_PK_MARK = 918273645546372819


class _Path:
    """reverse(name, args=[value]) for one request: reversed once with a marker, then formatted per object
    (reverse() per row is costly). Falls back to reverse() when the marker does not come out once."""

    __slots__ = ("head", "missing", "name", "tail")

    def __init__(self, name: str, mark):
        self.name = name
        self.head = self.tail = None
        self.missing = False
        try:
            path = reverse(name, args=[mark])
        except NoReverseMatch:
            self.missing = True
            return
        if path.count(str(mark)) == 1:
            self.head, _, self.tail = path.partition(str(mark))

    def __call__(self, value) -> str:
        if self.head is None:
            return reverse(self.name, args=[value])
        return f"{self.head}{value}{self.tail}"


class _Paths:
    """The badge paths the serializers write, for one serializer of one request (the URLconf and script
    prefix are the request's), each reversed on first use."""

    def __init__(self):
        self._made: dict[str, _Path] = {}

    def path(self, name: str, mark) -> _Path:
        path = self._made.get(name)
        if path is None:
            path = self._made[name] = _Path(name, mark)
        return path

    def image_url(self, badge: Badge) -> str | None:
        """The BadgeClass's public picture once the badge is out of draft (when the Open Badges URLs are
        installed); a draft's, for signed-in members; None for a draft without a picture."""
        if badge.status != Badge.Status.DRAFT:
            public = self.path("badges:ob_badge_image", _UID_MARK)
            if not public.missing:
                return public(badge.uid)
        if not badge.image:
            return None
        own = self.path("badges:badge_image", _PK_MARK)
        if own.missing:
            return reverse("badges:badge_image", args=[badge.pk])  # its own error, as before
        return own(badge.pk)

    def assertion_url(self, award: BadgeAward) -> str | None:
        path = self.path("badges:ob_assertion", _UID_MARK)
        return None if path.missing else path(award.uid)


def _paths(serializer) -> _Paths:
    paths = serializer.__dict__.get("_badge_paths")
    if paths is None:
        paths = serializer.__dict__["_badge_paths"] = _Paths()
    return paths


class BadgeSerializer(PlannedModelSerializer):
    course_id = serializers.IntegerField(allow_null=True)
    criteria = CriterionSerializer(many=True)
    tags = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()
    award_count = serializers.IntegerField()
    viewer_manages = serializers.BooleanField()

    class Meta:
        model = Badge
        fields = [
            "id",
            "uid",
            "name",
            "description",
            "image_url",
            "image_source",
            "criteria_narrative",
            "criteria_mode",
            "criteria",
            "tags",
            "alignment",
            "expiry",
            "expires_on",
            "expires_after_days",
            "status",
            "course_id",
            "award_count",
            "viewer_manages",
            "created_at",
            "updated_at",
        ]

    def get_tags(self, badge) -> list[str]:
        names = getattr(badge, "tag_names", None)
        return list(names) if names is not None else [tag.name for tag in badge.tags.all()]

    def get_image_url(self, badge) -> str | None:
        return _paths(self).image_url(badge)


class BadgeWriteSerializer(serializers.Serializer):
    name = SingleLineCharField(max_length=200)
    description = serializers.CharField(max_length=2000)
    course_id = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    criteria = CriteriaField(required=False)
    criteria_mode = serializers.ChoiceField(choices=Badge.Mode.choices, required=False)
    criteria_narrative = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    tags = TagsField(required=False)
    alignment = AlignmentField(required=False)
    expiry = serializers.ChoiceField(choices=Badge.Expiry.choices, required=False)
    expires_on = serializers.DateField(required=False, allow_null=True)
    expires_after_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=36500
    )
    status = serializers.ChoiceField(choices=Badge.Status.choices, required=False)
    image = serializers.ImageField(required=False, write_only=True, help_text="A PNG (multipart only).")
    regenerate_image = serializers.BooleanField(required=False, default=False)


class UserRefSerializer(PlannedSerializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField()


class BadgeRefSerializer(PlannedSerializer):
    id = serializers.IntegerField()
    uid = serializers.UUIDField()
    name = serializers.CharField()
    image_url = serializers.SerializerMethodField()

    def get_image_url(self, badge) -> str | None:
        return _paths(self).image_url(badge)


class AwardSerializer(PlannedModelSerializer):
    badge = BadgeRefSerializer()
    user = UserRefSerializer()
    awarded_by = UserRefSerializer(allow_null=True)
    status = serializers.SerializerMethodField()
    assertion_url = serializers.SerializerMethodField()

    class Meta:
        model = BadgeAward
        fields = [
            "id",
            "uid",
            "badge",
            "user",
            "status",
            "source",
            "issued_at",
            "expires_at",
            "awarded_by",
            "note",
            "evidence_url",
            "evidence_narrative",
            "revoked_at",
            "revocation_reason",
            "assertion_url",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=["active", "expired", "revoked"]))
    def get_status(self, award) -> str:
        return award_status(award)

    def get_assertion_url(self, award) -> str | None:
        return _paths(self).assertion_url(award)


class AwardCreateSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    evidence_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    evidence_narrative = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RevokeSerializer(serializers.Serializer):
    reason = SingleLineCharField(max_length=500)


class ProgressSerializer(PlannedModelSerializer):
    user = UserRefSerializer()
    badge_id = serializers.IntegerField()

    class Meta:
        model = BadgeProgress
        fields = ["badge_id", "user", "percent", "state", "updated_at"]
