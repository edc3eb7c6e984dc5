"""Writes on badges: definitions and their criteria, progress, automatic and manual awards, revocation.

Every page, API view, subscriber and task calls these. Who may do what:

- an organization badge (no course) is managed by Org Admins, a course's badge by its editors
  (apps.courses.permissions.can_edit: its teachers, the managers of all its branches, Org Admins);
- Teachers award by hand to the learners of their classes, Branch Managers to their branches' people, Org
  Admins to anyone (apps.accounts.selectors.visible_people), and revoke likewise, with a reason;
- nobody awards themselves.

Automatic awards are idempotent: the partial unique constraint `badge_award_once` (one unrevoked award per
learner and badge) and an INSERT in a savepoint make redelivered and concurrent events award once; a
learner whose award of the badge was revoked is not awarded it again automatically (staff may, by hand).
`badge.awarded` and `badge.revoked` are raised with the award's pk in their key, after commit.
"""

import logging
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.permissions import scope_of
from apps.accounts.selectors import visible_people
from apps.audit.services import audit_record
from apps.core.errors import Conflict, InvalidState, PermissionDenied, ValidationFailed
from apps.courses import selectors as course_selectors
from apps.courses.models import Category, Course
from apps.courses.services import tags_named
from apps.events import emit

from .. import events
from ..models import ActivityDay, Badge, BadgeAward, BadgeCriterion, BadgeProgress
from ..openbadges.identity import hashed_identity, new_salt, normalized_email
from . import criteria as criteria_rules
from .images import checked_upload, generated_file

logger = logging.getLogger(__name__)
Kind = BadgeCriterion.Kind
MAX_CRITERIA = 10
MAX_ALIGNMENT = 10
EDITABLE_FIELDS = (
    "name",
    "description",
    "criteria_narrative",
    "criteria_mode",
    "expiry",
    "expires_on",
    "expires_after_days",
    "alignment",
)


# --- who may ---------------------------------------------------------------------------------------------


def may_manage(actor, badge: Badge) -> bool:
    scope = scope_of(actor)
    if scope.is_org_admin:
        return True
    if badge.course_id is None or not scope.can_author():
        return False
    return course_selectors.viewer_can_edit(actor, badge.course)


def _require_manager(actor, badge: Badge) -> None:
    if actor is not None and not may_manage(actor, badge):
        raise PermissionDenied(
            _(
                "Only Org Admins manage the organization's badges; a course's badges, its teachers and managers."
            )
        )


def _require_awarder(actor) -> None:
    if actor is None or not scope_of(actor).can_author():
        raise PermissionDenied(
            _("Only Teachers, Branch Managers and Org Admins may award and revoke badges.")
        )


def _require_learner_in_scope(actor, user) -> None:
    if not visible_people(viewer=actor).filter(pk=user.pk).exists():
        raise ValidationFailed({"user_id": [_("No such learner.")]})


# --- definitions -----------------------------------------------------------------------------------------


def _brand_colour() -> str:
    from tenants.models import OrganizationSettings

    found = (
        OrganizationSettings.objects.filter(organization__schema_name=connection.schema_name)
        .values_list("primary_color", flat=True)
        .first()
    )
    return found or "#2457d6"


def _text(values: dict, field: str, max_length: int, *, required: bool = False, one_line: bool = False):
    value = str(values.get(field) or "").strip()
    if one_line:
        value = " ".join(value.split())
    if required and not value:
        raise ValidationFailed({field: [_("This field is required.")]})
    if len(value) > max_length:
        raise ValidationFailed({field: [_("At most %(count)s characters.") % {"count": max_length}]})
    return value


def _alignment(value) -> list[dict]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > MAX_ALIGNMENT:
        raise ValidationFailed(
            {"alignment": [_("A list of at most %(count)s alignments.") % {"count": MAX_ALIGNMENT}]}
        )
    cleaned = []
    check_url = URLValidator(schemes=["http", "https"])
    keys = ("targetName", "targetUrl", "targetDescription", "targetFramework", "targetCode")
    for row in value:
        if not isinstance(row, dict) or set(row) - set(keys):
            raise ValidationFailed(
                {"alignment": [_("Each alignment has only %(keys)s.") % {"keys": ", ".join(keys)}]}
            )
        item = {key: " ".join(str(row.get(key) or "").split())[:500] for key in keys if row.get(key)}
        if not item.get("targetName") or not item.get("targetUrl"):
            raise ValidationFailed({"alignment": [_("Each alignment needs a targetName and a targetUrl.")]})
        try:
            check_url(item["targetUrl"])
        except ValidationError:
            raise ValidationFailed({"alignment": [_("targetUrl must be an http(s) URL.")]}) from None
        cleaned.append(item)
    return cleaned


def _expiry(values: dict) -> dict:
    expiry = values.get("expiry") or Badge.Expiry.NONE
    if expiry not in Badge.Expiry.values:
        raise ValidationFailed({"expiry": [_("Choose none, date or days.")]})
    out = {"expiry": expiry, "expires_on": None, "expires_after_days": None}
    if expiry == Badge.Expiry.DATE:
        day = values.get("expires_on")
        if not day:
            raise ValidationFailed({"expires_on": [_("Give the date on which the badge expires.")]})
        if isinstance(day, str):
            try:
                day = datetime.fromisoformat(day).date()
            except ValueError:
                raise ValidationFailed({"expires_on": [_("Give a date as YYYY-MM-DD.")]}) from None
        out["expires_on"] = day
    elif expiry == Badge.Expiry.DAYS:
        days = values.get("expires_after_days")
        try:
            days = int(days)
        except (TypeError, ValueError):
            days = 0
        if not 1 <= days <= 36500:
            raise ValidationFailed({"expires_after_days": [_("Give a number of days from 1 to 36500.")]})
        out["expires_after_days"] = days
    return out


def _int(value, field: str, *, low: int = 1, high: int = 10_000) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise ValidationFailed(
            {field: [_("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}]}
        )
    return number


def _criteria_rows(actor, specs, badge: Badge | None) -> list[dict]:
    """The criteria given (dicts with kind and its fields), checked: every course, quiz and badge named must
    be one the actor may see. Returns the BadgeCriterion field values, required_badges as a list."""
    from apps.assessments.quizzes.selectors import assessment_get

    from .selectors import badge_get

    if specs is None:
        return []
    if not isinstance(specs, list) or len(specs) > MAX_CRITERIA:
        raise ValidationFailed(
            {"criteria": [_("A list of at most %(count)s criteria.") % {"count": MAX_CRITERIA}]}
        )
    rows = []
    for index, spec in enumerate(specs):
        field = f"criteria.{index}"
        if not isinstance(spec, dict):
            raise ValidationFailed({field: [_("Each criterion is an object with a kind.")]})
        kind = spec.get("kind")
        row: dict = {"kind": kind, "required_badges": []}
        if kind == Kind.COURSE:
            course = course_selectors.course_find(viewer=actor, pk=spec.get("course_id"))
            if course is None:
                raise ValidationFailed({f"{field}.course_id": [_("No such course.")]})
            row["course"] = course
        elif kind == Kind.COURSES:
            row["count"] = _int(spec.get("count"), f"{field}.count", high=1000)
            if spec.get("category_id") not in (None, ""):
                category = (
                    Category.objects.filter(pk=spec["category_id"]).first()
                    if str(spec["category_id"]).isdigit()
                    else None
                )
                if category is None:
                    raise ValidationFailed({f"{field}.category_id": [_("No such category.")]})
                row["category"] = category
        elif kind == Kind.QUIZ:
            quiz = assessment_get(viewer=actor, pk=spec.get("assessment_id"))
            if quiz is None:
                raise ValidationFailed({f"{field}.assessment_id": [_("No such quiz.")]})
            try:
                percent = Decimal(str(spec.get("min_percent")))
            except (InvalidOperation, ValueError):
                percent = None
            if percent is None or not percent.is_finite() or not Decimal(0) < percent <= Decimal(100):
                raise ValidationFailed(
                    {f"{field}.min_percent": [_("Give a percentage above 0, at most 100.")]}
                )
            row["assessment"] = quiz
            row["min_percent"] = percent.quantize(Decimal("0.01"))
        elif kind == Kind.STREAK:
            row["count"] = _int(spec.get("count"), f"{field}.count", high=3650)
        elif kind == Kind.BADGES:
            ids = spec.get("badge_ids")
            if not isinstance(ids, list) or not ids or len(ids) > 20:
                raise ValidationFailed({f"{field}.badge_ids": [_("Name from 1 to 20 badges.")]})
            required = []
            for pk in ids:
                other = badge_get(viewer=actor, pk=pk)
                if other is None or (badge is not None and other.pk == badge.pk):
                    raise ValidationFailed({f"{field}.badge_ids": [_("No such badge.")]})
                required.append(other)
            row["required_badges"] = required
        elif kind == Kind.MANUAL:
            pass
        else:
            raise ValidationFailed(
                {f"{field}.kind": [_("Choose one of %(kinds)s.") % {"kinds": ", ".join(Kind.values)}]}
            )
        rows.append(row)
    return rows


def _criteria_replace(badge: Badge, rows: list[dict]) -> None:
    badge.criteria.all().delete()
    for position, row in enumerate(rows):
        row = dict(row)
        required = row.pop("required_badges", [])
        criterion = BadgeCriterion.objects.create(badge=badge, position=position, **row)
        if required:
            criterion.required_badges.set(required)


def _image(badge: Badge, upload, *, regenerate: bool) -> None:
    if upload is not None:
        badge.image.save("badge.png", checked_upload(upload), save=False)
        badge.image_source = Badge.ImageSource.UPLOAD
    elif regenerate or not badge.image:
        badge.image.save("badge.png", generated_file(badge.name, _brand_colour()), save=False)
        badge.image_source = Badge.ImageSource.GENERATED


@transaction.atomic
def badge_create(
    *,
    actor,
    name: str,
    description: str = "",
    course: Course | None = None,
    criteria: list | None = None,
    criteria_mode: str = Badge.Mode.ALL,
    criteria_narrative: str = "",
    tags=(),
    alignment=None,
    expiry: str = Badge.Expiry.NONE,
    expires_on=None,
    expires_after_days=None,
    image=None,
    status: str = Badge.Status.DRAFT,
) -> Badge:
    """A badge in draft (or `status` active, which awards those who already meet it in the background)."""
    if actor is not None and not scope_of(actor).can_author():
        raise PermissionDenied(_("Only Teachers, Branch Managers and Org Admins may create badges."))
    badge = Badge(course=course, created_by=actor if getattr(actor, "pk", None) else None)
    _require_manager(actor, badge)
    values = _clean(
        actor,
        badge,
        {
            "name": name,
            "description": description,
            "criteria_mode": criteria_mode,
            "criteria_narrative": criteria_narrative,
            "alignment": alignment,
            "expiry": expiry,
            "expires_on": expires_on,
            "expires_after_days": expires_after_days,
        },
    )
    rows = _criteria_rows(actor, criteria if criteria is not None else [{"kind": Kind.MANUAL}], None)
    for key, value in values.items():
        setattr(badge, key, value)
    badge.status = Badge.Status.DRAFT
    _image(badge, image, regenerate=False)
    badge.full_clean(exclude=["image", "tags"])
    badge.save()
    _criteria_replace(badge, rows)
    badge.tags.set(tags_named(tags or []))
    audit_record(actor=actor, action="badge.created", target=badge, changes={"course": badge.course_id})
    if status == Badge.Status.ACTIVE:
        badge_set_status(actor=actor, badge=badge, status=Badge.Status.ACTIVE)
    elif status not in (None, "", Badge.Status.DRAFT):
        raise ValidationFailed({"status": [_("A new badge is a draft or active.")]})
    return badge


def _clean(actor, badge: Badge, values: dict) -> dict:
    out = {}
    if "name" in values:
        out["name"] = _text(values, "name", 200, required=True, one_line=True)
    if "description" in values:
        out["description"] = _text(values, "description", 2000, required=True)
    if "criteria_narrative" in values:
        out["criteria_narrative"] = _text(values, "criteria_narrative", 5000)
    if "criteria_mode" in values:
        mode = values.get("criteria_mode") or Badge.Mode.ALL
        if mode not in Badge.Mode.values:
            raise ValidationFailed({"criteria_mode": [_("Choose all or any.")]})
        out["criteria_mode"] = mode
    if "alignment" in values:
        out["alignment"] = _alignment(values.get("alignment"))
    if "expiry" in values or "expires_on" in values or "expires_after_days" in values:
        merged = {
            "expiry": values.get("expiry", badge.expiry),
            "expires_on": values.get("expires_on", badge.expires_on),
            "expires_after_days": values.get("expires_after_days", badge.expires_after_days),
        }
        out.update(_expiry(merged))
    return out


@transaction.atomic
def badge_update(
    *, actor, badge: Badge, criteria=None, tags=None, image=None, regenerate_image=False, **values
):
    """Change a badge's definition (criteria replaced when given; `image` a new PNG upload;
    `regenerate_image` back to the generated picture). Awards already made keep what they were."""
    _require_manager(actor, badge)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed({name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    if badge.status == Badge.Status.ARCHIVED:
        raise InvalidState(_("An archived badge cannot be changed."))
    cleaned = _clean(actor, badge, values)
    changed = sorted(k for k, v in cleaned.items() if getattr(badge, k) != v)
    renamed = "name" in changed
    for key, value in cleaned.items():
        setattr(badge, key, value)
    if criteria is not None:
        rows = _criteria_rows(actor, criteria, badge)
        _criteria_replace(badge, rows)
        changed.append("criteria")
    if tags is not None:
        badge.tags.set(tags_named(tags))
        changed.append("tags")
    if (
        image is not None
        or regenerate_image
        or (renamed and badge.image_source == Badge.ImageSource.GENERATED)
    ):
        _image(badge, image, regenerate=image is None)
        changed.append("image")
    badge.full_clean(exclude=["image", "tags"])
    badge.save()
    audit_record(actor=actor, action="badge.updated", target=badge, changes={"fields": sorted(set(changed))})
    if criteria is not None and badge.status == Badge.Status.ACTIVE:
        _queue_backfill(badge)
    return badge


@transaction.atomic
def badge_set_status(*, actor, badge: Badge, status: str) -> Badge:
    """draft -> active (awards, in the background, the learners who already meet it), active -> archived
    (no more awards; those made stay valid), archived -> active."""
    _require_manager(actor, badge)
    allowed = {
        Badge.Status.DRAFT: {Badge.Status.ACTIVE},
        Badge.Status.ACTIVE: {Badge.Status.ARCHIVED},
        Badge.Status.ARCHIVED: {Badge.Status.ACTIVE},
    }
    if status == badge.status:
        return badge
    if status not in allowed.get(badge.status, set()):
        raise InvalidState(_("A %(from)s badge cannot become %(to)s.") % {"from": badge.status, "to": status})
    if status == Badge.Status.ACTIVE and not badge.criteria.exists():
        raise ValidationFailed({"criteria": [_("Give the badge at least one criterion first.")]})
    badge.status = status
    badge.save(update_fields=["status", "updated_at"])
    action = "badge.activated" if status == Badge.Status.ACTIVE else "badge.archived"
    audit_record(actor=actor, action=action, target=badge)
    if status == Badge.Status.ACTIVE:
        _queue_backfill(badge)
    return badge


@transaction.atomic
def badge_delete(*, actor, badge: Badge) -> None:
    """Only a badge never awarded may be deleted (archive it otherwise)."""
    _require_manager(actor, badge)
    if badge.awards.exists():
        raise Conflict(_("This badge has been awarded: archive it instead."))
    audit_record(actor=actor, action="badge.deleted", target=badge)
    badge.delete()


def _queue_backfill(badge: Badge) -> None:
    """Queue the activation backfill once the transaction commits, in the schema it runs in."""
    schema, badge_id = connection.schema_name, badge.pk

    def send():
        from django_tenants.utils import schema_context

        from .tasks import badge_backfill

        with schema_context(schema):
            try:
                badge_backfill.delay(badge_id=badge_id)
            except Exception:  # a broker outage must not fail the save; saving or activating again re-queues
                logger.exception("Could not queue the backfill of badge %s in %s", badge_id, schema)

    transaction.on_commit(send, robust=True)


# --- awards ----------------------------------------------------------------------------------------------


def expiry_for(badge: Badge, issued_at: datetime) -> datetime | None:
    if badge.expiry == Badge.Expiry.DAYS and badge.expires_after_days:
        return issued_at + timedelta(days=badge.expires_after_days)
    if badge.expiry == Badge.Expiry.DATE and badge.expires_on:
        return timezone.make_aware(
            datetime.combine(badge.expires_on, time.max), timezone.get_current_timezone()
        )
    return None


def _insert_award(*, badge: Badge, user, source: str, actor=None, **extra) -> BadgeAward | None:
    """The award, or None when the learner already holds the badge (unique constraint, in a savepoint)."""
    now = timezone.now()
    email = normalized_email(user.email)
    salt = new_salt()
    try:
        with transaction.atomic():
            award = BadgeAward.objects.create(
                badge=badge,
                user=user,
                recipient_email=email,
                salt=salt,
                identity_hash=hashed_identity(email, salt),
                issued_at=now,
                expires_at=expiry_for(badge, now),
                source=source,
                awarded_by=actor if getattr(actor, "pk", None) else None,
                **extra,
            )
    except IntegrityError:
        return None
    emit(
        events.BADGE_AWARDED,
        key=f"{events.BADGE_AWARDED}:{award.pk}",
        payload={
            "award_id": award.pk,
            "award_uid": str(award.uid),
            "badge_id": badge.pk,
            "user_id": user.pk,
            "source": source,
            "issued_at": award.issued_at.isoformat(),
            "expires_at": award.expires_at.isoformat() if award.expires_at else None,
        },
        actor=actor if getattr(actor, "pk", None) else None,
    )
    return award


@transaction.atomic
def award_create(
    *, actor, badge: Badge, user, note: str = "", evidence_url: str = "", evidence_narrative: str = ""
) -> BadgeAward:
    """Award `badge` to `user` by hand, with a note (409 when they hold it already)."""
    _require_awarder(actor)
    if user.pk == actor.pk:
        raise ValidationFailed({"user_id": [_("Nobody awards a badge to themselves.")]})
    _require_learner_in_scope(actor, user)
    if badge.status != Badge.Status.ACTIVE:
        raise InvalidState(_("Only an active badge can be awarded."))
    values = {
        "note": _text({"note": note}, "note", 2000),
        "evidence_narrative": _text({"evidence_narrative": evidence_narrative}, "evidence_narrative", 2000),
        "evidence_url": _text({"evidence_url": evidence_url}, "evidence_url", 500),
    }
    if values["evidence_url"]:
        try:
            URLValidator(schemes=["http", "https"])(values["evidence_url"])
        except ValidationError:
            raise ValidationFailed({"evidence_url": [_("Give an http(s) URL.")]}) from None
    award = _insert_award(badge=badge, user=user, source=BadgeAward.Source.MANUAL, actor=actor, **values)
    if award is None:
        raise Conflict(_("This learner already holds this badge."))
    audit_record(
        actor=actor,
        action="badge.awarded",
        target=award,
        target_repr=badge.name,
        changes={"badge": badge.pk, "user": user.pk},
    )
    return award


@transaction.atomic
def award_revoke(*, actor, award: BadgeAward, reason: str) -> BadgeAward:
    _require_awarder(actor)
    _require_learner_in_scope(actor, award.user)
    reason = _text({"reason": reason}, "reason", 500, required=True, one_line=True)
    locked = BadgeAward.objects.select_for_update().get(pk=award.pk)
    if locked.revoked_at is not None:
        raise InvalidState(_("This award was revoked already."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.revocation_reason = reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    audit_record(
        actor=actor,
        action="badge_award.revoked",
        target=locked,
        target_repr=locked.badge.name,
        changes={"badge": locked.badge_id, "user": locked.user_id, "reason": reason},
    )
    emit(
        events.BADGE_REVOKED,
        key=f"{events.BADGE_REVOKED}:{locked.pk}",
        payload={
            "award_id": locked.pk,
            "award_uid": str(locked.uid),
            "badge_id": locked.badge_id,
            "user_id": locked.user_id,
            "revoked_at": locked.revoked_at.isoformat(),
        },
        actor=actor,
    )
    return locked


# --- progress, from events -------------------------------------------------------------------------------


def progress_refresh(*, badge: Badge, user_id: int) -> BadgeAward | None:
    """Recompute the learner's progress towards `badge` and award it when met (active badges only).
    Returns the award made now, if any. Safe to repeat and to run concurrently."""
    if badge.status != Badge.Status.ACTIVE:
        return None
    rules = list(badge.criteria.all().prefetch_related("required_badges"))
    evaluation = criteria_rules.evaluate(badge, user_id, rules)
    BadgeProgress.objects.update_or_create(
        badge=badge, user_id=user_id, defaults={"state": evaluation.state, "percent": evaluation.percent}
    )
    # Held already, or revoked by staff: not awarded again automatically.
    if not evaluation.met or BadgeAward.objects.filter(badge=badge, user_id=user_id).exists():
        return None
    user = get_user_model().objects.filter(pk=user_id).exclude(status="deactivated").first()
    if user is None:
        return None
    return _insert_award(badge=badge, user=user, source=BadgeAward.Source.AUTOMATIC)


def _refresh_many(criteria_filter: Q, user_id: int) -> list[BadgeAward]:
    badge_ids = (
        BadgeCriterion.objects.filter(criteria_filter, badge__status=Badge.Status.ACTIVE)
        .values_list("badge_id", flat=True)
        .distinct()
    )
    made = []
    for badge in Badge.objects.filter(pk__in=list(badge_ids)).order_by("pk"):
        award = progress_refresh(badge=badge, user_id=user_id)
        if award is not None:
            made.append(award)
    return made


def on_course_completed(*, course_id: int, user_id: int) -> list[BadgeAward]:
    category_id = Course.objects.filter(pk=course_id).values_list("category_id", flat=True).first()
    courses = Q(kind=Kind.COURSES, category__isnull=True)
    if category_id:
        courses |= Q(kind=Kind.COURSES, category_id=category_id)
    return _refresh_many(Q(kind=Kind.COURSE, course_id=course_id) | courses, user_id)


def on_quiz_graded(*, assessment_id: int, user_id: int) -> list[BadgeAward]:
    return _refresh_many(Q(kind=Kind.QUIZ, assessment_id=assessment_id), user_id)


def on_badge_awarded(*, badge_id: int, user_id: int) -> list[BadgeAward]:
    return _refresh_many(Q(kind=Kind.BADGES, required_badges=badge_id), user_id)


def _learner_zone(user):
    import zoneinfo

    from tenants.models import OrganizationSettings

    names = [getattr(user, "timezone", "")]
    names.append(
        OrganizationSettings.objects.filter(organization__schema_name=connection.schema_name)
        .values_list("default_timezone", flat=True)
        .first()
        or ""
    )
    for name in names:
        if name:
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return zoneinfo.ZoneInfo("UTC")


def on_lesson_completed(*, user_id: int, completed_at: datetime) -> list[BadgeAward]:
    """Note the day (in the learner's time zone) and look at the streak badges."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return []
    day = completed_at.astimezone(_learner_zone(user)).date()
    created = ActivityDay.objects.bulk_create([ActivityDay(user_id=user_id, day=day)], ignore_conflicts=True)
    if not created:
        return []
    return _refresh_many(Q(kind=Kind.STREAK), user_id)


def activity_history_import() -> int:
    """Note the days with a completed lesson from the learners' progress recorded before badges listened to
    `lesson.completed` (each in the learner's time zone), so a streak badge sees history. Idempotent;
    returns how many days were added."""
    from apps.courses.models import ItemProgress

    zones: dict = {}
    rows = []
    users = get_user_model().objects.in_bulk(
        list(
            ItemProgress.objects.filter(completed_at__isnull=False)
            .values_list("user_id", flat=True)
            .distinct()
        )
    )
    for user_id, completed_at in ItemProgress.objects.filter(completed_at__isnull=False).values_list(
        "user_id", "completed_at"
    ):
        if user_id not in zones:
            zones[user_id] = _learner_zone(users[user_id])
        rows.append(ActivityDay(user_id=user_id, day=completed_at.astimezone(zones[user_id]).date()))
    before = ActivityDay.objects.count()
    ActivityDay.objects.bulk_create(rows, ignore_conflicts=True)
    return ActivityDay.objects.count() - before


def _candidates(badge: Badge) -> set[int]:
    """The learners who may already meet `badge`: those with a row any of its criteria reads."""
    from apps.assessments.models import AssessmentGrade
    from apps.courses.models import Enrollment

    users: set[int] = set()
    completed = Enrollment.objects.filter(completed_at__isnull=False)
    for criterion in badge.criteria.all().prefetch_related("required_badges"):
        if criterion.kind == Kind.COURSE:
            users |= set(completed.filter(course_id=criterion.course_id).values_list("user_id", flat=True))
        elif criterion.kind == Kind.COURSES:
            rows = (
                completed
                if not criterion.category_id
                else completed.filter(course__category_id=criterion.category_id)
            )
            users |= set(rows.values_list("user_id", flat=True).distinct())
        elif criterion.kind == Kind.QUIZ:
            users |= set(
                AssessmentGrade.objects.filter(assessment_id=criterion.assessment_id).values_list(
                    "user_id", flat=True
                )
            )
        elif criterion.kind == Kind.STREAK:
            users |= set(ActivityDay.objects.values_list("user_id", flat=True).distinct())
        elif criterion.kind == Kind.BADGES:
            users |= set(
                BadgeAward.objects.filter(
                    badge__in=criterion.required_badges.all(), revoked_at__isnull=True
                ).values_list("user_id", flat=True)
            )
    return users


def badge_backfill(*, badge_id: int) -> int:
    """Award an active badge to every learner who already meets it (the activation task's body). Returns how
    many were awarded now; running it again awards nobody twice."""
    badge = Badge.objects.filter(pk=badge_id).first()
    if badge is None or badge.status != Badge.Status.ACTIVE:
        return 0
    made = 0
    for user_id in sorted(_candidates(badge)):
        with transaction.atomic():
            if progress_refresh(badge=badge, user_id=user_id) is not None:
                made += 1
    return made
