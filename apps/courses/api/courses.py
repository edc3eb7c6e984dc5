"""/api/v1/courses: the courses the caller may see, their covers, and publishing.

Org Admins see every course; Branch Managers the courses of the branches they manage (drafts too); Teachers
and Students the published courses of their branches and the organization-wide ones, and Teachers also the
courses they own or co-teach. Any other id answers 404, the same as an id that does not exist.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.core.api.parsers import JSONParser
from apps.core.errors import ValidationFailed
from apps.hierarchy.models import Branch

from .. import selectors, services
from ..models import Course
from ..serving import cover_response
from .base import AUTHOR, CourseApiView, FileView
from .serializers import CourseSerializer, CourseWriteSerializer, PublishSerializer

TAGS = ["courses"]
TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no", ""}

COURSE_FILTERS = {
    "title": ["eq", "like", "ilike"],
    "slug": ["eq", "in"],
    "status": ["eq", "ne", "in", "nin"],
    "category": ["eq", "in"],
    "owner": ["eq", "in"],
    "self_enrollment": ["eq"],
    "estimated_minutes": ["eq", "gt", "lt", "gte", "lte"],
    "created_at": ["gt", "lt", "gte", "lte"],
    "updated_at": ["gt", "lt", "gte", "lte"],
    "published_at": ["gt", "lt", "gte", "lte"],
}
COURSE_SORTS = [
    "title",
    "status",
    "created_at",
    "updated_at",
    "published_at",
    "estimated_minutes",
    "enrollment_count",
    "module_count",
    "item_count",
    "category.name",
]
LIST_PARAMETERS = [
    OpenApiParameter("search", str, description="Part of the title, summary or a tag."),
    OpenApiParameter("category", str, description="A category id or slug."),
    OpenApiParameter("tag", str, description="A tag id or name."),
    OpenApiParameter(
        "branch", str, description="A branch id or code: its courses and organization-wide ones."
    ),
    OpenApiParameter("status", str, enum=list(Course.Status.values)),
    OpenApiParameter("catalog", bool, description="true: only published courses (what learners browse)."),
]


def flag(params, name: str) -> bool:
    raw = params.get(name, "").strip().lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise ValidationFailed({name: ["Use true or false."]})


class CourseView(CourseApiView):
    serializer_class = CourseSerializer

    def fresh(self, course, status_code: int = 200) -> Response:
        """The course as the caller now sees it, with its counts."""
        shown = selectors.course_list(viewer=self.request.user).filter(pk=course.pk).first()
        if shown is None:
            raise Http404
        return self.one(shown, status=status_code)


class CourseListView(CourseView):
    access = {"POST": AUTHOR}
    # Documented as JSON; a cover image may also come as multipart/form-data (field `cover`).
    parser_classes = [JSONParser, MultiPartParser]
    filter_fields = COURSE_FILTERS
    sort_fields = COURSE_SORTS
    default_sort = ["title"]

    def get_queryset(self):
        params = self.request.query_params
        status_name = params.get("status", "").strip()
        if status_name and status_name not in Course.Status.values:
            raise ValidationFailed({"status": [f"Use one of: {', '.join(Course.Status.values)}."]})
        branch = params.get("branch", "").strip()
        if branch and not branch.isdigit():
            branch = Branch.objects.filter(code__iexact=branch).values_list("pk", flat=True).first() or 0
        return selectors.course_list(
            viewer=self.request.user,
            search=params.get("search", ""),
            category=params.get("category") or None,
            tag=params.get("tag") or None,
            branch=branch or None,
            status=status_name or None,
            catalog=flag(params, "catalog"),
            # Counts are annotated only for a request that may sort on them; else they come with the lists.
            counts=any(
                "count" in key or any("count" in value for value in values) for key, values in params.lists()
            ),
        ).with_refs()

    @extend_schema(parameters=LIST_PARAMETERS, responses={200: CourseSerializer(many=True)}, tags=TAGS)
    def get(self, request):
        return self.listing(self.get_queryset())

    @extend_schema(
        request={"application/json": CourseWriteSerializer},
        responses={201: CourseSerializer},
        tags=TAGS,
    )
    def post(self, request):
        """Create a draft course. Teachers and Branch Managers make courses of their branches (all of them
        unless `branches` says which); Org Admins may leave `branches` empty for the whole organization."""
        data = self.valid(CourseWriteSerializer)
        course = services.course_create(actor=request.user, title=data.pop("title"), **data)
        return self.fresh(course, status.HTTP_201_CREATED)


class CourseDetailView(CourseView):
    access = {"PUT": AUTHOR, "PATCH": AUTHOR, "DELETE": AUTHOR}
    # Documented as JSON; a cover image may also come as multipart/form-data (field `cover`).
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(responses={200: CourseSerializer}, tags=TAGS)
    def get(self, request, pk):
        course = selectors.course_show(viewer=request.user, pk=pk)
        if course is None:
            raise Http404
        return self.one(course)

    @extend_schema(
        request={"application/json": CourseWriteSerializer},
        responses={200: CourseSerializer},
        tags=TAGS,
    )
    def put(self, request, pk):
        course = self.get_course()
        services.course_update(actor=request.user, course=course, **self.valid(CourseWriteSerializer))
        return self.fresh(course)

    @extend_schema(
        request={"application/json": CourseWriteSerializer},
        responses={200: CourseSerializer},
        tags=TAGS,
    )
    def patch(self, request, pk):
        return self.put(request, pk)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, pk):
        """Delete a course no learner has taken (409 otherwise: archive it instead)."""
        services.course_delete(actor=request.user, course=self.get_course())
        return Response(status=status.HTTP_204_NO_CONTENT)


class CoursePublishView(CourseView):
    access = {"POST": AUTHOR}

    @extend_schema(request=PublishSerializer, responses={200: CourseSerializer}, tags=TAGS)
    def post(self, request, pk):
        course = self.get_course()
        services.course_publish(actor=request.user, course=course, **self.valid(PublishSerializer))
        return self.fresh(course)


class CourseUnpublishView(CourseView):
    access = {"POST": AUTHOR}

    @extend_schema(request=None, responses={200: CourseSerializer}, tags=TAGS)
    def post(self, request, pk):
        """Back to draft: learners no longer see it; their enrollments and progress are kept."""
        course = self.get_course()
        services.course_unpublish(actor=request.user, course=course)
        return self.fresh(course)


class CourseArchiveView(CourseView):
    access = {"POST": AUTHOR}

    @extend_schema(request=None, responses={200: CourseSerializer}, tags=TAGS)
    def post(self, request, pk):
        """Out of the catalog and closed to new enrollments; enrolled learners keep their history."""
        course = self.get_course()
        services.course_archive(actor=request.user, course=course)
        return self.fresh(course)


class CourseCoverView(FileView):
    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The cover image, sent with its real type (image/*)."
            )
        },
        tags=TAGS,
    )
    def get(self, request, pk):
        course = self.get_course()
        if not course.cover:
            raise Http404
        return cover_response(request, course)
