"""/api/v1/assessments: quizzes, their slots and their overrides.

Learners see the quizzes of their courses' published quiz lessons (the summary fields, and on one quiz the
window, time limit and attempts that apply to them: `effective`); editors of a course see its quizzes with
every setting, and manage their slots and overrides. Ids outside the caller's scope answer 404; a quiz the
caller sees but may not manage answers 403 for its slots and overrides. API keys need the `assessments`
scope."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.accounts.scoped_api import AUTHOR, ScopedApiView
from apps.core.errors import PermissionDenied, ValidationFailed
from apps.courses import selectors as course_selectors
from apps.courses.models import Tag

from ..bank import selectors as bank_selectors
from ..models import QuestionVersion
from . import selectors, services
from .serializers import (
    AssessmentCreateSerializer,
    AssessmentReplaceSerializer,
    AssessmentSerializer,
    OverrideSerializer,
    OverrideWriteSerializer,
    SettingsSerializer,
    SlotCreateSerializer,
    SlotOrderSerializer,
    SlotSerializer,
    SlotUpdateSerializer,
)

TAGS = ["assessments"]
MANAGE_FORBIDDEN = "Only this course's teachers, its branches' managers and Org Admins may manage this quiz."


class QuizApiView(ScopedApiView):
    api_key_scope = "assessments"
    serializer_class = AssessmentSerializer

    def get_assessment(self, pk=None):
        """The quiz with `viewer_edits`, its lesson and course (no counts: selectors.assessment_ref)."""
        assessment = selectors.assessment_ref(
            viewer=self.request.user, pk=self.kwargs["pk"] if pk is None else pk
        )
        if assessment is None:
            raise Http404
        return assessment

    def managed(self):
        """The quiz, for its editors (403 for one the caller sees but may not manage)."""
        assessment = self.get_assessment()
        if not assessment.viewer_edits:
            raise PermissionDenied(MANAGE_FORBIDDEN)
        return assessment

    def detail(self, assessment, status_code: int = 200) -> Response:
        return self.shown(assessment.pk, status_code)

    def shown(self, pk, status_code: int = 200) -> Response:
        """The quiz as the serializer reads it (selectors.assessment_row), with the caller's `effective`."""
        fresh = selectors.assessment_row(viewer=self.request.user, pk=pk)
        if fresh is None:
            raise Http404
        fresh.effective = selectors.effective_settings(fresh, self.request.user)
        return self.one(fresh, AssessmentSerializer, status=status_code)


class AssessmentListView(QuizApiView):
    access = {"POST": AUTHOR}
    filter_fields = {
        "course": ["eq", "in"],
        "grade_method": ["eq", "in"],
        "behaviour": ["eq", "in"],
        "open_at": ["gt", "lt", "gte", "lte"],
        "close_at": ["gt", "lt", "gte", "lte"],
        "created_at": ["gt", "lt", "gte", "lte"],
        "updated_at": ["gt", "lt", "gte", "lte"],
    }
    filter_paths = {"course": "course_id"}
    sort_fields = ["created_at", "updated_at", "open_at", "close_at", "id"]
    default_sort = ["course_id", "item__module__position", "item__position", "pk"]

    @extend_schema(responses={200: AssessmentSerializer(many=True)}, tags=TAGS)
    def get(self, request):
        return self.listing(selectors.assessment_rows(viewer=request.user))

    @extend_schema(request=AssessmentCreateSerializer, responses={201: AssessmentSerializer}, tags=TAGS)
    def post(self, request):
        """Create a quiz (and its lesson, at the end of `module_id`) with its settings."""
        data = self.valid(AssessmentCreateSerializer)
        module = course_selectors.module_get(viewer=request.user, pk=data.pop("module_id"))
        if module is None:
            raise ValidationFailed({"module_id": ["No such module."]})
        assessment = services.assessment_create(
            actor=request.user, module=module, title=data.pop("title"), publish=data.pop("publish"), **data
        )
        return self.detail(assessment, status.HTTP_201_CREATED)


class AssessmentDetailView(QuizApiView):
    access = {"PUT": AUTHOR, "PATCH": AUTHOR, "DELETE": AUTHOR}

    @extend_schema(responses={200: AssessmentSerializer}, tags=TAGS)
    def get(self, request, pk):
        return self.shown(pk)

    @extend_schema(request=AssessmentReplaceSerializer, responses={200: AssessmentSerializer}, tags=TAGS)
    def put(self, request, pk):
        assessment = self.managed()
        serializer = AssessmentReplaceSerializer if request.method == "PUT" else SettingsSerializer
        data = self.valid(serializer)
        services.assessment_update(actor=request.user, assessment=assessment, **data)
        return self.detail(assessment)

    @extend_schema(request=SettingsSerializer, responses={200: AssessmentSerializer}, tags=TAGS)
    def patch(self, request, pk):
        return self.put(request, pk)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, pk):
        """Delete the quiz and its lesson (409 once learners have attempted it or have progress on it)."""
        services.assessment_delete(actor=request.user, assessment=self.managed())
        return Response(status=status.HTTP_204_NO_CONTENT)


def _slots(assessment):
    return selectors.slot_rows(assessment=assessment)


class SlotListView(QuizApiView):
    access = {"GET": AUTHOR, "POST": AUTHOR}
    serializer_class = SlotSerializer
    pagination_class = None

    @extend_schema(responses={200: SlotSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        assessment = self.managed()
        return Response(
            SlotSerializer(_slots(assessment), many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(request=SlotCreateSerializer, responses={201: SlotSerializer(many=True)}, tags=TAGS)
    def post(self, request, pk):
        """Add a question of the bank, or `count` random slots of a category (422 when it holds fewer
        eligible questions). Answers with the slots added."""
        assessment = self.managed()
        data = self.valid(SlotCreateSerializer)
        if "question_id" in data:
            question = bank_selectors.question_get(viewer=request.user, pk=data["question_id"])
            if question is None:
                raise ValidationFailed({"question_id": ["No such question."]})
            created = [
                services.slot_add_question(
                    actor=request.user,
                    assessment=assessment,
                    question=question,
                    mark=data.get("mark"),
                    page=data.get("page"),
                )
            ]
        else:
            category = bank_selectors.category_get(viewer=request.user, pk=data["category_id"])
            if category is None:
                raise ValidationFailed({"category_id": ["No such category."]})
            tag = None
            if data.get("tag"):
                value = data["tag"].strip()
                tag = (
                    Tag.objects.filter(pk=value).first()
                    if value.isdigit()
                    else Tag.objects.filter(name__iexact=value).first()
                )
                if tag is None:
                    raise ValidationFailed({"tag": ["No such tag."]})
            created = services.slot_add_random(
                actor=request.user,
                assessment=assessment,
                category=category,
                count=data["count"],
                subcategories=data["subcategories"],
                tag=tag,
                mark=data.get("mark"),
            )
        ids = [slot.pk for slot in created]
        rows = _slots(assessment).filter(pk__in=ids)
        return Response(
            SlotSerializer(rows, many=True, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class SlotDetailView(QuizApiView):
    access = {"GET": AUTHOR, "PATCH": AUTHOR, "DELETE": AUTHOR}
    serializer_class = SlotSerializer

    def get_slot(self):
        assessment = self.managed()
        slot = selectors.slot_get(assessment=assessment, pk=self.kwargs["slot_pk"])
        if slot is None:
            raise Http404
        slot.assessment = assessment
        return slot

    @extend_schema(responses={200: SlotSerializer}, tags=TAGS)
    def get(self, request, pk, slot_pk):
        slot = selectors.slot_row(assessment=self.managed(), pk=slot_pk)
        if slot is None:
            raise Http404
        return self.one(slot, SlotSerializer)

    @extend_schema(request=SlotUpdateSerializer, responses={200: SlotSerializer}, tags=TAGS)
    def patch(self, request, pk, slot_pk):
        """Change the mark (always), the page or the pinned version (not once learners have attempted)."""
        slot = self.get_slot()
        data = self.valid(SlotUpdateSerializer)
        if "question_version" in data and data["question_version"] is not None:
            version = QuestionVersion.objects.filter(
                question_id=slot.question_id, number=data["question_version"]
            ).first()
            if slot.question_id is None or version is None:
                raise ValidationFailed({"question_version": ["No such version of this question."]})
            data["question_version"] = version
        services.slot_update(actor=request.user, slot=slot, **data)
        return self.one(selectors.slot_row(assessment=slot.assessment, pk=slot.pk), SlotSerializer)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, pk, slot_pk):
        services.slot_remove(actor=request.user, slot=self.get_slot())
        return Response(status=status.HTTP_204_NO_CONTENT)


class SlotOrderView(QuizApiView):
    """POST /assessments/{id}/slots/order: every slot id once, in the new order (pages stay by position)."""

    access = {"POST": AUTHOR}
    serializer_class = SlotSerializer
    pagination_class = None

    @extend_schema(request=SlotOrderSerializer, responses={200: SlotSerializer(many=True)}, tags=TAGS)
    def post(self, request, pk):
        assessment = self.managed()
        services.slots_reorder(actor=request.user, assessment=assessment, **self.valid(SlotOrderSerializer))
        return Response(
            SlotSerializer(_slots(assessment), many=True, context=self.get_serializer_context()).data
        )


class OverrideListView(QuizApiView):
    access = {"GET": AUTHOR, "POST": AUTHOR}
    serializer_class = OverrideSerializer
    sort_fields = ["created_at", "id"]
    default_sort = ["school_class_id", "user_id", "pk"]

    @extend_schema(responses={200: OverrideSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        return self.listing(selectors.override_rows(assessment=self.managed()))

    @extend_schema(request=OverrideWriteSerializer, responses={201: OverrideSerializer}, tags=TAGS)
    def post(self, request, pk):
        """A person's (`user_id`) or a class's (`school_class_id`) own window, time limit (0: none) and
        attempts (0: unlimited); 409 when they already have one."""
        assessment = self.managed()
        data = self.valid(OverrideWriteSerializer)
        user, school_class = data.pop("user_id", None), data.pop("school_class_id", None)
        override = services.override_create(
            actor=request.user, assessment=assessment, user=user, school_class=school_class, **data
        )
        return self.one(selectors.override_row(assessment=assessment, pk=override.pk), status=201)


class OverrideDetailView(QuizApiView):
    access = {"GET": AUTHOR, "PATCH": AUTHOR, "DELETE": AUTHOR}
    serializer_class = OverrideSerializer

    def get_override(self):
        assessment = self.managed()
        override = selectors.override_get(assessment=assessment, pk=self.kwargs["override_pk"])
        if override is None:
            raise Http404
        override.assessment = assessment
        return override

    @extend_schema(responses={200: OverrideSerializer}, tags=TAGS)
    def get(self, request, pk, override_pk):
        override = selectors.override_row(assessment=self.managed(), pk=override_pk)
        if override is None:
            raise Http404
        return self.one(override)

    @extend_schema(request=OverrideWriteSerializer, responses={200: OverrideSerializer}, tags=TAGS)
    def patch(self, request, pk, override_pk):
        override = self.get_override()
        data = self.valid(OverrideWriteSerializer)
        if "user_id" in data or "school_class_id" in data:
            raise ValidationFailed(
                {"user_id": ["An override's person or class cannot change: add a new one."]}
            )
        services.override_update(actor=request.user, override=override, **data)
        return self.one(selectors.override_row(assessment=override.assessment, pk=override.pk))

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, pk, override_pk):
        services.override_delete(actor=request.user, override=self.get_override())
        return Response(status=status.HTTP_204_NO_CONTENT)
