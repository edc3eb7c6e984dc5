"""Reads on badges, always scoped by the viewer (apps.accounts.permissions decides the roles):

- Org Admins: every badge; they manage the organization's badges (no course) and every course's.
- Teachers and Branch Managers: the organization's badges and those of the courses they may see; they manage
  the badges of the courses they edit (apps.courses.permissions.can_edit).
- Learners: the active badges, the organization's and those of the courses they may see.

Awards and progress are read for the learners the viewer may see (visible_people: a Teacher their classes,
a Branch Manager their branches, everyone themselves). A badge, award or learner outside that answers None
here, so pages and the API answer 404, as for one that does not exist.
"""

import functools

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
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


def _one(queryset):
    """The one row of a queryset filtered on a unique key, or None (first() without its ORDER BY)."""
    return next(iter(queryset.order_by()[:1]), None)


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
    return _one(_visible(viewer).filter(pk=pk)) if _digits(pk) else None


def badge_ref(*, viewer, pk) -> Badge | None:
    """badge_find's badge with only what the API's award lists read of it (BadgeRefSerializer: uid, name,
    status, image): any other field would cost a query."""
    return _one(_visible(viewer).filter(pk=pk).only(*_BADGE_REF)) if _digits(pk) else None


_BADGE_REF = ("uid", "name", "status", "image")


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
    return _one(badge_list(viewer=viewer).filter(pk=pk)) if _digits(pk) else None


def badge_rows(*, viewer, search: str = "") -> QuerySet[Badge]:
    """badge_list's badges (the same scope and search), each with `viewer_manages` only: the API lists
    these and completes the page with `badge_extras` (one query for the page, nothing compiled for it)."""
    queryset = _visible(viewer)
    search = (search or "").strip()
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return queryset.annotate(viewer_manages=_manages(viewer))


def badge_row(*, viewer, pk) -> Badge | None:
    """badge_get's badge, read as the API answers it (`badge_rows` completed by `badge_extras`)."""
    badge = _one(badge_rows(viewer=viewer).filter(pk=pk)) if _digits(pk) else None
    if badge is not None:
        badge_extras([badge])
    return badge


@functools.cache
def _extras_sql() -> tuple[str, list[str]]:
    """The SQL of `badge_extras` (built once from the models' tables and columns) and the criterion's
    concrete fields in the order it reads them. One row per badge and criterion (a badge without criteria:
    one row, its criterion's columns null), in the badges' then the criteria's order."""
    q = connection.ops.quote_name
    tags, required = Badge.tags.field, BadgeCriterion.required_badges.field
    tag = tags.related_model._meta
    fields = list(BadgeCriterion._meta.concrete_fields)
    badge_pk, criterion_pk = q(Badge._meta.pk.column), q(BadgeCriterion._meta.pk.column)
    award_badge = q(BadgeAward._meta.get_field("badge").column)
    award_revoked = q(BadgeAward._meta.get_field("revoked_at").column)
    criterion_badge = q(BadgeCriterion._meta.get_field("badge").column)
    position = q(BadgeCriterion._meta.get_field("position").column)
    tag_name = q(tag.get_field("name").column)
    columns = ", ".join(f"c.{q(field.column)}" for field in fields)
    # Only the models' own table and column names, quoted; the ids are a parameter.
    sql = (
        f"SELECT b.{badge_pk}, "  # noqa: S608
        f"(SELECT COUNT(*) FROM {q(BadgeAward._meta.db_table)} a "
        f"WHERE a.{award_badge} = b.{badge_pk} AND a.{award_revoked} IS NULL), "
        f"ARRAY(SELECT t.{tag_name} FROM {q(tags.m2m_db_table())} bt "
        f"JOIN {q(tag.db_table)} t ON t.{q(tag.pk.column)} = bt.{q(tags.m2m_reverse_name())} "
        f"WHERE bt.{q(tags.m2m_column_name())} = b.{badge_pk} ORDER BY t.{tag_name}), "
        f"{columns}, "
        f"ARRAY(SELECT r.{q(required.m2m_reverse_name())} FROM {q(required.m2m_db_table())} r "
        f"WHERE r.{q(required.m2m_column_name())} = c.{criterion_pk} ORDER BY r.{q(required.m2m_reverse_name())}) "
        f"FROM {q(Badge._meta.db_table)} b "
        f"LEFT JOIN {q(BadgeCriterion._meta.db_table)} c ON c.{criterion_badge} = b.{badge_pk} "
        f"WHERE b.{badge_pk} = ANY(%s) ORDER BY b.{badge_pk}, c.{position}, c.{criterion_pk}"
    )
    return sql, [field.attname for field in fields]


class CriterionRow:
    """A criterion as the API reads it: BadgeCriterion's column values under their attribute names (`kind`,
    `course_id`, `min_percent`, ...) and `badge_ids`, the badges a "badges" criterion requires (sorted).
    Values only, not a model instance (nothing to save or follow): cheaper to make and to read."""

    def __init__(self, values: dict, badge_ids: list[int]):
        self.__dict__.update(values)
        self.badge_ids = badge_ids

    @property
    def pk(self):
        return self.id


def badge_extras(badges) -> None:
    """What badge_list annotates and prefetches, for these badges, in one query: `award_count` (unrevoked
    awards), `tag_names` (sorted) and `criteria` (CriterionRow values in the model's order), so that
    `badge.criteria.all()` answers them. For the API's reads (the serializer) only."""
    badges = list(badges)
    if not badges:
        return
    sql, attnames = _extras_sql()
    width = len(attnames)
    with connection.cursor() as cursor:
        cursor.execute(sql, [[badge.pk for badge in badges]])
        rows = cursor.fetchall()
    found: dict = {}
    for row in rows:
        pk, count, names = row[0], row[1], row[2]
        criteria = found.get(pk)
        if criteria is None:
            criteria = found[pk] = (count, names, [])
        if row[3] is not None:
            criteria[2].append(
                CriterionRow(dict(zip(attnames, row[3 : 3 + width], strict=True)), row[3 + width])
            )
    for badge in badges:
        count, names, criteria = found.get(badge.pk, (0, [], []))
        badge.award_count = count
        badge.tag_names = names
        badge.__dict__.setdefault("_prefetched_objects_cache", {})["criteria"] = criteria


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
    return queryset.select_related("badge", "user", "awarded_by")


def award_rows(*, viewer, badge=None, user=None) -> QuerySet[BadgeAward]:
    """award_list's awards of `badge` or of `user`, as the API lists them: read through the badge's or the
    person's own related manager, so that each award's `badge` (or `user`) is that object (Django's known
    related objects) rather than a join and an instance per row."""
    if badge is not None:
        queryset, related = badge.awards.filter(_learners(viewer)), ["user", "awarded_by"]
        if user is not None:
            queryset = queryset.filter(user=user)
    elif user is not None:
        queryset, related = user.badge_awards.filter(_learners(viewer)), ["badge", "awarded_by"]
    else:
        return award_list(viewer=viewer)
    unread = _unread()
    return queryset.select_related(*related).defer(
        *unread[""], *[f"{name}__{column}" for name in related for column in unread[name]]
    )


_AWARD_READ = (
    *("uid", "badge", "user", "issued_at", "expires_at", "source", "awarded_by", "note"),
    *("evidence_url", "evidence_narrative", "revoked_at", "revocation_reason"),
)


@functools.cache
def _unread() -> dict[str, tuple[str, ...]]:
    """The columns AwardSerializer never reads, of the award and of what award_rows joins to it: the API
    lists awards without them (BadgeRefSerializer and UserRefSerializer read few of the badge's and the
    person's)."""
    from django.contrib.auth import get_user_model

    def unread(model, read) -> tuple[str, ...]:
        meta = model._meta
        return tuple(f.name for f in meta.concrete_fields if f.name not in (meta.pk.name, *read))

    person = unread(get_user_model(), ["full_name", "email"])
    return {
        "": unread(BadgeAward, _AWARD_READ),
        "badge": unread(Badge, _BADGE_REF),
        "user": person,
        "awarded_by": person,
    }


def award_get(*, viewer, pk) -> BadgeAward | None:
    return _one(award_list(viewer=viewer).filter(pk=pk)) if _digits(pk) else None


def award_download(*, viewer, pk) -> BadgeAward | None:
    """award_get's award (the same scope), with its badge only: what the Open Badges downloads read of it
    (the assertion and the credential name the recipient by the award's hashed email, not the person)."""
    if not _digits(pk):
        return None
    return _one(BadgeAward.objects.filter(_learners(viewer), pk=pk).select_related("badge"))


def award_by_uid(*, uid) -> BadgeAward | None:
    return BadgeAward.objects.select_related("badge", "user").filter(uid=uid).first()


def learner_find(*, viewer, pk):
    return person_find(viewer=viewer, pk=pk)


def learner_seen(*, viewer, pk):
    """learner_find's person for a read: the viewer themselves when they name their own id (everyone sees
    themselves: no query), else learner_find."""
    user_id = scope_of(viewer).user_id
    if user_id is not None and getattr(viewer, "pk", None) == user_id and str(pk) == str(user_id):
        return viewer
    return learner_find(viewer=viewer, pk=pk)


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


def learner_award_rows(*, viewer, user) -> QuerySet[BadgeAward]:
    """learner_awards, as the API lists them (award_rows)."""
    return award_rows(viewer=viewer, user=user).order_by("-issued_at", "-pk")


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
