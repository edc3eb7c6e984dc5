"""/api/v1/courses/{id}/media, /content/{id}/media and /media/{id}: uploaded files of courses and lessons.

Files are never reachable by URL alone: `/media/{id}/download` streams a file (with byte ranges, so players
can seek) to whoever may open it, as a person signed in (session or JWT) or through an API key, and answers
404 to everyone else and on every other organization's host. Editors of the course may open all of its files;
learners the files published lessons show (and course-level files) of a course they can see.
"""

from django.db.models import Q
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from .. import selectors, services
from ..models import ContentItem, Course
from ..serving import media_response
from .base import AUTHOR, CourseApiView, FileView
from .courses import flag
from .serializers import MediaSerializer, MediaUploadSerializer

TAGS = ["media"]


class MediaView(CourseApiView):
    serializer_class = MediaSerializer

    def get_media(self):
        media = selectors.media_for_download(viewer=self.request.user, pk=self.kwargs["pk"])
        if media is None:
            raise Http404
        return media


def learner_media(queryset, course, item=None):
    """What media_for_download lets someone who does not edit the course open: the files published lessons
    show (and course-level files), never files of a draft course."""
    if course.status == Course.Status.DRAFT:
        return queryset.none()
    if item is not None:  # from selectors.content_find(media=True)
        shown = item.published_media_id
        return queryset.filter(pk__in=[shown] if shown else [])
    published = ContentItem.objects.filter(course=course, published_version__media__isnull=False)
    return queryset.filter(Q(item__isnull=True) | Q(pk__in=published.values("published_version__media")))


class MediaListView(MediaView):
    access = {"POST": AUTHOR}
    parser_classes = [MultiPartParser]  # an upload, field `file`
    filter_fields = {"content_type": ["eq", "in", "like"], "created_at": ["gt", "lt", "gte", "lte"]}
    sort_fields = ["created_at", "size", "original_name"]
    default_sort = ["-created_at"]

    def upload(self, course, item=None) -> Response:
        upload = self.valid(MediaUploadSerializer)["file"]
        media = services.media_upload(actor=self.request.user, course=course, upload=upload, item=item)
        return self.one(media, status=status.HTTP_201_CREATED)


class CourseMediaView(MediaListView):
    """The course's files: all of them for its editors; for others, those its published lessons show and the
    course-level ones."""

    @extend_schema(responses={200: MediaSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        # The course with viewer_can_edit() as a column: one query, not the course and its lists.
        course = selectors.course_find_editable(viewer=request.user, pk=pk)
        if course is None:
            raise Http404
        queryset = selectors.course_media(course=course)
        if not course.viewer_edits:
            queryset = learner_media(queryset, course)
        return self.listing(queryset)

    @extend_schema(
        request={"multipart/form-data": MediaUploadSerializer}, responses={201: MediaSerializer}, tags=TAGS
    )
    def post(self, request, pk):
        """Upload a file for the course (multipart, field `file`), e.g. before creating the file or video
        lesson that shows it. Refusals answer 400 with `details.file`."""
        return self.upload(self.get_course())


class ContentMediaView(MediaListView):
    """The lesson's files: those uploaded with it and those its versions show, for editors of its course; for
    learners, the file the lesson shows."""

    @extend_schema(responses={200: MediaSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        item = self.find_item(media=True)
        queryset = selectors.course_media(course=item.course)
        if self.editor_of(item.course):
            used = [media_id for media_id in (item.latest_media_id, item.published_media_id) if media_id]
            queryset = queryset.filter(Q(item=item) | Q(pk__in=used))
        else:
            queryset = learner_media(queryset, item.course, item)
        return self.listing(queryset)

    @extend_schema(
        request={"multipart/form-data": MediaUploadSerializer}, responses={201: MediaSerializer}, tags=TAGS
    )
    def post(self, request, pk):
        """Upload a file for the lesson (multipart, field `file`). It is checked by its real type and size;
        refusals answer 400 with `details.file`. Use its id as the `media` of a version to show it."""
        item = self.get_item()
        return self.upload(item.course, item)


class MediaDetailView(MediaView):
    access = {"DELETE": AUTHOR}

    @extend_schema(responses={200: MediaSerializer}, tags=TAGS)
    def get(self, request, pk):
        media = selectors.media_show(viewer=request.user, pk=pk)
        if media is None:
            raise Http404
        return self.one(media)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, pk):
        """Delete a file no version uses (409 otherwise, so old versions keep working)."""
        services.media_delete(actor=request.user, media=self.get_media())
        return Response(status=status.HTTP_204_NO_CONTENT)


class MediaDownloadView(FileView):
    @extend_schema(
        parameters=[OpenApiParameter("download", bool, description="true: as an attachment, not inline.")],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file's bytes, sent with its real content type."
            ),
            (206, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The byte range asked for with a Range header."
            ),
        },
        tags=TAGS,
    )
    def get(self, request, pk):
        media = selectors.media_for_download(viewer=request.user, pk=pk)
        if media is None:
            raise Http404
        return media_response(request, media, download=flag(request.query_params, "download"))
