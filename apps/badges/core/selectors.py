"""Reads on badges, always scoped by the viewer (apps.accounts.permissions decides the roles):

- Org Admins: every badge; they manage the organization's badges (no course) and every course's.
- Teachers and Branch Managers: the organization's badges and those of the courses they may see; they manage
  the badges of the courses they edit (apps.courses.permissions.can_edit).
- Learners: the active badges, the organization's and those of the courses they may see.

Awards and progress are read for the learners the viewer may see (visible_people: a Teacher their classes,
a Branch Manager their branches, everyone themselves). A badge, award or learner outside that answers None
here, so pages and the API answer 404, as for one that does not exist.
"""

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.permissions import scope_of
from apps.accounts.selectors import person_find, visible_people
from apps.courses.selectors import course_list_editable, visible_courses

from ..models import Badge, BadgeAward, BadgeCriterion, BadgeProgress


def _digits(pk) -> bool:
    return str(pk).isdigit() and len(str(pk)) < 19


def _criteria_prefetch():
    """The badges' criteria with their courses, quizzes and categories, and `badge_ids` (the badges a
    "badges" criterion requires) as a column: one query for a whole page of badges."""
    return Prefetch(
        "criteria",
        queryset=BadgeCriterion.objects.select_related("course", "assessment__item", "category").annotate(
            badge_ids=ArrayAgg(
                "required_badges__id",
                filter=Q(required_badges__isnull=False),
                default=Value([]),
                order_by="required_badges__id",
            )
        ),
    )


def _manages(viewer):
    """Whether the viewer manages each badge, as an annotation: Org Admins all; course editors their
    courses' badges; nobody else."""
    scope = scope_of(viewer)
    if scope.is_org_admin:
        return Value(True, output_field=BooleanField())
    if not scope.can_author():
        return Value(False, output_field=BooleanField())
    return Exists(course_list_editable(viewer=viewer).filter(pk=OuterRef("course_id")))


def _visible(viewer) -> QuerySet[Badge]:
    scope = scope_of(viewer)
    queryset = Badge.objects.all()
    if not scope.is_org_admin:
        queryset = queryset.filter(
            Q(course__isnull=True) | Q(course_id__in=visible_courses(viewer=viewer).values("pk"))
        )
        if not scope.can_author():
            queryset = queryset.filter(status=Badge.Status.ACTIVE)
    return queryset


def badge_find(*, viewer, pk) -> Badge | None:
    """The badge if the viewer may know of it, bare (no criteria, counts or tags): for reads of its rows."""
    return _visible(viewer).filter(pk=pk).first() if _digits(pk) else None


def badge_list(*, viewer, status: str | None = None, course=None, search: str = "") -> QuerySet[Badge]:
    """The badges the viewer may know of, each with `viewer_manages`, `award_count` (unrevoked awards),
    `tag_names` and its criteria (with `badge_ids`), in two queries for a page."""
    queryset = _visible(viewer)
    if status:
        queryset = queryset.filter(status=status)
    if course is not None:
        queryset = queryset.filter(course=course)
    search = (search or "").strip()
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(description__icontains=search))
    awarded = (
        BadgeAward.objects.filter(badge=OuterRef("pk"), revoked_at__isnull=True)
        .order_by()
        .values("badge_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        queryset.select_related("course")
        .annotate(
            viewer_manages=_manages(viewer),
            award_count=Coalesce(Subquery(awarded, output_field=IntegerField()), Value(0)),
            tag_names=ArrayAgg(
                "tags__name", filter=Q(tags__isnull=False), default=Value([]), order_by="tags__name"
            ),
        )
        .prefetch_related(_criteria_prefetch())
    )


def badge_get(*, viewer, pk) -> Badge | None:
    return badge_list(viewer=viewer).filter(pk=pk).first() if _digits(pk) else None


def badges_for_awarding(*, viewer) -> QuerySet[Badge]:
    """The active badges the viewer may award by hand (staff only): every badge they see."""
    if not scope_of(viewer).can_author():
        return Badge.objects.none()
    return badge_list(viewer=viewer, status=Badge.Status.ACTIVE)


def _learners(viewer) -> Q:
    scope = scope_of(viewer)
    if scope.is_org_admin:
        return Q()
    if not scope.managed_branch_ids and not scope.teaching_class_ids:
        return Q(user_id=scope.user_id or 0)
    return Q(user_id__in=visible_people(viewer=viewer).values("pk"))


def award_list(*, viewer, badge=None, user=None, include_revoked: bool = True) -> QuerySet[BadgeAward]:
    """Awards of the learners the viewer may see (themselves at least)."""
    queryset = BadgeAward.objects.filter(_learners(viewer))
    if badge is not None:
        queryset = queryset.filter(badge=badge)
    if user is not None:
        queryset = queryset.filter(user=user)
    if not include_revoked:
        queryset = queryset.filter(revoked_at__isnull=True)
    return queryset.select_related("badge", "user", "awarded_by", "revoked_by")


def award_get(*, viewer, pk) -> BadgeAward | None:
    return award_list(viewer=viewer).filter(pk=pk).first() if _digits(pk) else None


def award_by_uid(*, uid) -> BadgeAward | None:
    return BadgeAward.objects.select_related("badge", "user").filter(uid=uid).first()


def learner_find(*, viewer, pk):
    return person_find(viewer=viewer, pk=pk)


def progress_list(*, viewer, badge) -> QuerySet[BadgeProgress]:
    """Progress towards `badge` of the learners the viewer may see (a learner: their own)."""
    return (
        BadgeProgress.objects.filter(_learners(viewer), badge=badge)
        .select_related("user")
        .order_by("-percent", "user__full_name", "user_id")
    )


def learner_awards(*, viewer, user) -> QuerySet[BadgeAward]:
    """`user`'s awards (revoked ones too, marked) when the viewer may see `user`."""
    return award_list(viewer=viewer, user=user).order_by("-issued_at", "-pk")


def learner_progress(*, viewer) -> QuerySet[Badge]:
    """The active badges the learner can still earn by themselves (not held, not manual only), each with
    `percent`, their progress (0 until an event counted something): what "My achievements" bars."""
    held = BadgeAward.objects.filter(user=viewer, badge=OuterRef("pk"))
    automatic = BadgeCriterion.objects.filter(badge=OuterRef("pk")).exclude(kind=BadgeCriterion.Kind.MANUAL)
    percent = BadgeProgress.objects.filter(user=viewer, badge=OuterRef("pk")).values("percent")[:1]
    return (
        _visible(viewer)
        .filter(status=Badge.Status.ACTIVE)
        .exclude(Exists(held))
        .filter(Exists(automatic))
        .annotate(percent=Coalesce(Subquery(percent, output_field=IntegerField()), Value(0)))
        .order_by("-percent", "name", "pk")
    )


def award_status(award: BadgeAward) -> str:
    if award.revoked_at is not None:
        return "revoked"
    if award.expires_at is not None and award.expires_at <= timezone.now():
        return "expired"
    return "active"
