"""/api/v1/content and /api/v1/courses/{id}/content: lessons, as the caller may see them.

Editors of a course (its owner and co-teachers, the managers of all its branches, Org Admins) see every
lesson at its latest version, with the numbers of the latest and the published version. Everyone else who
can see the course sees its published lessons at their published version; other ids answer 404.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.core.errors import ValidationFailed

from .. import selectors, services
from ..models import ContentItem, Module
from .base import AUTHOR, CourseApiView, show
from .courses import flag
from .serializers import (
    ContentCreateSerializer,
    ContentSerializer,
    ContentUpdateSerializer,
    CourseContentCreateSerializer,
    OutlineModuleSerializer,
    kind_data_errors,
)

TAGS = ["content"]

CONTENT_FILTERS = {
    "course": ["eq", "in"],
    "module": ["eq", "in"],
    "kind": ["eq", "ne", "in", "nin"],
    "title": ["eq", "like", "ilike"],
    "created_at": ["gt", "lt", "gte", "lte"],
    "updated_at": ["gt", "lt", "gte", "lte"],
}
# A lesson's title is the one the caller is shown (selectors.content_list: learners its published version's),
# so neither a filter nor a sort on it can tell a learner anything about a draft.
CONTENT_PATHS = {"title": "shown_title"}


def with_versions(queryset):
    """Items with both versions and their files (mark() reads what deciding who edits a course needs)."""
    return queryset.select_related(
        "module",
        "course",
        "latest_version",
        "latest_version__media",
        "published_version",
        "published_version__media",
    )


def create_content(view, module: Module, data: dict) -> Response:
    """Add a lesson through the same service as the lesson editor (services.lesson_save)."""
    kind, publish = data.pop("kind"), data.pop("publish", False)
    saved = services.lesson_save(
        actor=view.request.user, module=module, kind=kind, values=data, publish=publish
    )
    return view.fresh(saved.item, status.HTTP_201_CREATED)


class ContentView(CourseApiView):
    serializer_class = ContentSerializer

    def get_item(self, pk=None):
        item = super().get_item(pk)
        return show(item, editor=self.editor_of(item.course))

    def fresh(self, item, status_code: int = 200) -> Response:
        return self.one(self.get_item(item.pk), status=status_code)

    def mark(self, items) -> None:
        """Decide once per course whether the viewer edits it, then what each item shows."""
        courses = {item.course_id: item.course for item in items}
        # Their co-teachers and branches, for all the page's courses in one query.
        selectors.attach_course_lists(list(courses.values()))
        editable: dict[int, bool] = {}
        for item in items:
            item.course = courses[item.course_id]
            if item.course_id not in editable:
                editable[item.course_id] = self.editor_of(item.course)
            show(item, editor=editable[item.course_id])


class CourseContentView(ContentView):
    """The course's outline: its modules in order, each with its lessons in order, as the caller sees them
    (`as_learner=true` shows an editor what learners see), with the caller's own progress on each lesson."""

    access = {"POST": AUTHOR}
    serializer_class = OutlineModuleSerializer
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "as_learner", bool, description="Editors: see what learners see (published only)."
            )
        ],
        responses={200: OutlineModuleSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request, pk):
        course = self.get_course()
        editor = self.editor_of(course)
        as_learner = not editor or flag(request.query_params, "as_learner")
        outline = selectors.course_outline(course=course, viewer=request.user, as_learner=as_learner)
        for module in outline:
            for item in module.items.all():
                item.viewer_edits = not as_learner
        context = {
            **self.get_serializer_context(),
            "progress": selectors.progress_by_item(user=request.user, course=course),
        }
        return Response(OutlineModuleSerializer(outline, many=True, context=context).data)

    @extend_schema(request=CourseContentCreateSerializer, responses={201: ContentSerializer}, tags=TAGS)
    def post(self, request, pk):
        """Add a lesson to the course: to `module`, or to its last module when left out."""
        course = self.get_course()
        data = self.valid(CourseContentCreateSerializer)
        modules = Module.objects.filter(course=course)
        if "module" in data:
            module = modules.filter(pk=data.pop("module")).first()
            if module is None:
                raise ValidationFailed({"module": ["No such module in this course."]})
        else:
            module = modules.order_by("-position", "-pk").first()
            if module is None:
                raise ValidationFailed({"module": ["Add a module to the course first."]})
        module.course = course
        return create_content(self, module, data)

    def fresh(self, item, status_code: int = 200) -> Response:
        return self.one(super().get_item(item.pk), ContentSerializer, status=status_code)


class ContentListView(ContentView):
    access = {"POST": AUTHOR}
    filter_fields = CONTENT_FILTERS
    filter_paths = CONTENT_PATHS
    sort_fields = ["title", "kind", "position", "created_at", "updated_at"]
    default_sort = ["course_id", "module__position", "module_id", "position"]

    @extend_schema(responses={200: ContentSerializer(many=True)}, tags=TAGS)
    def get(self, request):
        # The shown title only serves a filter or a sort on it (a query string that never names it needs none).
        titles = any(
            "title" in key or any("title" in value for value in values)
            for key, values in request.query_params.lists()
        )
        return self.listing(
            selectors.content_page(viewer=request.user, titles=titles),
            prepare=selectors.attach_shown_versions,
        )

    @extend_schema(request=ContentCreateSerializer, responses={201: ContentSerializer}, tags=TAGS)
    def post(self, request):
        data = self.valid(ContentCreateSerializer)
        module = selectors.module_get(viewer=request.user, pk=data.pop("module"))
        if module is None:
            raise ValidationFailed({"module": ["No such module."]})
        return create_content(self, module, data)


class ContentDetailView(ContentView):
    access = {"PUT": AUTHOR, "PATCH": AUTHOR, "DELETE": AUTHOR}

    @extend_schema(responses={200: ContentSerializer}, tags=TAGS)
    def get(self, request, pk):
        item = selectors.content_show(viewer=request.user, pk=pk)
        if item is None:
            raise Http404
        return self.one(item)

    @extend_schema(request=ContentUpdateSerializer, responses={200: ContentSerializer}, tags=TAGS)
    def put(self, request, pk):
        """Save the lesson: changed content makes a new (unpublished) version; `module` and `position` move
        it."""
        item = self.get_item()
        data = self.valid(ContentUpdateSerializer)
        errors = kind_data_errors(item.kind, data.get("data"))
        if errors:
            raise ValidationFailed(errors)
        publish = data.pop("publish", False)
        services.lesson_save(actor=request.user, item=item, values=data, publish=publish)
        return self.fresh(item)

    @extend_schema(request=ContentUpdateSerializer, responses={200: ContentSerializer}, tags=TAGS)
    def patch(self, request, pk):
        return self.put(request, pk)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, pk):
        """Delete a lesson no learner has progress on (409 otherwise: unpublish it instead)."""
        services.content_delete(actor=request.user, item=self.get_item())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ContentUnpublishView(ContentView):
    access = {"POST": AUTHOR}

    @extend_schema(request=None, responses={200: ContentSerializer}, tags=TAGS)
    def post(self, request, pk):
        """Hide the lesson from learners (their progress on it is kept)."""
        item = self.get_item()
        services.content_unpublish(actor=request.user, item=item)
        return self.fresh(item)


def items_of(module) -> list[ContentItem]:
    return [
        show(item, editor=True)
        for item in with_versions(ContentItem.objects.filter(module=module)).order_by("position", "pk")
    ]
