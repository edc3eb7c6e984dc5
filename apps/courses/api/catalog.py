"""/api/v1/categories and /api/v1/tags: the organization's course categories and tags.

Everyone in the organization reads them (with the number of courses they can see); Org Admins change them.
Tags are made by naming them on a course; here they are renamed or deleted.
"""

from django.db.models import Count, Q, Subquery
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from .. import selectors, services
from ..models import Category, Tag
from .base import ADMIN, CourseApiView
from .serializers import CategorySerializer, CategoryWriteSerializer, TagSerializer, TagWriteSerializer


def counted(queryset, viewer):
    """With `course_count`: the courses the viewer can see, not every course (drafts of others stay
    unknown)."""
    visible = selectors.visible_courses(viewer=viewer).order_by().values("pk")
    return queryset.annotate(
        course_count=Count("courses", filter=Q(courses__in=Subquery(visible)), distinct=True)
    )


class CategoryView(CourseApiView):
    serializer_class = CategorySerializer

    def categories(self):
        return counted(Category.objects.all(), self.request.user)

    def get_category(self):
        category = self.categories().filter(pk=self.kwargs["pk"]).first()
        if category is None:
            raise Http404
        return category

    def fresh(self, category, status_code: int = 200) -> Response:
        return self.one(self.categories().get(pk=category.pk), status=status_code)


class CategoryListView(CategoryView):
    access = {"POST": ADMIN}
    filter_fields = {"name": ["eq", "like", "ilike"], "slug": ["eq", "in"]}
    sort_fields = ["name", "slug", "created_at", "course_count"]
    default_sort = ["name"]

    @extend_schema(responses={200: CategorySerializer(many=True)}, tags=["categories"])
    def get(self, request):
        return self.listing(self.categories())

    @extend_schema(request=CategoryWriteSerializer, responses={201: CategorySerializer}, tags=["categories"])
    def post(self, request):
        category = services.category_create(actor=request.user, **self.valid(CategoryWriteSerializer))
        return self.fresh(category, status.HTTP_201_CREATED)


class CategoryDetailView(CategoryView):
    access = {"PUT": ADMIN, "PATCH": ADMIN, "DELETE": ADMIN}

    @extend_schema(responses={200: CategorySerializer}, tags=["categories"])
    def get(self, request, pk):
        return self.one(self.get_category())

    @extend_schema(request=CategoryWriteSerializer, responses={200: CategorySerializer}, tags=["categories"])
    def put(self, request, pk):
        category = self.get_category()
        services.category_update(actor=request.user, category=category, **self.valid(CategoryWriteSerializer))
        return self.fresh(category)

    @extend_schema(request=CategoryWriteSerializer, responses={200: CategorySerializer}, tags=["categories"])
    def patch(self, request, pk):
        return self.put(request, pk)

    @extend_schema(responses={204: None}, tags=["categories"])
    def delete(self, request, pk):
        """Its courses keep existing, without a category."""
        services.category_delete(actor=request.user, category=self.get_category())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TagView(CourseApiView):
    serializer_class = TagSerializer

    def tags(self):
        return counted(Tag.objects.all(), self.request.user)

    def get_tag(self):
        tag = self.tags().filter(pk=self.kwargs["pk"]).first()
        if tag is None:
            raise Http404
        return tag


class TagListView(TagView):
    filter_fields = {"name": ["eq", "like", "ilike"]}
    sort_fields = ["name", "created_at", "course_count"]
    default_sort = ["name"]

    @extend_schema(responses={200: TagSerializer(many=True)}, tags=["tags"])
    def get(self, request):
        return self.listing(self.tags())


class TagDetailView(TagView):
    access = {"PUT": ADMIN, "PATCH": ADMIN, "DELETE": ADMIN}

    @extend_schema(responses={200: TagSerializer}, tags=["tags"])
    def get(self, request, pk):
        return self.one(self.get_tag())

    @extend_schema(request=TagWriteSerializer, responses={200: TagSerializer}, tags=["tags"])
    def put(self, request, pk):
        """Rename the tag (on every course that has it)."""
        tag = self.get_tag()
        services.tag_rename(actor=request.user, tag=tag, **self.valid(TagWriteSerializer, partial=False))
        return self.one(self.tags().get(pk=tag.pk))

    @extend_schema(request=TagWriteSerializer, responses={200: TagSerializer}, tags=["tags"])
    def patch(self, request, pk):
        return self.put(request, pk)

    @extend_schema(responses={204: None}, tags=["tags"])
    def delete(self, request, pk):
        """Take the tag off every course and delete it."""
        services.tag_delete(actor=request.user, tag=self.get_tag())
        return Response(status=status.HTTP_204_NO_CONTENT)
