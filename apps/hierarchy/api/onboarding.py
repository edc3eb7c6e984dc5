"""/api/v1/onboarding: the caller's getting-started checklist (apps/hierarchy/onboarding.py), the same as on
their dashboard. Org Admins get the organization's, Branch Managers their branches'; anyone else 403.

    GET  /api/v1/onboarding           the steps with code, label, done and url, and the progress
    POST /api/v1/onboarding/dismiss   hide it from the caller's dashboard (again: no change)
    POST /api/v1/onboarding/restore   show it there again

Closed to API keys (no api_key_scope): a checklist belongs to a person, not to a service."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from apps.accounts.permissions import IsOrgMember
from apps.core.api.serializers import PlannedSerializer
from apps.core.api.views import ApiGenericView

from .. import onboarding


class HasChecklist(IsOrgMember):
    message = onboarding.NO_CHECKLIST

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and onboarding.checklist_kind(request.user) is not None


class StepSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable: branch, people, course, publish, enroll (Org Admins); "
        "class, people, class_members (Branch Managers)."
    )
    label = serializers.CharField()
    hint = serializers.CharField()
    done = serializers.BooleanField(help_text="Read from the organization's state, never set by hand.")
    url = serializers.SerializerMethodField(help_text="The page where this step is done (absolute).")
    links = serializers.SerializerMethodField()

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, step) -> str:
        return self._absolute(step.url)

    def get_links(self, step) -> list[dict[str, str]]:
        return [{"label": link.label, "url": self._absolute(link.url)} for link in step.links]


class ChecklistSerializer(PlannedSerializer):
    kind = serializers.ChoiceField(choices=[onboarding.ORGANIZATION, onboarding.BRANCH])
    done_count = serializers.IntegerField()
    total = serializers.IntegerField()
    complete = serializers.BooleanField()
    dismissed = serializers.BooleanField(help_text="Hidden from the caller's dashboard.")
    steps = StepSerializer(many=True)


class NoBodySerializer(serializers.Serializer):
    """Dismiss and restore read no body: an empty JSON object (or nothing at all) is what to send."""


class ChecklistView(ApiGenericView):
    permission_classes = [HasChecklist]
    serializer_class = ChecklistSerializer

    def no_body(self) -> None:
        """Refuse a body that is not a JSON object (400 with details); an object's keys are ignored."""
        NoBodySerializer(data=self.request.data or {}).is_valid(raise_exception=True)

    def answer(self, checklist) -> Response:
        return Response(ChecklistSerializer(checklist, context={"request": self.request}).data)


class OnboardingView(ChecklistView):
    @extend_schema(summary="The caller's getting-started checklist", tags=["onboarding"])
    def get(self, request):
        return self.answer(onboarding.onboarding_checklist(viewer=request.user))


class OnboardingDismissView(ChecklistView):
    @extend_schema(
        summary="Hide the checklist from the caller's dashboard",
        request={"application/json": OpenApiTypes.OBJECT},
        tags=["onboarding"],
    )
    def post(self, request):
        self.no_body()
        return self.answer(onboarding.onboarding_dismiss(actor=request.user))


class OnboardingRestoreView(ChecklistView):
    @extend_schema(
        summary="Show the checklist on the caller's dashboard again",
        request={"application/json": OpenApiTypes.OBJECT},
        tags=["onboarding"],
    )
    def post(self, request):
        self.no_body()
        return self.answer(onboarding.onboarding_restore(actor=request.user))
