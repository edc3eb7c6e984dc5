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
from decimal import Decimal

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    Field,
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
from apps.courses.models import Course
from apps.courses.selectors import (
    CourseSql,
    RowSql,
    course_list_editable,
    course_visibility_filter,
    visible_courses,
)

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
    if scope.is_org_admin:
        return Badge.objects.all()
    active = not scope.can_author()
    visibility = course_visibility_filter(viewer)
    if not isinstance(visibility, CourseSql):  # no one signed in: a filter that keeps no course
        queryset = Badge.objects.filter(Q(course__isnull=True) | Q(course__in=visible_courses(viewer=viewer)))
        return queryset.filter(status=Badge.Status.ACTIVE) if active else queryset
    columns = {"course": "course_id", "status": "status"} if active else {"course": "course_id"}
    params = [*visibility.params, Badge.Status.ACTIVE] if active else visibility.params
    return Badge.objects.filter(
        RowSql(_scope_sql(visibility.template, active), columns, params, output_field=BooleanField())
    )


# What CourseSql's `{pk}`, `{status}` and `{owner}` stand for: the course's fields.
_COURSE_COLUMNS = {"pk": "id", "status": "status", "owner": "owner"}


@functools.cache
def _scope_sql(visible: str, active: bool) -> str:
    """The badges of no course or of a course the viewer may know of (`visible`: the courses' visibility,
    over `{pk}`, `{status}` and `{owner}` of a course), only the active ones with `active`, as one SQL text
    over the badge's `{course}` and `{status}`: made once per process for each form of the visibility (a
    filter to compile rather than a queryset of courses to build and resolve on every request)."""
    q, meta = connection.ops.quote_name, Course._meta
    course = {name: f"ls_vc.{q(meta.get_field(field).column)}" for name, field in _COURSE_COLUMNS.items()}
    # Only the models' own table and column names, quoted, and the courses app's visibility text.
    sql = (
        f"({{course}} IS NULL OR {{course}} IN (SELECT {course['pk']} FROM {q(meta.db_table)} ls_vc "  # noqa: S608
        f"WHERE {visible.format(**course)}))"
    )
    return f"{sql} AND {{status}} = %s" if active else sql


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
    """badge_list's badges (the same scope and search), each with `viewer_manages` and `extras_json` (its
    award count, tags and criteria, read with the page): the API lists these and completes the page with
    `badge_extras` (one query for the page, its extras a fragment to compile, not querysets to build)."""
    queryset = _visible(viewer)
    search = (search or "").strip()
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return queryset.annotate(
        viewer_manages=_manages(viewer),
        extras_json=RowSql(_extras_sql()[0], {"pk": "pk"}, output_field=Field()),
    )


def badge_row(*, viewer, pk) -> Badge | None:
    """badge_get's badge, read as the API answers it (`badge_rows` completed by `badge_extras`)."""
    badge = _one(badge_rows(viewer=viewer).filter(pk=pk)) if _digits(pk) else None
    if badge is not None:
        badge_extras([badge])
    return badge


@functools.cache
def _extras_sql() -> tuple[str, list[str], list[int]]:
    """The SQL of badge_rows' `extras_json` over the badge's `{pk}` (built once from the models' tables and
    columns), the criterion's concrete fields in the order it reads them and the places of the decimal ones.
    A JSON array: the unrevoked awards' count, the tag names (sorted) and the criteria in the model's order,
    each an array of its columns and the badges a "badges" criterion requires (sorted); the decimals as text
    (JSON would read them as floats), as str() of the stored value writes them."""
    q = connection.ops.quote_name
    tags, required = Badge.tags.field, BadgeCriterion.required_badges.field
    tag = tags.related_model._meta
    fields = list(BadgeCriterion._meta.concrete_fields)
    criterion_pk = q(BadgeCriterion._meta.pk.column)
    award_badge = q(BadgeAward._meta.get_field("badge").column)
    award_revoked = q(BadgeAward._meta.get_field("revoked_at").column)
    criterion_badge = q(BadgeCriterion._meta.get_field("badge").column)
    position = q(BadgeCriterion._meta.get_field("position").column)
    tag_name = q(tag.get_field("name").column)
    decimals = [place for place, field in enumerate(fields) if isinstance(field, DecimalField)]
    columns = ", ".join(
        f"ls_c.{q(field.column)}{'::text' if place in decimals else ''}" for place, field in enumerate(fields)
    )
    # Only the models' own table and column names, quoted; the badge is the outer row (`{pk}`).
    sql = (
        f"json_build_array((SELECT COUNT(*) FROM {q(BadgeAward._meta.db_table)} ls_a "  # noqa: S608
        f"WHERE ls_a.{award_badge} = {{pk}} AND ls_a.{award_revoked} IS NULL), "
        f"ARRAY(SELECT ls_t.{tag_name} FROM {q(tags.m2m_db_table())} ls_bt "
        f"JOIN {q(tag.db_table)} ls_t ON ls_t.{q(tag.pk.column)} = ls_bt.{q(tags.m2m_reverse_name())} "
        f"WHERE ls_bt.{q(tags.m2m_column_name())} = {{pk}} ORDER BY ls_t.{tag_name}), "
        f"COALESCE((SELECT json_agg(json_build_array({columns}, "
        f"ARRAY(SELECT ls_r.{q(required.m2m_reverse_name())} FROM {q(required.m2m_db_table())} ls_r "
        f"WHERE ls_r.{q(required.m2m_column_name())} = ls_c.{criterion_pk} ORDER BY ls_r.{q(required.m2m_reverse_name())})) "
        f"ORDER BY ls_c.{position}, ls_c.{criterion_pk}) "
        f"FROM {q(BadgeCriterion._meta.db_table)} ls_c WHERE ls_c.{criterion_badge} = {{pk}}), '[]'))"
    )
    return sql, [field.attname for field in fields], decimals


class CriterionRow:
    """A criterion as the API reads it: BadgeCriterion's column values under their attribute names (`kind`,
    `course_id`, `min_percent`, ...) and `badge_ids`, the badges a "badges" criterion requires (sorted).
    Values only, not a model instance (nothing to save or follow): cheaper to make and to read."""

    def __init__(self, attnames: list[str], values: list, badge_ids: list[int]):
        self.__dict__.update(zip(attnames, values, strict=True))
        self.badge_ids = badge_ids

    @property
    def pk(self):
        return self.id


def badge_extras(badges) -> None:
    """What badge_list annotates and prefetches, from badge_rows' `extras_json` of these badges (no query):
    `award_count` (unrevoked awards), `tag_names` (sorted) and `criteria` (CriterionRow values in the model's
    order), so that `badge.criteria.all()` answers them. For the API's reads (the serializer) only."""
    _sql, attnames, decimals = _extras_sql()
    for badge in badges:
        badge.award_count, badge.tag_names, criteria = badge.extras_json
        rows = []
        for *values, badge_ids in criteria:
            for place in decimals:
                if values[place] is not None:
                    values[place] = Decimal(values[place])
            rows.append(CriterionRow(attnames, values, badge_ids))
        badge.__dict__.setdefault("_prefetched_objects_cache", {})["criteria"] = rows


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
