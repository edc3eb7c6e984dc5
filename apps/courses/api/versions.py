"""/api/v1/content/{id}/versions: every saved version of a lesson, for its editors.

Learners, and staff who see the lesson but do not edit its course, are refused with 403 (they know the
lesson exists); versions of a lesson the caller cannot see answer 404.
"""

from dataclasses import asdict

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status

from apps.core.errors import ValidationFailed

from .. import selectors, services
from ..models import ContentItem, ContentVersion
from .base import AUTHOR, CourseApiView
from .serializers import (
    RevertSerializer,
    VersionDiffSerializer,
    VersionFieldsSerializer,
    VersionSerializer,
)

TAGS = ["content"]


class VersionView(CourseApiView):
    access = {"GET": AUTHOR, "POST": AUTHOR}
    serializer_class = VersionSerializer

    def get_edited_item(self) -> ContentItem:
        item = self.find_item()
        self.require_editor(item.course)
        return item

    def get_version(self, item) -> ContentVersion:
        version = selectors.version_get(item=item, number=self.kwargs["number"])
        if version is None:
            raise Http404
        return version

    def answer(self, item_pk: int, version: ContentVersion, status_code: int = 200):
        item = ContentItem.objects.get(pk=item_pk)  # its latest and published versions as they are now
        return self.one(version, status=status_code, context={"item": item})


class VersionListView(VersionView):
    filter_fields = {"author": ["eq", "in"], "created_at": ["gt", "lt", "gte", "lte"]}
    sort_fields = ["number", "created_at"]
    default_sort = ["-number"]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.setdefault("item", getattr(self, "item", None))
        return context

    @extend_schema(responses={200: VersionSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        self.item = self.get_edited_item()
        # selectors.version_list(), without a related manager built for the item.
        versions = ContentVersion.objects.filter(item_id=self.item.pk)
        media = ("original_name", "content_type", "size")
        return self.listing(selectors.only_related(versions, {"author": selectors.PERSON, "media": media}))

    @extend_schema(request=VersionFieldsSerializer, responses={201: VersionSerializer}, tags=TAGS)
    def post(self, request, pk):
        """Save the given fields as the lesson's next version (fields left out keep their value). It is not
        shown to learners until published."""
        item = self.get_item()
        version = services.version_create(
            actor=request.user, item=item, **self.valid(VersionFieldsSerializer)
        )
        return self.answer(item.pk, version, status.HTTP_201_CREATED)


class VersionDetailView(VersionView):
    @extend_schema(responses={200: VersionSerializer}, tags=TAGS)
    def get(self, request, pk, number):
        item = self.get_edited_item()  # read in this request: its versions as they are now
        return self.one(self.get_version(item), context={"item": item})


class VersionPublishView(VersionView):
    @extend_schema(request=None, responses={200: VersionSerializer}, tags=TAGS)
    def post(self, request, pk, number):
        """Show learners this version of the lesson."""
        item = self.get_edited_item()
        version = self.get_version(item)
        services.version_publish(actor=request.user, item=item, version=version)
        return self.answer(item.pk, version)


class VersionRevertView(VersionView):
    @extend_schema(request=RevertSerializer, responses={201: VersionSerializer}, tags=TAGS)
    def post(self, request, pk, number):
        """Make this version's content the latest again, as a new version (history is kept); `publish`
        also shows it to learners."""
        item = self.get_edited_item()
        version = self.get_version(item)
        data = self.valid(RevertSerializer)
        new = services.version_revert(actor=request.user, item=item, version=version, publish=data["publish"])
        return self.answer(item.pk, new, status.HTTP_201_CREATED)


class VersionDiffView(VersionView):
    serializer_class = VersionDiffSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "against", int, description="The version to compare with; left out: the one before this one."
            )
        ],
        responses={200: VersionDiffSerializer},
        tags=TAGS,
    )
    def get(self, request, pk, number):
        """What changed, field by field (only changed fields; the body also as a unified diff)."""
        item = self.get_edited_item()
        version = self.get_version(item)
        raw = request.query_params.get("against", "").strip()
        if raw:
            against = selectors.version_get(item=item, number=raw)
            if against is None:
                raise ValidationFailed({"against": ["No such version of this lesson."]})
        else:
            against = item.versions.filter(number__lt=version.number).order_by("-number").first()
        old = against or ContentVersion(item=item, number=0, title="", body="", data={})
        changes = services.version_diff(old, version)
        return self.one(
            {
                "version": version.number,
                "against": against.number if against else None,
                "changes": [asdict(change) for change in changes],
            }
        )
