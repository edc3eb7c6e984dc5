"""/api/v1/courses/{id}/modules and /api/v1/modules/{id}: a course's modules, in order.

Editors see every module; learners the modules that hold at least one published lesson (as in the outline).
"""

from django.db.models import Count, Q
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from .. import selectors, services
from ..models import Module
from .base import AUTHOR, CourseApiView
from .content import items_of
from .serializers import ContentSerializer, ModuleSerializer, ModuleWriteSerializer, OrderSerializer

TAGS = ["modules"]


def modules_of(course, *, editor: bool):
    """The course's modules with the number of lessons the viewer sees."""
    if editor:
        return Module.objects.filter(course=course).annotate(item_count=Count("items"))
    published = Q(items__published_version__isnull=False)
    return (
        Module.objects.filter(course=course)
        .annotate(item_count=Count("items", filter=published))
        .filter(item_count__gt=0)
    )


class ModuleView(CourseApiView):
    serializer_class = ModuleSerializer

    def get_module(self):
        module = selectors.module_get(viewer=self.request.user, pk=self.kwargs["pk"])
        if module is None:
            raise Http404
        module.viewer_edits = self.editor_of(module.course)
        shown = modules_of(module.course, editor=module.viewer_edits).filter(pk=module.pk).first()
        if shown is None:  # a learner, and nothing of the module is published
            raise Http404
        shown.course, shown.viewer_edits = module.course, module.viewer_edits
        return shown

    def fresh(self, module, status_code: int = 200) -> Response:
        return self.one(modules_of(module.course, editor=True).get(pk=module.pk), status=status_code)


class CourseModuleListView(ModuleView):
    access = {"POST": AUTHOR}
    filter_fields = {"title": ["eq", "like", "ilike"], "created_at": ["gt", "lt", "gte", "lte"]}
    sort_fields = ["position", "title", "created_at", "item_count"]
    default_sort = ["position"]

    @extend_schema(responses={200: ModuleSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        # The course with viewer_can_edit() as a column: one query, not the course and its lists.
        course = selectors.course_find_editable(viewer=request.user, pk=pk)
        if course is None:
            raise Http404
        return self.listing(modules_of(course, editor=course.viewer_edits))

    @extend_schema(request=ModuleWriteSerializer, responses={201: ModuleSerializer}, tags=TAGS)
    def post(self, request, pk):
        course = self.get_course()
        module = services.module_create(
            actor=request.user, course=course, **self.valid(ModuleWriteSerializer)
        )
        return self.fresh(module, status.HTTP_201_CREATED)


class ModuleDetailView(ModuleView):
    access = {"PUT": AUTHOR, "PATCH": AUTHOR, "DELETE": AUTHOR}

    @extend_schema(responses={200: ModuleSerializer}, tags=TAGS)
    def get(self, request, pk):
        # get_module() lean, for a read: the module's course with viewer_can_edit() as a column (one query,
        # not the course and its lists), then the module as the viewer sees it.
        course_id = selectors.module_course_id(pk)
        course = (
            None if course_id is None else selectors.course_find_editable(viewer=request.user, pk=course_id)
        )
        if course is None:
            raise Http404
        shown = modules_of(course, editor=course.viewer_edits).filter(pk=pk).first()
        if shown is None:  # a learner, and nothing of the module is published
            raise Http404
        shown.course, shown.viewer_edits = course, course.viewer_edits
        return self.one(shown)

    @extend_schema(request=ModuleWriteSerializer, responses={200: ModuleSerializer}, tags=TAGS)
    def put(self, request, pk):
        module = self.get_module()
        services.module_update(actor=request.user, module=module, **self.valid(ModuleWriteSerializer))
        return self.fresh(module)

    @extend_schema(request=ModuleWriteSerializer, responses={200: ModuleSerializer}, tags=TAGS)
    def patch(self, request, pk):
        return self.put(request, pk)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, pk):
        """Delete a module and its lessons (409 when learners have progress in them)."""
        services.module_delete(actor=request.user, module=self.get_module())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ModuleOrderView(ModuleView):
    """PUT /courses/{id}/modules/order: every module id of the course once, in the new order."""

    access = {"PUT": AUTHOR}
    pagination_class = None

    @extend_schema(request=OrderSerializer, responses={200: ModuleSerializer(many=True)}, tags=TAGS)
    def put(self, request, pk):
        course = self.get_course()
        services.modules_reorder(actor=request.user, course=course, **self.valid(OrderSerializer))
        modules = modules_of(course, editor=True).order_by("position", "pk")
        return Response(ModuleSerializer(modules, many=True, context=self.get_serializer_context()).data)


class ModuleItemOrderView(ModuleView):
    """PUT /modules/{id}/items/order: every lesson id of the module once, in the new order (ids of lessons of
    another module of the course move them here)."""

    access = {"PUT": AUTHOR}
    serializer_class = ContentSerializer
    pagination_class = None

    @extend_schema(request=OrderSerializer, responses={200: ContentSerializer(many=True)}, tags=TAGS)
    def put(self, request, pk):
        module = self.get_module()
        services.items_reorder(actor=request.user, module=module, **self.valid(OrderSerializer))
        items = items_of(module)
        return Response(ContentSerializer(items, many=True, context=self.get_serializer_context()).data)
