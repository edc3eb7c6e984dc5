"""/api/v1/badges, /api/v1/badge-awards and /api/v1/users/{id}/badges.

Badges: staff see the organization's badges and those of the courses they may see (drafts too); learners the
active ones. Org Admins manage the organization's badges, course editors their courses' badges; others get
403 on a badge they see, 404 on one they may not know of. Criteria are nested in the badge (`criteria`, a
list replaced as a whole when given). A PNG `image` may come as multipart/form-data.

Awards: a Teacher awards and revokes for their classes' learners, a Branch Manager for their branches', an
Org Admin for anyone; learners read their own awards and progress. API keys need the `badges` scope."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.accounts.scoped_api import AUTHOR, ScopedApiView
from apps.core.api.parsers import JSONParser
from apps.core.errors import PermissionDenied, ValidationFailed
from apps.courses import selectors as course_selectors

from ..models import Badge
from . import selectors, services
from .serializers import (
    AwardCreateSerializer,
    AwardSerializer,
    BadgeSerializer,
    BadgeWriteSerializer,
    ProgressSerializer,
    RevokeSerializer,
)

TAGS = ["badges"]
MANAGE_FORBIDDEN = "Only Org Admins manage the organization's badges; a course's badges, its editors."


class BadgeApiView(ScopedApiView):
    api_key_scope = "badges"
    serializer_class = BadgeSerializer

    def get_badge(self, pk=None) -> Badge:
        badge = selectors.badge_get(viewer=self.request.user, pk=self.kwargs["pk"] if pk is None else pk)
        if badge is None:
            raise Http404
        return badge

    def badge_row(self, pk=None) -> Badge:
        """The badge as the API answers it (get_badge's, read lean)."""
        badge = selectors.badge_row(viewer=self.request.user, pk=self.kwargs["pk"] if pk is None else pk)
        if badge is None:
            raise Http404
        return badge

    def find_badge(self) -> Badge:
        badge = selectors.badge_find(viewer=self.request.user, pk=self.kwargs["pk"])
        if badge is None:
            raise Http404
        return badge

    def managed(self) -> Badge:
        badge = self.get_badge()
        if not badge.viewer_manages:
            raise PermissionDenied(MANAGE_FORBIDDEN)
        return badge

    def fresh(self, badge, status_code: int = 200) -> Response:
        return self.one(self.badge_row(badge.pk), BadgeSerializer, status=status_code)


def _write_values(view, data: dict) -> dict:
    values = dict(data)
    values.pop("course_id", None)
    if "image" in view.request.FILES:
        values["image"] = view.request.FILES["image"]
    else:
        values.pop("image", None)
    return values


class BadgeListView(BadgeApiView):
    access = {"POST": AUTHOR}
    parser_classes = [JSONParser, MultiPartParser]
    filter_fields = {
        "status": ["eq", "in"],
        "course": ["eq", "in"],
        "criteria_mode": ["eq"],
        "created_at": ["gt", "lt", "gte", "lte"],
    }
    filter_paths = {"course": "course_id"}
    sort_fields = ["name", "created_at", "updated_at", "status", "id"]
    default_sort = ["name", "pk"]

    @extend_schema(responses={200: BadgeSerializer(many=True)}, tags=TAGS)
    def get(self, request):
        return self.listing(
            selectors.badge_rows(viewer=request.user, search=request.query_params.get("search", "")),
            prepare=selectors.badge_extras,
        )

    @extend_schema(
        request={"application/json": BadgeWriteSerializer}, responses={201: BadgeSerializer}, tags=TAGS
    )
    def post(self, request):
        """Create a badge (a draft unless `status` is active). `course_id` makes it a course's badge (its
        editors manage it); without one it is the organization's (Org Admins)."""
        data = self.valid(BadgeWriteSerializer)
        course = None
        if data.get("course_id") is not None:
            course = course_selectors.course_find(viewer=request.user, pk=data["course_id"])
            if course is None:
                raise ValidationFailed({"course_id": ["No such course."]})
        values = _write_values(self, data)
        values.pop("regenerate_image", None)
        badge = services.badge_create(actor=request.user, course=course, **values)
        return self.fresh(badge, status.HTTP_201_CREATED)


class BadgeDetailView(BadgeApiView):
    access = {"PUT": AUTHOR, "PATCH": AUTHOR, "DELETE": AUTHOR}
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(responses={200: BadgeSerializer}, tags=TAGS)
    def get(self, request, pk):
        return self.one(self.badge_row())

    @extend_schema(
        request={"application/json": BadgeWriteSerializer}, responses={200: BadgeSerializer}, tags=TAGS
    )
    def put(self, request, pk):
        """Change the badge; `status` moves it (draft -> active -> archived -> active)."""
        badge = self.managed()
        data = self.valid(BadgeWriteSerializer)
        if "course_id" in data and data["course_id"] != badge.course_id:
            raise ValidationFailed({"course_id": ["A badge stays with its course."]})
        values = _write_values(self, data)
        new_status = values.pop("status", None)
        criteria = values.pop("criteria", None)
        tags = values.pop("tags", None)
        image = values.pop("image", None)
        regenerate = values.pop("regenerate_image", False)
        if values or criteria is not None or tags is not None or image is not None or regenerate:
            services.badge_update(
                actor=request.user,
                badge=badge,
                criteria=criteria,
                tags=tags,
                image=image,
                regenerate_image=regenerate,
                **values,
            )
        if new_status:
            services.badge_set_status(actor=request.user, badge=badge, status=new_status)
        return self.fresh(badge)

    @extend_schema(
        request={"application/json": BadgeWriteSerializer(partial=True)},
        responses={200: BadgeSerializer},
        tags=TAGS,
    )
    def patch(self, request, pk):
        return self.put(request, pk)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, pk):
        """Delete a badge never awarded (409 otherwise: archive it)."""
        services.badge_delete(actor=request.user, badge=self.managed())
        return Response(status=status.HTTP_204_NO_CONTENT)


class BadgeAwardsView(BadgeApiView):
    """The badge's earners among the learners the caller may see (staff)."""

    access = {"GET": AUTHOR, "POST": AUTHOR}
    serializer_class = AwardSerializer
    filter_fields = {
        "source": ["eq"],
        "user": ["eq", "in"],
        "issued_at": ["gt", "lt", "gte", "lte"],
        "revoked_at": ["gt", "lt", "gte", "lte"],
    }
    filter_paths = {"user": "user_id"}
    sort_fields = ["issued_at", "expires_at", "id"]
    default_sort = ["-issued_at", "-pk"]

    @extend_schema(responses={200: AwardSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        badge = selectors.badge_ref(viewer=request.user, pk=pk)
        if badge is None:
            raise Http404
        return self.listing(selectors.award_rows(viewer=request.user, badge=badge))


class BadgeAwardView(BadgeApiView):
    access = {"POST": AUTHOR}
    serializer_class = AwardSerializer

    @extend_schema(request=AwardCreateSerializer, responses={201: AwardSerializer}, tags=TAGS)
    def post(self, request, pk):
        """Award the badge by hand to a learner the caller may see, with a note (409 when they hold it)."""
        badge = self.find_badge()
        data = self.valid(AwardCreateSerializer)
        user = selectors.learner_find(viewer=request.user, pk=data.pop("user_id"))
        if user is None:
            raise ValidationFailed({"user_id": ["No such learner."]})
        award = services.award_create(actor=request.user, badge=badge, user=user, **data)
        return self.one(selectors.award_get(viewer=request.user, pk=award.pk), status=status.HTTP_201_CREATED)


class BadgeProgressView(BadgeApiView):
    """Progress towards the badge: staff see the learners in their scope, a learner their own."""

    serializer_class = ProgressSerializer
    filter_fields = {"percent": ["gt", "lt", "gte", "lte"], "user": ["eq", "in"]}
    filter_paths = {"user": "user_id"}
    sort_fields = ["percent", "updated_at"]
    default_sort = ["-percent", "user__full_name", "user_id"]

    @extend_schema(responses={200: ProgressSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        return self.listing(selectors.progress_list(viewer=request.user, badge=self.find_badge()))


class AwardApiView(BadgeApiView):
    serializer_class = AwardSerializer

    def get_award(self):
        award = selectors.award_get(viewer=self.request.user, pk=self.kwargs["pk"])
        if award is None:
            raise Http404
        return award


class AwardDetailView(AwardApiView):
    @extend_schema(responses={200: AwardSerializer}, tags=TAGS)
    def get(self, request, pk):
        return self.one(self.get_award())


class AwardRevokeView(AwardApiView):
    access = {"POST": AUTHOR}

    @extend_schema(request=RevokeSerializer, responses={200: AwardSerializer}, tags=TAGS)
    def post(self, request, pk):
        """Revoke the award, with a reason (its assertion then answers 410)."""
        award = self.get_award()
        data = self.valid(RevokeSerializer)
        services.award_revoke(actor=request.user, award=award, reason=data["reason"])
        return self.one(selectors.award_get(viewer=request.user, pk=award.pk))


class UserBadgesView(AwardApiView):
    """A person's awards (revoked ones too, with their status): a learner their own, staff in scope."""

    filter_fields = {"source": ["eq"], "badge": ["eq", "in"], "issued_at": ["gt", "lt", "gte", "lte"]}
    filter_paths = {"badge": "badge_id"}
    sort_fields = ["issued_at", "expires_at", "id"]
    default_sort = ["-issued_at", "-pk"]

    @extend_schema(responses={200: AwardSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        user = selectors.learner_seen(viewer=request.user, pk=pk)
        if user is None:
            raise Http404
        return self.listing(selectors.learner_award_rows(viewer=request.user, user=user))
