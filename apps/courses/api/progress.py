"""Progress: the caller's own on a lesson (/content/{id}/progress), per learner on a course
(/courses/{id}/progress), a course's analytics, and a person's lesson progress (/users/{id}/progress).

Learner data is visible where the learner is (as enrollments are): a Student sees only their own.
"""

from dataclasses import asdict

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema

from apps.accounts import selectors as people

from .. import selectors, services
from ..models import Enrollment, ItemProgress
from .base import AUTHOR, CourseApiView
from .courses import flag
from .serializers import (
    CourseAnalyticsSerializer,
    CourseProgressRowSerializer,
    ItemProgressSerializer,
    MyItemProgressSerializer,
    ProgressWriteSerializer,
)

TAGS = ["progress"]


def with_time_spent(enrollments):
    return enrollments.annotate(time_spent_seconds=selectors.time_spent())


def my_progress(item, user, progress=None, enrollment=None) -> dict:
    if progress is None:
        progress = ItemProgress.objects.filter(user=user, item=item).first()
    if enrollment is None:
        enrollment = Enrollment.objects.filter(user=user, course_id=item.course_id).first()
    return {
        "item": item.pk,
        "course": item.course_id,
        "started": progress is not None,
        "completed": bool(progress and progress.completed_at),
        "completed_at": progress.completed_at if progress else None,
        "time_spent_seconds": progress.time_spent_seconds if progress else 0,
        "position_seconds": progress.last_position_seconds if progress else 0,
        "updated_at": progress.updated_at if progress else None,
        "enrollment": enrollment,
    }


class ProgressView(CourseApiView):
    api_key_scope = "enrollments"


class CourseProgressView(ProgressView):
    """One row per enrollment the caller may see: where each learner stands in the course."""

    serializer_class = CourseProgressRowSerializer
    filter_fields = {
        "status": ["eq", "ne", "in", "nin"],
        "user": ["eq", "in"],
        "progress_percent": ["eq", "gt", "lt", "gte", "lte"],
        "due_at": ["gt", "lt", "gte", "lte"],
        "last_activity_at": ["gt", "lt", "gte", "lte"],
    }
    sort_fields = [
        "progress_percent",
        "time_spent_seconds",
        "last_activity_at",
        "due_at",
        "completed_at",
        "status",
        "user.full_name",
        "user.email",
    ]
    default_sort = ["user__full_name", "user__email"]

    @extend_schema(responses={200: CourseProgressRowSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        course = self.find_course()
        enrollments = selectors.enrollment_list(viewer=request.user, course=course)
        return self.listing(with_time_spent(selectors.only_related(enrollments, {"user": selectors.LEARNER})))


class CourseAnalyticsView(ProgressView):
    """Enrollment counts, completion rate, average progress and time spent of the learners the caller may
    see, overall and by the branch and class in which they learn."""

    access = {"GET": AUTHOR}
    serializer_class = CourseAnalyticsSerializer
    pagination_class = None

    @extend_schema(responses={200: CourseAnalyticsSerializer}, tags=TAGS)
    def get(self, request, pk):
        course = self.get_course()
        return self.one(asdict(selectors.course_analytics(viewer=request.user, course=course)))


class ContentProgressView(ProgressView):
    """The caller's own progress on a lesson. PUT (or POST) records it: `completed` is a state, not a toggle,
    and `time_spent_seconds` the total so far, so sending the same thing twice changes nothing. A lesson whose
    `completion` is "external" (a quiz) is completed by what decides it: `completed` is refused for it (409)."""

    serializer_class = MyItemProgressSerializer
    pagination_class = None

    @extend_schema(responses={200: MyItemProgressSerializer}, tags=TAGS)
    def get(self, request, pk):
        return self.one(my_progress(self.find_item(), request.user))

    @extend_schema(request=ProgressWriteSerializer, responses={200: MyItemProgressSerializer}, tags=TAGS)
    def put(self, request, pk):
        item = self.get_item()
        data = self.valid(ProgressWriteSerializer, partial=False)
        result = services.progress_record(actor=request.user, item=item, **data)
        return self.one(my_progress(item, request.user, result.progress, result.enrollment))

    @extend_schema(request=ProgressWriteSerializer, responses={200: MyItemProgressSerializer}, tags=TAGS)
    def post(self, request, pk):
        return self.put(request, pk)


class UserProgressView(ProgressView):
    """A person's progress on each lesson they have opened, in the courses the caller sees."""

    serializer_class = ItemProgressSerializer
    filter_fields = {
        "course": ["eq", "in"],
        "item": ["eq", "in"],
        "completed_at": ["gt", "lt", "gte", "lte"],
        "updated_at": ["gt", "lt", "gte", "lte"],
    }
    sort_fields = ["updated_at", "started_at", "completed_at", "time_spent_seconds"]
    default_sort = ["course_id", "item__position", "item_id"]

    @extend_schema(
        parameters=[
            OpenApiParameter("completed", bool, description="true: completed lessons; false: the rest.")
        ],
        responses={200: ItemProgressSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request, pk):
        person = people.person_find(viewer=request.user, pk=pk)
        if person is None:
            raise Http404
        # Every row is the person's: theirs is set on each (selectors.share), not joined.
        queryset = selectors.progress_page(viewer=request.user, user=person)
        if request.query_params.get("completed", "").strip():
            queryset = queryset.filter(completed_at__isnull=not flag(request.query_params, "completed"))
        return self.listing(queryset, prepare=selectors.share("user", person))
