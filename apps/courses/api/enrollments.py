"""/api/v1/courses/{id}/enrollments, /courses/{id}/enrollment-rules and /users/{id}/enrollments.

Enrollments are visible where the learner is: Org Admins see everyone's, Branch Managers those of their
branches' people, Teachers those of their classes' learners, Students their own. Teachers, Branch Managers
and Org Admins assign a course to people, classes and branches (classes and branches as rules, so people who
join later are enrolled too); anyone who can see a course that allows it enrolls themselves. Withdrawing
keeps the learner's history, and enrolling again resumes it.
"""

from django.http import Http404
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.accounts import selectors as people
from apps.core.errors import ValidationFailed

from .. import selectors, services
from .base import AUTHOR, CourseApiView
from .serializers import (
    AssignmentResultSerializer,
    EnrollmentCreateSerializer,
    EnrollmentRuleSerializer,
    EnrollmentSerializer,
    EnrollmentUpdateSerializer,
)

TAGS = ["enrollments"]

ENROLLMENT_FILTERS = {
    "status": ["eq", "ne", "in", "nin"],
    "source": ["eq", "ne", "in", "nin"],
    "user": ["eq", "in"],
    "course": ["eq", "in"],
    "due_at": ["gt", "lt", "gte", "lte"],
    "enrolled_at": ["gt", "lt", "gte", "lte"],
    "completed_at": ["gt", "lt", "gte", "lte"],
    "progress_percent": ["eq", "gt", "lt", "gte", "lte"],
}
ENROLLMENT_SORTS = [
    "enrolled_at",
    "due_at",
    "progress_percent",
    "status",
    "last_activity_at",
    "completed_at",
    "user.full_name",
    "user.email",
    "course.title",
]
TARGETS = ("users", "classes", "branches")


def lean(enrollments, *, course=None, user=None):
    """Enrollments with what EnrollmentSerializer shows of their course, learner and assigner, no more: not
    joining the `course` or the `user` all rows share (set on them by selectors.share())."""
    keep = {"course": selectors.COURSE_REF, "user": selectors.LEARNER, "assigned_by": selectors.PERSON}
    if course is not None:
        del keep["course"]
    if user is not None:
        del keep["user"]
    return selectors.only_related(enrollments, keep)


class EnrollmentView(CourseApiView):
    api_key_scope = "enrollments"
    serializer_class = EnrollmentSerializer
    filter_fields = ENROLLMENT_FILTERS
    sort_fields = ENROLLMENT_SORTS
    default_sort = ["-enrolled_at"]

    def get_enrollment(self, course, pk):
        enrollment = selectors.enrollment_get(viewer=self.request.user, course=course, pk=pk)
        if enrollment is None:
            raise Http404
        return enrollment


class CourseEnrollmentListView(EnrollmentView):
    @extend_schema(responses={200: EnrollmentSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        course = self.find_course()
        enrollments = selectors.enrollment_list(viewer=request.user, course=course)
        return self.listing(lean(enrollments, course=course), prepare=selectors.share("course", course))

    @extend_schema(
        request=EnrollmentCreateSerializer,
        responses={
            (201, "application/json"): PolymorphicProxySerializer(
                component_name="EnrollmentCreated",
                serializers=[EnrollmentSerializer, AssignmentResultSerializer],
                resource_type_field_name=None,
            ),
            (200, "application/json"): EnrollmentSerializer,
        },
        tags=TAGS,
    )
    def post(self, request, pk):
        """With `users`, `classes` or `branches`: assign the course (201 with the counts and the class and
        branch rules). With `{}` or `{"self": true}`: enroll yourself (201, or 200 when already enrolled)."""
        course = self.get_course()
        data = self.valid(EnrollmentCreateSerializer)
        targets = {key: data[key] for key in TARGETS if data.get(key)}
        if targets:
            if data.get("self"):
                raise ValidationFailed(
                    {"self": ["Enroll yourself, or name people, classes or branches: not both at once."]}
                )
            result = services.enroll_assign(
                actor=request.user, course=course, due_at=data.get("due_at"), **targets
            )
            return self.one(result, AssignmentResultSerializer, status=status.HTTP_201_CREATED)
        if data.get("self") is False:
            raise ValidationFailed({"users": ["Choose people, classes or branches to enroll."]})
        already = selectors.active_enrollment(user=request.user, course=course) is not None
        enrollment = services.enroll_self(actor=request.user, course=course)
        return self.one(
            self.get_enrollment(course, enrollment.pk),
            status=status.HTTP_200_OK if already else status.HTTP_201_CREATED,
        )


class CourseEnrollmentDetailView(EnrollmentView):
    access = {"PATCH": AUTHOR}

    @extend_schema(responses={200: EnrollmentSerializer}, tags=TAGS)
    def get(self, request, pk, enrollment_id):
        # The course bare (find_course: one query, not the course and its lists): only its visibility counts.
        return self.one(self.get_enrollment(self.find_course(), enrollment_id))

    @extend_schema(request=EnrollmentUpdateSerializer, responses={200: EnrollmentSerializer}, tags=TAGS)
    def patch(self, request, pk, enrollment_id):
        """Change the due date (null removes it)."""
        course = self.get_course()
        enrollment = self.get_enrollment(course, enrollment_id)
        data = self.valid(EnrollmentUpdateSerializer, partial=True)
        if "due_at" in data:
            services.enrollment_update(actor=request.user, enrollment=enrollment, due_at=data["due_at"])
        return self.one(self.get_enrollment(course, enrollment_id))

    @extend_schema(responses={200: EnrollmentSerializer}, tags=TAGS)
    def delete(self, request, pk, enrollment_id):
        """Withdraw the learner (learners may withdraw themselves). Their progress and completion are kept,
        and the withdrawn enrollment is answered."""
        course = self.get_course()
        enrollment = self.get_enrollment(course, enrollment_id)
        services.enrollment_withdraw(actor=request.user, enrollment=enrollment)
        return self.one(self.get_enrollment(course, enrollment_id))


class EnrollmentRuleListView(EnrollmentView):
    """The classes and branches the course is assigned to (their newcomers are enrolled too)."""

    access = {"GET": AUTHOR}
    serializer_class = EnrollmentRuleSerializer
    filter_fields = {
        "school_class": ["eq", "in"],
        "branch": ["eq", "in"],
        "due_at": ["gt", "lt", "gte", "lte"],
    }
    sort_fields = ["created_at", "due_at"]
    default_sort = ["created_at"]

    @extend_schema(responses={200: EnrollmentRuleSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        return self.listing(selectors.enrollment_rule_list(viewer=request.user, course=self.find_course()))


class EnrollmentRuleDetailView(EnrollmentView):
    access = {"DELETE": AUTHOR}
    serializer_class = EnrollmentRuleSerializer

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, pk, rule_id):
        """Stop enrolling the class's or branch's newcomers; people already enrolled stay enrolled."""
        rule = selectors.enrollment_rule_get(viewer=request.user, course=self.get_course(), pk=rule_id)
        if rule is None:
            raise Http404
        # A rule the caller knows of but may not manage (a class of their branch they do not teach): 403.
        services.enrollment_rule_delete(actor=request.user, rule=rule)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserEnrollmentListView(EnrollmentView):
    """A person's enrollments (their "my learning" when it is the caller), in the courses the caller sees."""

    @extend_schema(responses={200: EnrollmentSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        person = people.person_find(viewer=request.user, pk=pk)
        if person is None:
            raise Http404
        enrollments = selectors.enrollment_list(viewer=request.user, user=person)
        return self.listing(lean(enrollments, user=person), prepare=selectors.share("user", person))
