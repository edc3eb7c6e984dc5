"""Writes on quizzes: their settings, their slots (the questions in order, on pages) and their overrides.

A quiz is a lesson of kind "quiz" (apps.courses) with its Assessment row: assessment_create makes both, in one
transaction, through the courses' services (so the course's rules, versions and audit apply); assessment_delete
deletes the lesson through courses' content_delete (refused when learners have history on it).

Structure changes (adding, removing, moving slots, page breaks, pinning a version, repaginating) are refused
with 409 once a real (non-preview) attempt exists: attempts keep the layout they started with, and the
statistics compare like with like. Marks may still change; the attempts part regrades stored attempts.
"""

from __future__ import annotations

import contextvars
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from apps.accounts.selectors import visible_people
from apps.audit.services import audit_record
from apps.core.errors import (
    ApplicationError,
    Conflict,
    ErrorCode,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from apps.courses import services as course_services
from apps.courses.models import Module, Tag
from apps.courses.permissions import can_edit_course
from apps.courses.rendering import sanitize_html
from apps.hierarchy import selectors as hierarchy_selectors

from ..access_rules import clean_password, clean_subnets
from ..bank.selectors import category_tree_ids
from ..models import (
    REVIEW_FIELDS,
    REVIEW_MOMENTS,
    Assessment,
    Override,
    Question,
    QuestionCategory,
    QuestionVersion,
    Slot,
)
from ..permissions import bank_filter, can_manage
from .selectors import has_real_attempts

QUIZ_KIND = "quiz"
# The Assessment id assessment_create is making its lesson for (lesson_kinds.clean_quiz accepts it).
creating_assessment: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "creating_assessment", default=None
)

MIN_TIME_LIMIT = 60
MAX_TIME_LIMIT = 7 * 24 * 3600
MIN_GRACE_PERIOD = 60
MAX_GRACE_PERIOD = 365 * 24 * 3600
MAX_ATTEMPT_DELAY = 365 * 24 * 3600
MAX_ATTEMPTS = 1000
MAX_PER_PAGE = 50
MAX_DECIMAL_POINTS = 5
MAX_GRADE = Decimal("999999.99")
MAX_MARK = Decimal("9999")
MAX_RANDOM = 100
MAX_BANDS = 20

SETTINGS = (
    "description",
    "open_at",
    "close_at",
    "time_limit",
    "overdue_handling",
    "grace_period",
    "attempts_allowed",
    "attempt_delay",
    "grade_method",
    "max_grade",
    "pass_grade",
    "questions_per_page",
    "navigation",
    "shuffle_questions",
    "shuffle_answers",
    "behaviour",
    "review",
    "overall_feedback",
    "decimal_points",
    "password",
    "subnets",
)
OVERRIDE_SETTINGS = ("open_at", "close_at", "time_limit", "attempts_allowed", "password")


class AttemptsExist(Conflict):
    """409: the quiz's structure is fixed once learners have attempted it."""

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "Learners have attempted this quiz: its questions and pages can no longer change "
                "(marks still can)."
            ),
            details={"reason": ["attempts exist"]},
        )


class NotEnoughQuestions(ApplicationError):
    """422: a random draw asks for more questions than the category holds."""

    code = ErrorCode.UNPROCESSABLE
    status_code = 422

    def __init__(self, available: int, requested: int) -> None:
        message = gettext(
            "This category has %(available)s eligible questions; %(requested)s were asked for."
        ) % {"available": available, "requested": requested}
        super().__init__(message, details={"count": [message], "available": [str(available)]})


# --- helpers --------------------------------------------------------------------------------------------


def _require_manager(actor, assessment: Assessment) -> None:
    if actor is not None and not can_manage(actor, assessment):
        raise PermissionDenied(
            gettext("Only this course's teachers, its branches' managers and Org Admins may change it.")
        )


def _require_no_attempts(assessment: Assessment) -> None:
    if has_real_attempts(assessment):
        raise AttemptsExist()


def _lock(assessment: Assessment) -> Assessment:
    """Serialize structure changes of one quiz (positions are unique)."""
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def _datetime(value, field: str, errors: dict):
    if value in (None, ""):
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value.strip())
        if parsed is None:
            errors[field] = [gettext("Enter a date and time (ISO 8601).")]
            return None
        value = parsed
    if not isinstance(value, datetime):
        errors[field] = [gettext("Enter a date and time (ISO 8601).")]
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _integer(value, field: str, errors: dict, *, low: int, high: int, allow_none: bool = False):
    if value in (None, "") and allow_none:
        return None
    if isinstance(value, bool) or value is None:
        errors[field] = [gettext("A whole number.")]
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[field] = [gettext("A whole number.")]
        return None
    if not low <= number <= high:
        errors[field] = [gettext("A whole number from %(low)s to %(high)s.") % {"low": low, "high": high}]
        return None
    return number


def _decimal(value, field: str, errors: dict, *, low: Decimal, high: Decimal, places: int, allow_none=False):
    if value in (None, "") and allow_none:
        return None
    if isinstance(value, bool) or value is None:
        errors[field] = [gettext("A number.")]
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = [gettext("A number.")]
        return None
    if not number.is_finite() or not low <= number <= high:
        errors[field] = [gettext("A number from %(low)s to %(high)s.") % {"low": low, "high": high}]
        return None
    if number != number.quantize(Decimal(1).scaleb(-places)):
        errors[field] = [gettext("At most %(places)s decimal places.") % {"places": places}]
        return None
    return number


def _boolean(value, field: str, errors: dict):
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("1", "true", "on", "yes"):
        return True
    if str(value).lower() in ("0", "false", "off", "no", ""):
        return False
    errors[field] = [gettext("true or false.")]
    return None


def _choice(value, field: str, errors: dict, choices) -> str | None:
    if value not in choices.values:
        errors[field] = [gettext("Use one of: %(choices)s.") % {"choices": ", ".join(choices.values)}]
        return None
    return value


def _review(value, errors: dict) -> dict | None:
    """{field: [moments]} with known fields and moments only; fields left out show nothing."""
    if not isinstance(value, dict):
        errors["review"] = [gettext("An object of review fields, each a list of moments.")]
        return None
    problems = []
    unknown = sorted(set(value) - set(REVIEW_FIELDS))
    if unknown:
        problems.append(gettext("Unknown review fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    review = {}
    for name in REVIEW_FIELDS:
        moments = value.get(name, [])
        if not isinstance(moments, list | tuple) or not all(isinstance(m, str) for m in moments):
            problems.append(gettext("%(field)s: a list of moments.") % {"field": name})
            continue
        wrong = sorted(set(moments) - set(REVIEW_MOMENTS))
        if wrong:
            problems.append(
                gettext("%(field)s: unknown moments %(moments)s (use %(known)s).")
                % {"field": name, "moments": ", ".join(wrong), "known": ", ".join(REVIEW_MOMENTS)}
            )
            continue
        review[name] = [moment for moment in REVIEW_MOMENTS if moment in moments]
    if problems:
        errors["review"] = problems
        return None
    return review


def _bands(value, errors: dict) -> list | None:
    """Overall feedback bands [{"min_percent": 80, "text": "<p>…</p>"}], stored highest first."""
    if not isinstance(value, list | tuple) or len(value) > MAX_BANDS:
        errors["overall_feedback"] = [
            gettext("A list of at most %(n)s bands, each {min_percent, text}.") % {"n": MAX_BANDS}
        ]
        return None
    bands, problems, seen = [], [], set()
    for index, band in enumerate(value, start=1):
        if not isinstance(band, dict) or set(band) - {"min_percent", "text"}:
            problems.append(gettext("Band %(n)s: an object {min_percent, text}.") % {"n": index})
            continue
        band_errors: dict = {}
        percent = _decimal(
            band.get("min_percent"), "min_percent", band_errors, low=Decimal(0), high=Decimal(100), places=2
        )
        text = band.get("text", "")
        if not isinstance(text, str) or len(text) > 20_000:
            band_errors["text"] = [gettext("Text of at most 20,000 characters.")]
        if band_errors:
            problems.append(
                gettext("Band %(n)s: %(errors)s")
                % {"n": index, "errors": " ".join(m for ms in band_errors.values() for m in ms)}
            )
            continue
        if percent in seen:
            problems.append(
                gettext("Band %(n)s: another band starts at %(p)s%%.") % {"n": index, "p": percent}
            )
            continue
        seen.add(percent)
        bands.append({"min_percent": float(percent), "text": sanitize_html(text)})
    if problems:
        errors["overall_feedback"] = problems
        return None
    return sorted(bands, key=lambda band: band["min_percent"], reverse=True)


def clean_settings(values: dict, current: Assessment | None = None) -> dict:
    """Validated settings: `values` over `current`'s (a new quiz: the model's defaults). Raises
    ValidationFailed with every field's problems at once."""
    unknown = sorted(set(values) - set(SETTINGS))
    if unknown:
        raise ValidationFailed({field: [gettext("Unknown field.")] for field in unknown})
    base = current or Assessment()
    merged = {name: getattr(base, name) for name in SETTINGS}
    merged.update(values)
    errors: dict[str, list[str]] = {}
    out: dict = {}
    description = merged["description"]
    if not isinstance(description, str) or len(description) > 200_000:
        errors["description"] = [gettext("At most 200,000 characters.")]
    else:
        out["description"] = sanitize_html(description) if "description" in values else description
    out["open_at"] = _datetime(merged["open_at"], "open_at", errors)
    out["close_at"] = _datetime(merged["close_at"], "close_at", errors)
    if out["open_at"] and out["close_at"] and out["open_at"] >= out["close_at"]:
        errors["close_at"] = [gettext("The quiz must close after it opens.")]
    out["time_limit"] = _integer(
        merged["time_limit"], "time_limit", errors, low=MIN_TIME_LIMIT, high=MAX_TIME_LIMIT, allow_none=True
    )
    if "time_limit" in errors:
        errors["time_limit"] = [gettext("From 1 minute to 1 week (in seconds), or empty for no limit.")]
    out["overdue_handling"] = _choice(
        merged["overdue_handling"], "overdue_handling", errors, Assessment.OverdueHandling
    )
    out["grace_period"] = _integer(
        merged["grace_period"], "grace_period", errors, low=0, high=MAX_GRACE_PERIOD
    )
    if (
        out["overdue_handling"] == Assessment.OverdueHandling.GRACE_PERIOD
        and out["grace_period"] is not None
        and out["grace_period"] < MIN_GRACE_PERIOD
    ):
        errors["grace_period"] = [gettext("A grace period is at least 60 seconds.")]
    out["attempts_allowed"] = _integer(
        merged["attempts_allowed"], "attempts_allowed", errors, low=0, high=MAX_ATTEMPTS
    )
    out["attempt_delay"] = _integer(
        merged["attempt_delay"], "attempt_delay", errors, low=0, high=MAX_ATTEMPT_DELAY
    )
    out["grade_method"] = _choice(merged["grade_method"], "grade_method", errors, Assessment.GradeMethod)
    out["max_grade"] = _decimal(
        merged["max_grade"], "max_grade", errors, low=Decimal("0.01"), high=MAX_GRADE, places=2
    )
    out["pass_grade"] = _decimal(
        merged["pass_grade"], "pass_grade", errors, low=Decimal(0), high=MAX_GRADE, places=2, allow_none=True
    )
    if (
        out["pass_grade"] is not None
        and out["max_grade"] is not None
        and out["pass_grade"] > out["max_grade"]
    ):
        errors["pass_grade"] = [gettext("The pass mark cannot be above the maximum grade.")]
    out["questions_per_page"] = _integer(
        merged["questions_per_page"], "questions_per_page", errors, low=0, high=MAX_PER_PAGE
    )
    out["navigation"] = _choice(merged["navigation"], "navigation", errors, Assessment.Navigation)
    out["behaviour"] = _choice(merged["behaviour"], "behaviour", errors, Assessment.Behaviour)
    for name in ("shuffle_questions", "shuffle_answers"):
        out[name] = _boolean(merged[name], name, errors)
    out["review"] = _review(merged["review"], errors)
    out["overall_feedback"] = _bands(merged["overall_feedback"], errors)
    out["decimal_points"] = _integer(
        merged["decimal_points"], "decimal_points", errors, low=0, high=MAX_DECIMAL_POINTS
    )
    out["password"] = clean_password(merged["password"], "password", errors)
    out["subnets"] = clean_subnets(merged["subnets"], "subnets", errors)
    if errors:
        raise ValidationFailed(errors)
    return out


def _reserve_assessment_id() -> int:
    """The next Assessment id, taken before its lesson exists (the lesson's first version names it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Assessment._meta.db_table])
        return cursor.fetchone()[0]


# --- quizzes --------------------------------------------------------------------------------------------


@transaction.atomic
def assessment_create(
    *, actor, module: Module, title: str, description: str = "", publish: bool = False, **settings
) -> Assessment:
    """A new quiz lesson at the end of `module` with its settings. `publish` shows it to learners at once
    (as the lesson editor's "Save and publish"); otherwise it waits for the course's "Publish changes"."""
    course = module.course
    if actor is not None and not can_edit_course(actor, course):
        raise PermissionDenied(
            gettext("Only this course's teachers, its branches' managers and Org Admins may change it.")
        )
    cleaned = clean_settings({"description": description, **settings})
    pk = _reserve_assessment_id()
    token = creating_assessment.set(pk)
    try:
        item = course_services.content_create(
            actor=actor, module=module, kind=QUIZ_KIND, title=title, data={"assessment_id": pk}
        )
    finally:
        creating_assessment.reset(token)
    assessment = Assessment(pk=pk, item=item, course=course, **cleaned)
    assessment.full_clean()
    assessment.save(force_insert=True)
    if publish:
        course_services.version_publish(actor=actor, item=item, version=item.latest_version)
    audit_record(
        actor=actor, action="assessment.created", target=item, changes={"assessment": pk, "course": course.pk}
    )
    return assessment


@transaction.atomic
def assessment_update(*, actor, assessment: Assessment, title: str | None = None, **settings) -> Assessment:
    """Change a quiz's settings (every one validated) and its lesson's title (a new lesson version,
    published at once when the lesson was up to date for learners). A new maximum grade rescales nothing
    here: the attempts part recomputes the stored grades."""
    _require_manager(actor, assessment)
    assessment = Assessment.objects.select_for_update().select_related("item").get(pk=assessment.pk)
    cleaned = clean_settings(settings, assessment)
    changed = sorted(name for name, value in cleaned.items() if getattr(assessment, name) != value)
    for name in changed:
        setattr(assessment, name, cleaned[name])
    if changed:
        assessment.full_clean()
        assessment.save()
    if title is not None and str(title).strip() != assessment.item.title:
        item = assessment.item
        up_to_date = (
            item.published_version_id is not None and item.published_version_id == item.latest_version_id
        )
        item = course_services.content_update(actor=actor, item=item, title=title, note="Quiz renamed")
        item.refresh_from_db()
        if up_to_date:
            course_services.version_publish(actor=actor, item=item, version=item.latest_version)
        assessment.item = item
        changed.append("title")
    if changed:
        audit_record(
            actor=actor, action="assessment.updated", target=assessment.item, changes={"fields": changed}
        )
    return assessment


def assessment_delete(*, actor, assessment: Assessment) -> None:
    """Delete the quiz with its lesson, through the courses' rules (refused once learners have history)."""
    _require_manager(actor, assessment)
    with transaction.atomic():
        if has_real_attempts(assessment):
            raise Conflict(
                gettext(
                    "Learners have attempted this quiz; unpublish its lesson instead so their results stay."
                )
            )
        course_services.content_delete(actor=actor, item=assessment.item)


# --- slots ----------------------------------------------------------------------------------------------


def _slots(assessment: Assessment) -> list[Slot]:
    return list(Slot.objects.filter(assessment=assessment).order_by("position"))


def _write_layout(assessment: Assessment, slots: list[Slot], pages: list[int]) -> None:
    """Store `slots` at positions 1..n with `pages` (made contiguous from 1, never decreasing)."""
    compact, last_raw, current = [], None, 0
    for raw in pages:
        if raw != last_raw:
            current += 1
            last_raw = raw
        compact.append(current)
    Slot.objects.filter(assessment=assessment).update(position=F("position") + 1_000_000)
    for index, slot in enumerate(slots):
        slot.position, slot.page = index + 1, compact[index]
    Slot.objects.bulk_update(slots, ["position", "page"])


def _usable_question(actor, question: Question) -> Question:
    queryset = Question.objects.filter(pk=question.pk)
    if actor is not None:
        queryset = queryset.filter(bank_filter(actor))
    found = queryset.select_related("latest_version").first()
    if found is None:
        raise NotFound(gettext("No such question."))
    return found


def _mark(value, default) -> Decimal:
    if value in (None, ""):
        return Decimal(str(default))
    errors: dict = {}
    mark = _decimal(value, "mark", errors, low=Decimal(0), high=MAX_MARK, places=4)
    if errors:
        raise ValidationFailed(errors)
    return mark


def _next_page(assessment: Assessment, slots: list[Slot], page) -> int:
    last = slots[-1].page if slots else 1
    if page not in (None, ""):
        errors: dict = {}
        number = _integer(page, "page", errors, low=1, high=last + 1)
        if errors:
            raise ValidationFailed(
                {"page": [gettext("A page from 1 to %(n)s (a new last page).") % {"n": last + 1}]}
            )
        if number < last:
            raise ValidationFailed({"page": [gettext("New questions go on the last page or a new one.")]})
        return number
    per_page = assessment.questions_per_page
    if slots and per_page and sum(1 for slot in slots if slot.page == last) >= per_page:
        return last + 1
    return last


@transaction.atomic
def slot_add_question(*, actor, assessment: Assessment, question: Question, mark=None, page=None) -> Slot:
    """Add a question of the bank at the end (its latest version when an attempt starts)."""
    _require_manager(actor, assessment)
    assessment = _lock(assessment)
    _require_no_attempts(assessment)
    question = _usable_question(actor, question)
    if question.hidden or question.latest_version is None:
        raise ValidationFailed({"question": [gettext("This question is hidden or has no version.")]})
    slots = _slots(assessment)
    default = 0 if question.qtype == "description" else question.latest_version.default_mark
    slot = Slot.objects.create(
        assessment=assessment,
        position=len(slots) + 1,
        page=_next_page(assessment, slots, page),
        question=question,
        mark=_mark(mark, default),
    )
    audit_record(
        actor=actor, action="assessment.slot_added", target=assessment.item, changes={"question": question.pk}
    )
    return slot


def _category_ids(category: QuestionCategory, subcategories: bool) -> list[int]:
    return list(category_tree_ids(category)) if subcategories else [category.pk]


def eligible_for_random(category: QuestionCategory, *, subcategories: bool = True, tag=None):
    """Questions a random slot may draw: visible, with a version, not text-only."""
    queryset = Question.objects.filter(
        category_id__in=_category_ids(category, subcategories), hidden=False, latest_version__isnull=False
    ).exclude(qtype="description")
    if tag is not None:
        queryset = queryset.filter(tags=tag)
    return queryset


@transaction.atomic
def slot_add_random(
    *,
    actor,
    assessment: Assessment,
    category: QuestionCategory,
    count=1,
    subcategories: bool = True,
    tag: Tag | None = None,
    mark=None,
) -> list[Slot]:
    """Add `count` slots that each draw one question per attempt from `category` (with its subcategories
    unless told otherwise; only questions with `tag` if given). Refused (422) when the category holds fewer
    eligible questions than asked for."""
    _require_manager(actor, assessment)
    assessment = _lock(assessment)
    _require_no_attempts(assessment)
    if actor is not None and not QuestionCategory.objects.filter(bank_filter(actor), pk=category.pk).exists():
        raise NotFound(gettext("No such category."))
    errors: dict = {}
    number = _integer(count, "count", errors, low=1, high=MAX_RANDOM)
    if errors:
        raise ValidationFailed(errors)
    available = eligible_for_random(category, subcategories=bool(subcategories), tag=tag).count()
    if available < number:
        raise NotEnoughQuestions(available, number)
    value = _mark(mark, 1)
    slots = _slots(assessment)
    created = []
    for _ in range(number):
        slot = Slot.objects.create(
            assessment=assessment,
            position=len(slots) + 1,
            page=_next_page(assessment, slots, None),
            random_category=category,
            random_subcategories=bool(subcategories),
            random_tag=tag,
            mark=value,
        )
        slots.append(slot)
        created.append(slot)
    audit_record(
        actor=actor,
        action="assessment.random_added",
        target=assessment.item,
        changes={"category": category.pk, "count": number},
    )
    return created


_UNSET = object()


@transaction.atomic
def slot_update(*, actor, slot: Slot, mark=_UNSET, page=_UNSET, question_version=_UNSET) -> Slot:
    """Change a slot's mark (always allowed: the attempts part regrades), its page (a page break before
    it: page = the previous slot's page, or one more) or its version (a QuestionVersion of its question,
    or None for "always the latest")."""
    assessment = slot.assessment
    _require_manager(actor, assessment)
    assessment = _lock(assessment)
    slot = Slot.objects.select_related("question").get(pk=slot.pk)
    changes = []
    if mark is not _UNSET:
        slot.mark = _mark(mark, slot.mark)
        slot.save(update_fields=["mark"])
        changes.append("mark")
    if question_version is not _UNSET:
        _require_no_attempts(assessment)
        if slot.is_random:
            raise ValidationFailed({"question_version": [gettext("A random slot has no version to pin.")]})
        version = question_version
        if version not in (None, "") and not isinstance(version, QuestionVersion):
            version = (
                QuestionVersion.objects.filter(question=slot.question, pk=version).first()
                if str(version).isdigit()
                else None
            )
            if version is None:
                raise ValidationFailed({"question_version": [gettext("No such version of this question.")]})
        if isinstance(version, QuestionVersion) and version.question_id != slot.question_id:
            raise ValidationFailed({"question_version": [gettext("No such version of this question.")]})
        slot.question_version = version or None
        slot.save(update_fields=["question_version"])
        changes.append("question_version")
    if page is not _UNSET:
        _require_no_attempts(assessment)
        slots = _slots(assessment)
        index = next(i for i, one in enumerate(slots) if one.pk == slot.pk)
        low = slots[index - 1].page if index else 1
        high = low + 1 if index else 1
        errors: dict = {}
        number = _integer(page, "page", errors, low=low, high=high)
        if errors:
            raise ValidationFailed(
                {
                    "page": [
                        gettext("Page %(low)s (with the question before) or %(high)s (a new page).")
                        % {"low": low, "high": high}
                    ]
                }
            )
        delta = number - slots[index].page
        pages = [one.page + (delta if i >= index else 0) for i, one in enumerate(slots)]
        _write_layout(assessment, slots, pages)
        slot = next(one for one in slots if one.pk == slot.pk)
        changes.append("page")
    if changes:
        audit_record(
            actor=actor,
            action="assessment.slot_updated",
            target=assessment.item,
            changes={"slot": slot.pk, "fields": changes},
        )
    return slot


@transaction.atomic
def page_break_set(*, actor, assessment: Assessment, after_position: int, present: bool) -> list[Slot]:
    """Put (or take away) a page break after the slot at `after_position`."""
    _require_manager(actor, assessment)
    assessment = _lock(assessment)
    _require_no_attempts(assessment)
    slots = _slots(assessment)
    errors: dict = {}
    position = _integer(after_position, "after_position", errors, low=1, high=max(len(slots) - 1, 1))
    if errors or len(slots) < 2:
        raise ValidationFailed({"after_position": [gettext("A break goes between two questions.")]})
    index = position  # the slot after the break
    has_break = slots[index].page != slots[index - 1].page
    if has_break != bool(present):
        delta = 1 if present else -1
        pages = [one.page + (delta if i >= index else 0) for i, one in enumerate(slots)]
        _write_layout(assessment, slots, pages)
        audit_record(
            actor=actor,
            action="assessment.page_break",
            target=assessment.item,
            changes={"after": position, "present": bool(present)},
        )
    return slots


@transaction.atomic
def slot_remove(*, actor, slot: Slot) -> None:
    assessment = slot.assessment
    _require_manager(actor, assessment)
    assessment = _lock(assessment)
    _require_no_attempts(assessment)
    Slot.objects.filter(pk=slot.pk).delete()
    slots = _slots(assessment)
    _write_layout(assessment, slots, [one.page for one in slots])
    audit_record(
        actor=actor, action="assessment.slot_removed", target=assessment.item, changes={"slot": slot.pk}
    )


@transaction.atomic
def slots_reorder(*, actor, assessment: Assessment, order: list) -> list[Slot]:
    """Put the slots in the given order (every slot id once). The pages stay as they were by position: the
    n-th question is on the page the n-th question was on."""
    _require_manager(actor, assessment)
    assessment = _lock(assessment)
    _require_no_attempts(assessment)
    slots = _slots(assessment)
    by_id = {slot.pk: slot for slot in slots}
    try:
        ids = [int(value) for value in order]
    except (TypeError, ValueError):
        ids = None
    if ids is None or sorted(ids) != sorted(by_id) or len(set(ids)) != len(ids):
        raise ValidationFailed({"order": [gettext("List every slot of the quiz once.")]})
    pages = [slot.page for slot in slots]
    ordered = [by_id[pk] for pk in ids]
    _write_layout(assessment, ordered, pages)
    audit_record(actor=actor, action="assessment.slots_reordered", target=assessment.item)
    return ordered


def slot_move(*, actor, slot: Slot, direction: str) -> list[Slot]:
    """The builder's Up and Down buttons: swap with the neighbour."""
    if direction not in ("up", "down"):
        raise ValidationFailed({"direction": [gettext("Use 'up' or 'down'.")]})
    ids = [one.pk for one in _slots(slot.assessment)]
    index = ids.index(slot.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return slots_reorder(actor=actor, assessment=slot.assessment, order=ids)


@transaction.atomic
def repaginate(*, actor, assessment: Assessment, per_page) -> list[Slot]:
    """`per_page` questions on each page (0: all on one page); it becomes the quiz's questions per page."""
    _require_manager(actor, assessment)
    assessment = _lock(assessment)
    _require_no_attempts(assessment)
    errors: dict = {}
    number = _integer(per_page, "per_page", errors, low=0, high=MAX_PER_PAGE)
    if errors:
        raise ValidationFailed(errors)
    slots = _slots(assessment)
    _write_layout(assessment, slots, [(i // number) + 1 if number else 1 for i in range(len(slots))])
    if assessment.questions_per_page != number:
        Assessment.objects.filter(pk=assessment.pk).update(
            questions_per_page=number, updated_at=timezone.now()
        )
    audit_record(
        actor=actor, action="assessment.repaginated", target=assessment.item, changes={"per_page": number}
    )
    return slots


# --- overrides ------------------------------------------------------------------------------------------


def _clean_override(assessment: Assessment, values: dict, current: Override | None = None) -> dict:
    unknown = sorted(set(values) - set(OVERRIDE_SETTINGS))
    if unknown:
        raise ValidationFailed({field: [gettext("Unknown field.")] for field in unknown})
    merged = {name: getattr(current, name) if current else None for name in OVERRIDE_SETTINGS}
    merged.update(values)
    errors: dict[str, list[str]] = {}
    out = {
        "open_at": _datetime(merged["open_at"], "open_at", errors),
        "close_at": _datetime(merged["close_at"], "close_at", errors),
        "time_limit": _integer(
            merged["time_limit"], "time_limit", errors, low=0, high=MAX_TIME_LIMIT, allow_none=True
        ),
        "attempts_allowed": _integer(
            merged["attempts_allowed"], "attempts_allowed", errors, low=0, high=MAX_ATTEMPTS, allow_none=True
        ),
        "password": clean_password(merged["password"], "password", errors),
    }
    if out["time_limit"] not in (None, 0) and out["time_limit"] < MIN_TIME_LIMIT:
        errors["time_limit"] = [gettext("From 1 minute to 1 week (in seconds); 0 lifts the limit.")]
    if "time_limit" in errors:
        errors["time_limit"] = [gettext("From 1 minute to 1 week (in seconds); 0 lifts the limit.")]
    opens = out["open_at"] or assessment.open_at
    closes = out["close_at"] or assessment.close_at
    if "open_at" not in errors and "close_at" not in errors and opens and closes and opens >= closes:
        errors["close_at"] = [gettext("The quiz must close after it opens (with this override).")]
    if not errors and all(out[name] in (None, "") for name in OVERRIDE_SETTINGS):
        errors["non_field_errors"] = [gettext("Change at least one setting.")]
    if errors:
        raise ValidationFailed(errors)
    return out


@transaction.atomic
def override_create(*, actor, assessment: Assessment, user=None, school_class=None, **values) -> Override:
    """A person's or a class's own window, time limit (0: none), attempts (0: unlimited) or password."""
    _require_manager(actor, assessment)
    if (user is None) == (school_class is None):
        raise ValidationFailed({"user": [gettext("Choose a person or a class (one of them).")]})
    if user is not None:
        user_pk = getattr(user, "pk", user)
        if not str(user_pk).isdigit() or (
            actor is not None and not visible_people(viewer=actor).filter(pk=user_pk).exists()
        ):
            raise ValidationFailed({"user": [gettext("No such person.")]})
        user = user_pk
    if school_class is not None:
        class_pk = getattr(school_class, "pk", school_class)
        if not str(class_pk).isdigit() or (
            actor is not None and hierarchy_selectors.class_get(viewer=actor, pk=class_pk) is None
        ):
            raise ValidationFailed({"school_class": [gettext("No such class.")]})
        school_class = class_pk
    cleaned = _clean_override(assessment, values)
    try:
        with transaction.atomic():
            override = Override.objects.create(
                assessment=assessment, user_id=user, school_class_id=school_class, **cleaned
            )
    except IntegrityError as exc:
        raise Conflict(
            gettext("This person or class already has an override of this quiz: change that one.")
        ) from exc
    audit_record(
        actor=actor,
        action="assessment.override_created",
        target=assessment.item,
        changes={"override": override.pk, "user": user, "school_class": school_class},
    )
    return override


@transaction.atomic
def override_update(*, actor, override: Override, **values) -> Override:
    _require_manager(actor, override.assessment)
    cleaned = _clean_override(override.assessment, values, override)
    for name, value in cleaned.items():
        setattr(override, name, value)
    override.save(update_fields=list(cleaned))
    audit_record(
        actor=actor,
        action="assessment.override_updated",
        target=override.assessment.item,
        changes={"override": override.pk, "fields": sorted(values)},
    )
    return override


@transaction.atomic
def override_delete(*, actor, override: Override) -> None:
    _require_manager(actor, override.assessment)
    audit_record(
        actor=actor,
        action="assessment.override_deleted",
        target=override.assessment.item,
        changes={"override": override.pk},
    )
    override.delete()
