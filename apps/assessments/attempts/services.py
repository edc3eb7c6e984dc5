"""Writes on quiz attempts: start, save, check (interactive), submit, time expiry, reopen, manual grading and
regrading (Moodle's mod/quiz quiz_attempt and question behaviours, on the server's clock only).

States: inprogress -> overdue -> finished | abandoned. An attempt's deadline (`close_at`) is fixed at start:
the earlier of start + time limit and the quiz's close, after overrides. On every save, check and submit:

- time is up when now > close_at - MIN_TIME_TO_CONTINUE (Moodle's QUIZ_MIN_TIME_TO_CONTINUE, 2 s);
- it is too late when now > close_at + grace_min() (Moodle's graceperiodmin, 60 s: the network allowance):
  what the request carries is discarded and the saved answers are graded instead;
- under "grace period" handling the attempt becomes overdue (only submitting is left) and is abandoned after
  close_at + grace_period; otherwise it is submitted at once.

The overdue task (tasks.py, attempts_process_overdue) does the same for attempts nobody touches. Previews (an
editor trying the quiz) are not held to the deadline, as in Moodle, and never count in results or events.

Access rules (access_rules.py): a quiz's password is asked when an attempt starts (not when the open one is
resumed); its networks hold for starting, resuming, saving, checking and submitting. `client_ip` is the
request's client address (apps.core.api.throttling.client_ip, behind NUM_PROXIES trusted proxies); none
given is in no network. Previews are held to neither.

Every step is an AttemptStep row; the row of the attempt is locked (select_for_update) by every write, so a
double submit does nothing the second time and raises `assessment.submitted` once.
"""

import contextlib
import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from apps.audit.services import audit_record
from apps.core.errors import InvalidState, NotFound, PermissionDenied, ValidationFailed
from apps.courses.models import Enrollment
from apps.events import emit

from .. import events
from ..access_rules import (
    QuizNetworkRestricted,
    QuizPasswordInvalid,
    QuizPasswordRequired,
    address_allowed,
    password_matches,
)
from ..models import (
    Assessment,
    AssessmentGrade,
    Attempt,
    AttemptStep,
    Question,
    QuestionAttempt,
    QuestionVersion,
    Slot,
)
from ..permissions import can_manage, learners_filter
from . import _quiz

MIN_TIME_TO_CONTINUE = 2  # seconds (QUIZ_MIN_TIME_TO_CONTINUE)
MARK_PLACES = Decimal("0.0001")
MAX_COMMENT = 20_000
Q = QuestionAttempt.State
S = AttemptStep.Action
OPEN = [Attempt.State.IN_PROGRESS, Attempt.State.OVERDUE]


def grace_min() -> int:
    """The hidden network allowance after an attempt's deadline (Moodle's graceperiodmin)."""
    return int(getattr(settings, "QUIZ_GRACE_MIN_SECONDS", 60))


def _qtype(code: str):
    from .. import qtypes

    found = qtypes.qtype_for(code)
    if found is None:
        raise InvalidState(gettext("This question's type is not available."))
    return found


def _has_response(qtype) -> bool:
    return getattr(qtype, "has_response", True)


def _mark(fraction: float | None, max_mark: Decimal) -> Decimal | None:
    if fraction is None:
        return None
    return (Decimal(str(fraction)) * Decimal(max_mark)).quantize(MARK_PLACES, rounding=ROUND_HALF_UP)


def _step(attempt, action, *, actor=None, slot=None, state="", fraction=None, response=None, now=None):
    return AttemptStep(
        attempt=attempt,
        slot=slot,
        action=action,
        state=state or "",
        fraction=fraction,
        response=response,
        actor=actor if getattr(actor, "pk", None) else None,
        created_at=now or timezone.now(),
    )


def _locked(attempt: Attempt) -> Attempt:
    """The attempt's row, locked until the transaction ends, with its quiz."""
    return (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("assessment__item", "assessment__course", "user")
        .get(pk=attempt.pk)
    )


def _question_attempts(attempt: Attempt) -> list[QuestionAttempt]:
    return list(attempt.questions.select_related("question_version").order_by("slot"))


def _require_owner(actor, attempt: Attempt) -> None:
    if actor is None or attempt.user_id != actor.pk:
        raise PermissionDenied(gettext("Only the learner who started this attempt may answer it."))


def _require_open(attempt: Attempt) -> None:
    if attempt.state not in OPEN:
        raise InvalidState(gettext("This attempt is no longer in progress."))


def _deadline(attempt: Attempt, now: datetime) -> tuple[bool, bool]:
    """(time is up, too late): Moodle's quiz_attempt::process_attempt. Previews have no deadline."""
    if attempt.close_at is None or attempt.preview:
        return False, False
    timeup = now > attempt.close_at - timedelta(seconds=MIN_TIME_TO_CONTINUE)
    toolate = now > attempt.close_at + timedelta(seconds=grace_min())
    return timeup, toolate


def _require_network(assessment: Assessment, client_ip: str | None) -> None:
    if assessment.subnets and not address_allowed(client_ip, assessment.subnets):
        raise QuizNetworkRestricted()


def require_network(attempt: Attempt, client_ip: str | None) -> None:
    """403 when the attempt (not a preview) is answered from outside its quiz's networks: what the pages that
    show an attempt to answer check before showing it."""
    if not attempt.preview:
        _require_network(attempt.assessment, client_ip)


def _require_password(effective, password) -> None:
    if not effective.passwords:
        return
    if password in (None, ""):
        raise QuizPasswordRequired()
    if not password_matches(password, effective.passwords):
        raise QuizPasswordInvalid()


def _enrolled(user, assessment: Assessment) -> bool:
    return (
        Enrollment.objects.filter(course_id=assessment.course_id, user=user)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .exists()
    )


def _event_payload(attempt: Attempt) -> dict:
    assessment = attempt.assessment
    return {
        "attempt_id": attempt.pk,
        "assessment_id": assessment.pk,
        "item_id": assessment.item_id,
        "course_id": assessment.course_id,
        "user_id": attempt.user_id,
        "attempt_number": attempt.number,
    }


# --- start -----------------------------------------------------------------------------------------------


@dataclass
class StartResult:
    attempt: Attempt
    created: bool


def _check_may_start(assessment: Assessment, user, now: datetime, effective) -> None:
    if effective.open_at and now < effective.open_at:
        raise InvalidState(gettext("This quiz is not open yet."))
    if effective.close_at and now >= effective.close_at:
        raise InvalidState(gettext("This quiz is closed."))
    counted = Attempt.objects.filter(assessment=assessment, user=user, preview=False)
    if effective.attempts_allowed and counted.count() >= effective.attempts_allowed:
        raise InvalidState(gettext("You have used all the attempts this quiz allows."))
    if assessment.attempt_delay:
        last = counted.filter(finished_at__isnull=False).aggregate(last=Max("finished_at"))["last"]
        if last and now < last + timedelta(seconds=assessment.attempt_delay):
            raise InvalidState(
                gettext("You may start a new attempt after %(when)s.")
                % {"when": timezone.localtime(last + timedelta(seconds=assessment.attempt_delay))}
            )


def _draw(assessment: Assessment, rng: random.Random) -> list[tuple[Slot, QuestionVersion]]:
    """Each slot's question version: a fixed question's pinned or latest version; a random slot's question
    drawn from its category (with subcategories), not hidden, with the tag if any, never twice in one
    attempt (nor a question a fixed slot already holds)."""
    slots = list(
        assessment.slots.select_related(
            "question__latest_version", "question_version", "random_category"
        ).order_by("position")
    )
    used = {slot.question_id for slot in slots if slot.question_id}
    drawn: list[tuple[Slot, QuestionVersion | int]] = []
    for slot in slots:
        if not slot.is_random:
            version = slot.question_version or slot.question.latest_version
            if version is None:
                raise InvalidState(gettext("A question of this quiz has no version yet."))
            drawn.append((slot, version))
            continue
        category_ids = (
            _quiz.category_tree_ids(slot.random_category)
            if slot.random_subcategories
            else [slot.random_category_id]
        )
        candidates = Question.objects.filter(
            category_id__in=category_ids, hidden=False, latest_version__isnull=False
        ).exclude(pk__in=used)
        if slot.random_tag_id:
            candidates = candidates.filter(tags=slot.random_tag_id)
        ids = sorted(candidates.values_list("pk", flat=True))
        if not ids:
            raise InvalidState(
                gettext("The category “%(name)s” has no more questions for this quiz's random slots.")
                % {"name": slot.random_category.name}
            )
        chosen = rng.choice(ids)
        used.add(chosen)
        drawn.append((slot, chosen))  # the question's id: its latest version is read below, in one query
    random_ids = [v for _, v in drawn if isinstance(v, int)]
    versions = {
        q.pk: q.latest_version
        for q in Question.objects.filter(pk__in=random_ids).select_related("latest_version")
    }
    return [(slot, versions[v] if isinstance(v, int) else v) for slot, v in drawn]


def _layout(positions: list[int], per_page: int, shuffle: bool, rng: random.Random) -> list[list[int]]:
    """Pages of slot numbers: `per_page` a page (0: all on one page), shuffled within each page."""
    size = per_page or max(len(positions), 1)
    pages = [positions[i : i + size] for i in range(0, len(positions), size)] or [[]]
    if shuffle:
        for page in pages:
            rng.shuffle(page)
    return pages


@transaction.atomic
def attempt_start(
    *, actor, assessment: Assessment, preview: bool = False, password=None, client_ip=None
) -> StartResult:
    """Start an attempt (or return the learner's open one: at most one is open). Learners must be enrolled
    in the course; an editor of the quiz who is not enrolled starts a preview. A new attempt needs the
    quiz's `password` when it has one (403 QUIZ_PASSWORD_REQUIRED / QUIZ_PASSWORD_INVALID); starting and
    resuming need `client_ip` in the quiz's networks when it has some (403 QUIZ_NETWORK_RESTRICTED)."""
    editor = can_manage(actor, assessment)
    enrolled = _enrolled(actor, assessment)
    if preview and not editor:
        raise PermissionDenied(gettext("Only this course's teachers may preview the quiz."))
    if not enrolled and not editor:
        raise InvalidState(gettext("Enroll in the course to take this quiz."))
    preview = preview or not enrolled
    existing = (
        Attempt.objects.select_for_update(of=("self",))
        .filter(assessment=assessment, user=actor, state__in=OPEN)
        .first()
    )
    if existing is not None:
        if not existing.preview:
            _require_network(assessment, client_ip)
        return StartResult(existing, False)
    now = timezone.now()
    effective = _quiz.effective_settings(assessment, actor)
    if not preview:
        _check_may_start(assessment, actor, now, effective)
        _require_network(assessment, client_ip)
        _require_password(effective, password)
    rng = random.Random(secrets.randbits(64))  # noqa: S311 - shuffles and draws, no secret
    drawn = _draw(assessment, rng)
    close_candidates = [effective.close_at] if effective.close_at else []
    if effective.time_limit:
        close_candidates.append(now + timedelta(seconds=effective.time_limit))
    close_at = min(close_candidates) if close_candidates else None
    number = (
        Attempt.objects.filter(assessment=assessment, user=actor).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    layout = _layout([slot.position for slot, _ in drawn], assessment.questions_per_page,
                     assessment.shuffle_questions, rng)  # fmt: skip
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                assessment=assessment,
                user=actor,
                number=number,
                preview=preview,
                started_at=now,
                close_at=close_at,
                check_state_at=None if preview else close_at,
                layout=layout,
                current_page=0,
            )
    except IntegrityError:  # a concurrent start won: the same attempt for both
        existing = Attempt.objects.filter(assessment=assessment, user=actor, state__in=OPEN).first()
        if existing is None:
            raise
        return StartResult(existing, False)
    rows = []
    for slot, version in drawn:
        qtype = _qtype(version.qtype)
        rows.append(
            QuestionAttempt(
                attempt=attempt,
                slot=slot.position,
                question_version=version,
                max_mark=slot.mark if _has_response(qtype) else Decimal("0"),
                order=qtype.shuffle_order(version.data, rng, assessment.shuffle_answers) or {},
                response={},
                state=Q.TODO,
            )
        )
    QuestionAttempt.objects.bulk_create(rows)
    _step(attempt, S.START, actor=actor, state=attempt.state, now=now).save()
    attempt.assessment = assessment
    return StartResult(attempt, True)


# --- save -----------------------------------------------------------------------------------------------


@dataclass
class SaveResult:
    attempt: Attempt
    outcome: str  # "saved", "overdue", "finished", "abandoned"
    changed: list[int] = field(default_factory=list)
    discarded: bool = False  # what the request carried came too late


def _clean_responses(responses) -> dict[int, object]:
    if responses is None:
        return {}
    if not isinstance(responses, dict):
        raise ValidationFailed({"responses": [gettext("An object of slot number to answer.")]})
    cleaned = {}
    for key, value in responses.items():
        try:
            slot = int(str(key))
        except (TypeError, ValueError):
            raise ValidationFailed({"responses": [gettext("Keys are slot numbers.")]}) from None
        cleaned[slot] = value
    return cleaned


def _page_of(attempt: Attempt, slot: int) -> int | None:
    for index, page in enumerate(attempt.layout or []):
        if slot in page:
            return index
    return None


def _apply_responses(attempt, qas, responses: dict, *, actor, now) -> list[int]:
    """Store each changed, canonical response (one SAVE step per slot whose answer changed)."""
    by_slot = {qa.slot: qa for qa in qas}
    sequential = attempt.assessment.navigation == Assessment.Navigation.SEQUENTIAL
    changed, steps = [], []
    for slot, raw in responses.items():
        qa = by_slot.get(slot)
        if qa is None or qa.locked:
            continue
        if sequential and (_page_of(attempt, slot) or 0) < attempt.current_page:
            continue  # sequential navigation: earlier pages cannot be changed
        version = qa.question_version
        qtype = _qtype(version.qtype)
        if not _has_response(qtype):
            continue
        canonical = qtype.clean_response(version.data, raw, qa.order) or {}
        if canonical == (qa.response or {}):
            continue
        qa.response = canonical
        qa.state = Q.TODO if qtype.is_blank(version.data, canonical) else Q.COMPLETE
        qa.fraction = None
        qa.mark = None
        changed.append(slot)
        steps.append(
            _step(attempt, S.SAVE, actor=actor, slot=slot, state=qa.state, response=canonical, now=now)
        )
    if changed:
        QuestionAttempt.objects.bulk_update(
            [by_slot[s] for s in changed], ["response", "state", "fraction", "mark"]
        )
        AttemptStep.objects.bulk_create(steps)
    return changed


def _move_to(attempt: Attempt, page) -> None:
    if page is None:
        return
    try:
        page = int(page)
    except (TypeError, ValueError):
        raise ValidationFailed({"page": [gettext("A page number.")]}) from None
    last = max(len(attempt.layout or []) - 1, 0)
    page = min(max(page, 0), last)
    if attempt.assessment.navigation == Assessment.Navigation.SEQUENTIAL:
        page = max(page, attempt.current_page)
    if page != attempt.current_page:
        attempt.current_page = page
        attempt.save(update_fields=["current_page", "updated_at"])


def _time_up(attempt, qas, responses, *, actor, now, toolate, source="timeout") -> SaveResult:
    """What happens when a request arrives after the deadline (Moodle's process_attempt)."""
    assessment = attempt.assessment
    grace = assessment.overdue_handling == Assessment.OverdueHandling.GRACE_PERIOD
    if grace:
        if now > attempt.close_at + timedelta(seconds=assessment.grace_period + grace_min()):
            _abandon(attempt, actor=actor, now=now)
            return SaveResult(attempt, "abandoned", discarded=bool(responses))
        changed = [] if toolate else _apply_responses(attempt, qas, responses, actor=actor, now=now)
        if attempt.state == Attempt.State.IN_PROGRESS:
            _go_overdue(attempt, actor=actor, now=now)
        return SaveResult(attempt, "overdue", changed, discarded=toolate and bool(responses))
    changed = [] if toolate else _apply_responses(attempt, qas, responses, actor=actor, now=now)
    _finish(attempt, qas, actor=actor, now=now, finished_at=now, source=source)
    return SaveResult(attempt, "finished", changed, discarded=toolate and bool(responses))


def _apply_flags(qas, flags: dict) -> None:
    """The learner's "flag for later" marks ({slot: bool}); no step (Moodle logs no step for flags)."""
    flip = [qa for qa in qas if qa.slot in flags and bool(flags[qa.slot]) != qa.flagged]
    for qa in flip:
        qa.flagged = not qa.flagged
    if flip:
        QuestionAttempt.objects.bulk_update(flip, ["flagged"])


@transaction.atomic
def attempt_save(
    *, actor, attempt: Attempt, responses=None, page=None, flags=None, client_ip=None
) -> SaveResult:
    """Save answers ({slot: raw answer}) of the caller's open attempt, flags ({slot: bool}), and move to
    `page` (0-based). The autosave sends the same. After the deadline, see the module's docstring."""
    responses = _clean_responses(responses)
    flags = _clean_responses(flags)
    attempt = _locked(attempt)
    _require_owner(actor, attempt)
    _require_open(attempt)
    require_network(attempt, client_ip)
    now = timezone.now()
    qas = _question_attempts(attempt)
    timeup, toolate = _deadline(attempt, now)
    if timeup:
        return _time_up(attempt, qas, responses, actor=actor, now=now, toolate=toolate)
    if attempt.state == Attempt.State.OVERDUE:  # a preview or an extended deadline: back in progress
        attempt.state = Attempt.State.IN_PROGRESS
        attempt.save(update_fields=["state", "updated_at"])
    changed = _apply_responses(attempt, qas, responses, actor=actor, now=now)
    _apply_flags(qas, flags)
    _move_to(attempt, page)
    return SaveResult(attempt, "saved", changed)


# --- check (interactive behaviour) ----------------------------------------------------------------------


@dataclass
class CheckResult:
    attempt: Attempt
    question: QuestionAttempt | None
    outcome: str  # "checked", or the SaveResult's outcome when time was up
    hint: str = ""
    feedback: list[str] = field(default_factory=list)
    discarded: bool = False  # time was up and the answer came too late


def max_tries(version: QuestionVersion) -> int:
    return len(version.hints or []) + 1


@transaction.atomic
def attempt_check(*, actor, attempt: Attempt, slot, response=None, client_ip=None) -> CheckResult:
    """Interactive behaviour: grade one question now. A right answer, or the last try, locks it; a wrong
    try costs the version's penalty (the final mark is the fraction minus the penalties of the earlier
    wrong tries, floored at 0) and shows the next hint."""
    attempt = _locked(attempt)
    _require_owner(actor, attempt)
    _require_open(attempt)
    require_network(attempt, client_ip)
    if attempt.assessment.behaviour != Assessment.Behaviour.INTERACTIVE:
        raise InvalidState(gettext("This quiz gives feedback only after it is submitted."))
    try:
        slot = int(str(slot))
    except (TypeError, ValueError):
        raise NotFound(gettext("No such question in this attempt.")) from None
    now = timezone.now()
    qas = _question_attempts(attempt)
    responses = {} if response is None else {slot: response}
    timeup, toolate = _deadline(attempt, now)
    if timeup:
        result = _time_up(attempt, qas, responses, actor=actor, now=now, toolate=toolate)
        return CheckResult(result.attempt, None, result.outcome, discarded=result.discarded)
    qa = next((one for one in qas if one.slot == slot), None)
    if qa is None:
        raise NotFound(gettext("No such question in this attempt."))
    version = qa.question_version
    qtype = _qtype(version.qtype)
    if not _has_response(qtype) or not qtype.auto_graded:
        raise InvalidState(gettext("This question is not checked automatically."))
    if qa.locked:
        raise InvalidState(gettext("This question is already finished."))
    if responses:
        _apply_responses(attempt, qas, responses, actor=actor, now=now)
    if qtype.is_blank(version.data, qa.response or {}):
        raise ValidationFailed({"response": [gettext("Please answer the question before checking it.")]})
    grade = qtype.grade(version.data, qa.response or {}, qa.order)
    qa.tries += 1
    adjusted = max(0.0, float(grade.fraction or 0) - qa.penalty)
    hint = ""
    if grade.state == Q.RIGHT or qa.tries >= max_tries(version):
        qa.locked = True
        qa.fraction = adjusted
        qa.mark = _mark(adjusted, qa.max_mark)
    else:
        qa.penalty = qa.penalty + float(version.penalty)
        qa.fraction = None
        qa.mark = None
        hints = version.hints or []
        hint = hints[qa.tries - 1] if qa.tries - 1 < len(hints) else ""
    qa.state = grade.state
    qa.save(update_fields=["tries", "penalty", "locked", "fraction", "mark", "state"])
    _step(attempt, S.CHECK, actor=actor, slot=qa.slot, state=qa.state, fraction=adjusted,
          response=qa.response, now=now).save()  # fmt: skip
    return CheckResult(attempt, qa, "checked", hint, list(grade.feedback))


# --- submit, finish, abandon ----------------------------------------------------------------------------


def _grade_question(attempt: Attempt, qa: QuestionAttempt) -> bool:
    """Grade one question at the end of the attempt; True when it changed."""
    version = qa.question_version
    qtype = _qtype(version.qtype)
    if not _has_response(qtype) or qa.state == Q.MANUAL:
        return False
    if attempt.assessment.behaviour == Assessment.Behaviour.INTERACTIVE and qa.locked:
        return False
    grade = qtype.grade(version.data, qa.response or {}, qa.order)
    if grade.state == Q.NEEDS_GRADING or grade.fraction is None:
        qa.state, qa.fraction, qa.mark = Q.NEEDS_GRADING, None, None
        return True
    fraction = float(grade.fraction)
    if attempt.assessment.behaviour == Assessment.Behaviour.INTERACTIVE:
        fraction = max(0.0, fraction - qa.penalty)
    qa.state, qa.fraction, qa.mark = grade.state, fraction, _mark(fraction, qa.max_mark)
    return True


def totals(attempt: Attempt, qas: list[QuestionAttempt]) -> tuple[Decimal | None, Decimal | None, bool]:
    """(sum of marks, grade out of the quiz's max_grade, needs grading); the sums are None while a question
    waits for a teacher (Moodle's null sumgrades)."""
    waiting = any(qa.state == Q.NEEDS_GRADING for qa in qas)
    if waiting:
        return None, None, True
    total_max = sum((Decimal(qa.max_mark) for qa in qas), Decimal("0"))
    sum_marks = sum((Decimal(qa.mark) for qa in qas if qa.mark is not None), Decimal("0"))
    max_grade = Decimal(attempt.assessment.max_grade)
    grade = sum_marks / total_max * max_grade if total_max > 0 else Decimal("0")
    return sum_marks.quantize(MARK_PLACES), grade.quantize(MARK_PLACES, rounding=ROUND_HALF_UP), False


def _finish(attempt, qas, *, actor, now, finished_at, source) -> None:
    steps = []
    changed = []
    for qa in qas:
        if _grade_question(attempt, qa):
            changed.append(qa)
            steps.append(_step(attempt, S.GRADE, slot=qa.slot, state=qa.state, fraction=qa.fraction, now=now))
    if changed:
        QuestionAttempt.objects.bulk_update(changed, ["state", "fraction", "mark"])
    attempt.sum_marks, attempt.grade, attempt.needs_grading = totals(attempt, qas)
    attempt.state = Attempt.State.FINISHED
    attempt.finished_at = finished_at
    attempt.check_state_at = None
    attempt.save(
        update_fields=[
            "sum_marks",
            "grade",
            "needs_grading",
            "state",
            "finished_at",
            "check_state_at",
            "updated_at",
        ]
    )
    steps.insert(0, _step(attempt, S.SUBMIT, actor=actor, state=attempt.state, now=now))
    if not attempt.needs_grading:
        steps.append(_step(attempt, S.GRADE, state=attempt.state, now=now))
    AttemptStep.objects.bulk_create(steps)
    if attempt.preview:
        return
    emit(
        events.ASSESSMENT_SUBMITTED,
        key=f"{events.ASSESSMENT_SUBMITTED}:{attempt.pk}",
        payload={
            **_event_payload(attempt),
            "submitted_at": finished_at.isoformat(),
            "source": source,
            "needs_grading": attempt.needs_grading,
        },
        actor=actor,
    )
    _after_grading(attempt, actor=actor, now=now, regrade=False, previous=None)


def _abandon(attempt, *, actor, now) -> None:
    attempt.state = Attempt.State.ABANDONED
    attempt.check_state_at = None
    attempt.save(update_fields=["state", "check_state_at", "updated_at"])
    _step(attempt, S.ABANDON, actor=actor, state=attempt.state, now=now).save()


def _go_overdue(attempt, *, actor, now) -> None:
    attempt.state = Attempt.State.OVERDUE
    attempt.check_state_at = attempt.close_at + timedelta(seconds=attempt.assessment.grace_period)
    attempt.save(update_fields=["state", "check_state_at", "updated_at"])
    _step(attempt, S.OVERDUE, actor=actor, state=attempt.state, now=now).save()


@transaction.atomic
def attempt_submit(
    *, actor, attempt: Attempt, source: str = "learner", responses=None, client_ip=None
) -> SaveResult:
    """Submit the caller's attempt (saving `responses` first, when they arrive in time) and grade it.
    Idempotent: a finished or abandoned attempt is returned as it is, nothing raised twice."""
    responses = _clean_responses(responses)
    attempt = _locked(attempt)
    if attempt.state not in OPEN:
        return SaveResult(attempt, "finished" if attempt.state == Attempt.State.FINISHED else "abandoned")
    _require_owner(actor, attempt)
    require_network(attempt, client_ip)
    now = timezone.now()
    qas = _question_attempts(attempt)
    timeup, toolate = _deadline(attempt, now)
    grace = attempt.assessment.overdue_handling == Assessment.OverdueHandling.GRACE_PERIOD
    if timeup and grace:
        if now > attempt.close_at + timedelta(seconds=attempt.assessment.grace_period + grace_min()):
            _abandon(attempt, actor=actor, now=now)
            return SaveResult(attempt, "abandoned", discarded=bool(responses))
        changed = _apply_responses(attempt, qas, responses, actor=actor, now=now)
        _finish(attempt, qas, actor=actor, now=now, finished_at=now, source=source)
        return SaveResult(attempt, "finished", changed)
    changed = [] if toolate else _apply_responses(attempt, qas, responses, actor=actor, now=now)
    _finish(attempt, qas, actor=actor, now=now, finished_at=now, source="timeout" if toolate else source)
    return SaveResult(attempt, "finished", changed, discarded=toolate and bool(responses))


# --- the learner's grade, events, completion -------------------------------------------------------------


def recompute_grade(assessment: Assessment, user) -> tuple[AssessmentGrade | None, bool]:
    """The learner's grade over their finished, non-preview attempts by the quiz's grading method; returns
    (the grade row or None, whether it has just reached the pass mark)."""
    grades = list(
        Attempt.objects.filter(assessment=assessment, user=user, state=Attempt.State.FINISHED, preview=False)
        .order_by("number")
        .values_list("grade", flat=True)
    )
    method = assessment.grade_method
    chosen = (
        grades[:1]
        if method == Assessment.GradeMethod.FIRST
        else grades[-1:]
        if method == Assessment.GradeMethod.LAST
        else grades
    )
    values = [g for g in chosen if g is not None]
    existing = AssessmentGrade.objects.select_for_update().filter(assessment=assessment, user=user).first()
    if not values:
        if existing is not None:
            existing.delete()
        return None, False
    if method == Assessment.GradeMethod.HIGHEST:
        value = max(values)
    elif method == Assessment.GradeMethod.AVERAGE:
        value = (sum(values, Decimal("0")) / len(values)).quantize(MARK_PLACES, rounding=ROUND_HALF_UP)
    else:
        value = values[0]
    passed = assessment.pass_grade is not None and value >= assessment.pass_grade
    was_passed = existing is not None and existing.passed
    if existing is None:
        existing = AssessmentGrade.objects.create(
            assessment=assessment, user=user, grade=value, passed=passed
        )
    elif existing.grade != value or existing.passed != passed:
        existing.grade, existing.passed = value, passed
        existing.save(update_fields=["grade", "passed", "updated_at"])
    return existing, passed and not was_passed


def _complete_lesson(attempt: Attempt) -> None:
    from apps.courses.services import progress_complete_by_system

    # Not enrolled (any more), or the lesson was unpublished: nothing to complete.
    with contextlib.suppress(InvalidState, NotFound):
        progress_complete_by_system(
            item=attempt.assessment.item, user=attempt.user, source=f"quiz:{attempt.assessment_id}"
        )


def _after_grading(attempt, *, actor, now, regrade: bool, previous) -> None:
    """The attempt's grade is final (or changed): the learner's quiz grade, `assessment.graded`, and the
    first pass (`assessment.passed`, lesson completion)."""
    assessment = attempt.assessment
    quiz_grade, just_passed = recompute_grade(assessment, attempt.user)
    if attempt.needs_grading or attempt.grade is None:
        return
    if previous is None or previous != attempt.grade:
        marker = (
            AttemptStep.objects.filter(attempt=attempt, slot__isnull=True)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        max_grade = float(assessment.max_grade)
        emit(
            events.ASSESSMENT_GRADED,
            key=f"{events.ASSESSMENT_GRADED}:{attempt.pk}:{marker}",
            payload={
                **_event_payload(attempt),
                "grade": float(attempt.grade),
                "max_grade": max_grade,
                "percent": round(float(attempt.grade) / max_grade * 100, 4) if max_grade else 0.0,
                "quiz_grade": float(quiz_grade.grade) if quiz_grade else 0.0,
                "passed": bool(quiz_grade and quiz_grade.passed),
                "graded_at": now.isoformat(),
                "regrade": regrade,
            },
            actor=actor,
        )
    if just_passed:
        emit(
            events.ASSESSMENT_PASSED,
            key=f"{events.ASSESSMENT_PASSED}:{assessment.pk}:{attempt.user_id}",
            payload={
                **_event_payload(attempt),
                "grade": float(quiz_grade.grade),
                "pass_grade": float(assessment.pass_grade) if assessment.pass_grade is not None else None,
                "passed_at": now.isoformat(),
            },
            actor=actor,
        )
    if just_passed or (assessment.pass_grade is None and quiz_grade is not None):
        _complete_lesson(attempt)


# --- time expiry in the background ----------------------------------------------------------------------


def _expire(attempt: Attempt, now: datetime) -> str:
    """Moodle's handle_if_time_expired for an attempt nobody is submitting."""
    assessment = attempt.assessment
    if attempt.close_at is None or attempt.preview:
        attempt.check_state_at = None
        attempt.save(update_fields=["check_state_at", "updated_at"])
        return "skipped"
    if now < attempt.close_at:
        attempt.check_state_at = attempt.close_at
        attempt.save(update_fields=["check_state_at", "updated_at"])
        return "skipped"
    if attempt.state == Attempt.State.OVERDUE:
        if now - attempt.close_at >= timedelta(seconds=assessment.grace_period):
            _abandon(attempt, actor=None, now=now)
            return "abandoned"
        attempt.check_state_at = attempt.close_at + timedelta(seconds=assessment.grace_period)
        attempt.save(update_fields=["check_state_at", "updated_at"])
        return "skipped"
    handling = assessment.overdue_handling
    if handling == Assessment.OverdueHandling.GRACE_PERIOD:
        _go_overdue(attempt, actor=None, now=now)
        return "overdue"
    if handling == Assessment.OverdueHandling.AUTOABANDON:
        _abandon(attempt, actor=None, now=now)
        return "abandoned"
    _finish(
        attempt, _question_attempts(attempt), actor=None, now=now, finished_at=attempt.close_at, source="task"
    )
    return "finished"


def attempts_process_overdue(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Submit, make overdue or abandon the open attempts whose deadline (check_state_at) passed more than
    grace_min() ago, each in its own transaction, locked and looked at again (safe to run twice, and
    beside a learner submitting at the same moment). Returns counts by outcome."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=grace_min())
    due = list(
        Attempt.objects.filter(state__in=OPEN, check_state_at__lte=cutoff)
        .order_by("check_state_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for pk in due:
        with transaction.atomic():
            attempt = (
                Attempt.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("assessment__item", "assessment__course", "user")
                .filter(pk=pk, state__in=OPEN, check_state_at__lte=cutoff)
                .first()
            )
            if attempt is None:
                continue
            outcome = _expire(attempt, now)
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


# --- editors: reopen, manual grading, regrading ----------------------------------------------------------


def _require_manager(actor, assessment, attempt: Attempt | None = None) -> None:
    """An editor of the quiz's course; for one attempt, also one who may see its learner (else: not found)."""
    if attempt is not None and not (
        attempt.user_id == getattr(actor, "pk", None)
        or Attempt.objects.filter(learners_filter(actor), pk=attempt.pk).exists()
    ):
        raise NotFound(gettext("No such attempt."))
    if not can_manage(actor, assessment):
        raise PermissionDenied(gettext("Only this course's teachers may do this."))


@transaction.atomic
def attempt_reopen(*, actor, attempt: Attempt) -> Attempt:
    """An abandoned attempt back in progress (Moodle's process_reopen_abandoned); when its deadline has
    passed it is submitted at once, with the answers it had."""
    attempt = _locked(attempt)
    _require_manager(actor, attempt.assessment, attempt)
    if attempt.state != Attempt.State.ABANDONED:
        raise InvalidState(gettext("Only an attempt that was never submitted can be reopened."))
    if Attempt.objects.filter(assessment=attempt.assessment, user=attempt.user, state__in=OPEN).exists():
        raise InvalidState(gettext("This learner already has an attempt in progress."))
    now = timezone.now()
    attempt.state = Attempt.State.IN_PROGRESS
    attempt.check_state_at = None if attempt.preview else attempt.close_at
    attempt.save(update_fields=["state", "check_state_at", "updated_at"])
    _step(attempt, S.REOPEN, actor=actor, state=attempt.state, now=now).save()
    audit_record(actor=actor, action="assessment.attempt_reopened", target=attempt)
    if attempt.close_at is not None and now >= attempt.close_at and not attempt.preview:
        _finish(attempt, _question_attempts(attempt), actor=actor, now=now,
                finished_at=attempt.close_at, source="timeout")  # fmt: skip
    return attempt


def _parse_mark(mark, max_mark: Decimal) -> Decimal:
    try:
        value = Decimal(str(mark).strip().replace(",", "."))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed({"mark": [gettext("A number.")]}) from None
    if not value.is_finite() or isinstance(mark, bool) or mark is None:
        raise ValidationFailed({"mark": [gettext("A number.")]})
    if value < 0 or value > max_mark:
        raise ValidationFailed({"mark": [gettext("Between 0 and %(max)s.") % {"max": max_mark.normalize()}]})
    return value.quantize(MARK_PLACES, rounding=ROUND_HALF_UP)


@transaction.atomic
def grade_manually(*, actor, attempt: Attempt, slot, mark, comment: str = "") -> QuestionAttempt:
    """A teacher's mark (0..max mark) and comment on one question of a submitted attempt. The attempt's
    grade is final once no question waits any more (then `assessment.graded`)."""
    from apps.courses.rendering import sanitize_html

    attempt = _locked(attempt)
    _require_manager(actor, attempt.assessment, attempt)
    if attempt.state != Attempt.State.FINISHED:
        raise InvalidState(gettext("Only a submitted attempt can be graded."))
    qas = _question_attempts(attempt)
    try:
        slot = int(str(slot))
    except (TypeError, ValueError):
        raise NotFound(gettext("No such question in this attempt.")) from None
    qa = next((one for one in qas if one.slot == slot), None)
    if qa is None:
        raise NotFound(gettext("No such question in this attempt."))
    if not _has_response(_qtype(qa.question_version.qtype)):
        raise InvalidState(gettext("This question has no marks."))
    value = _parse_mark(mark, Decimal(qa.max_mark))
    if not isinstance(comment, str) or len(comment) > MAX_COMMENT:
        raise ValidationFailed({"comment": [gettext("At most %(n)s characters.") % {"n": MAX_COMMENT}]})
    now = timezone.now()
    previous = attempt.grade
    qa.mark = value
    qa.fraction = float(value / Decimal(qa.max_mark)) if qa.max_mark else 0.0
    qa.state = Q.MANUAL
    qa.comment = sanitize_html(comment)
    qa.graded_by = actor
    qa.graded_at = now
    qa.save(update_fields=["mark", "fraction", "state", "comment", "graded_by", "graded_at"])
    steps = [
        _step(
            attempt, S.MANUAL_GRADE, actor=actor, slot=qa.slot, state=qa.state, fraction=qa.fraction, now=now
        )
    ]
    attempt.sum_marks, attempt.grade, attempt.needs_grading = totals(attempt, qas)
    attempt.save(update_fields=["sum_marks", "grade", "needs_grading", "updated_at"])
    if not attempt.needs_grading:
        steps.append(_step(attempt, S.GRADE, actor=actor, state=attempt.state, now=now))
    AttemptStep.objects.bulk_create(steps)
    audit_record(
        actor=actor,
        action="assessment.attempt_graded",
        target=attempt,
        changes={"slot": qa.slot, "mark": str(value)},
    )
    if not attempt.preview:
        _after_grading(attempt, actor=actor, now=now, regrade=previous is not None, previous=previous)
    return qa


def _regrade_plan(attempt: Attempt, qas, pinned: set[int]) -> tuple[list[dict], list[QuestionAttempt]]:
    """What a regrade would change: each question moved to its question's latest version (unless a slot pins
    its version, or the type changed) and graded again; manual marks and essays waiting are kept."""
    changes, changed = [], []
    interactive = attempt.assessment.behaviour == Assessment.Behaviour.INTERACTIVE
    for qa in qas:
        old_version = qa.question_version
        if qa.state in (Q.MANUAL, Q.NEEDS_GRADING):
            continue
        latest = old_version.question.latest_version
        version = old_version
        movable = latest is not None and latest.pk != old_version.pk and old_version.pk not in pinned
        if movable and latest.qtype == old_version.qtype:
            version = latest
        qtype = _qtype(version.qtype)
        if not _has_response(qtype):
            continue
        grade = qtype.grade(version.data, qa.response or {}, qa.order)
        if grade.fraction is None:
            continue
        fraction = float(grade.fraction)
        if interactive and (qa.locked or qa.tries):
            fraction = max(0.0, fraction - qa.penalty)
        mark = _mark(fraction, qa.max_mark)
        if version.pk == old_version.pk and mark == qa.mark and grade.state == qa.state:
            continue
        changes.append(
            {
                "slot": qa.slot,
                "old_version": old_version.number,
                "new_version": version.number,
                "old_mark": None if qa.mark is None else str(qa.mark),
                "new_mark": str(mark),
                "old_state": qa.state,
                "new_state": grade.state,
            }
        )
        qa.question_version, qa.fraction, qa.mark, qa.state = version, fraction, mark, grade.state
        changed.append(qa)
    return changes, changed


def _regrade_one(attempt: Attempt, *, actor, dry_run: bool, pinned: set[int], now) -> dict | None:
    qas = list(
        attempt.questions.select_related("question_version__question__latest_version").order_by("slot")
    )
    changes, changed = _regrade_plan(attempt, qas, pinned)
    if not changes:
        return None
    sum_marks, grade, needs = totals(attempt, qas)
    report = {
        "attempt_id": attempt.pk,
        "user_id": attempt.user_id,
        "attempt_number": attempt.number,
        "old_grade": None if attempt.grade is None else str(attempt.grade),
        "new_grade": None if grade is None else str(grade),
        "questions": changes,
    }
    if dry_run:
        return report
    previous = attempt.grade
    QuestionAttempt.objects.bulk_update(changed, ["question_version", "fraction", "mark", "state"])
    attempt.sum_marks, attempt.grade, attempt.needs_grading = sum_marks, grade, needs
    attempt.save(update_fields=["sum_marks", "grade", "needs_grading", "updated_at"])
    AttemptStep.objects.bulk_create(
        [
            _step(
                attempt, S.REGRADE, actor=actor, slot=qa.slot, state=qa.state, fraction=qa.fraction, now=now
            )
            for qa in changed
        ]
        + [_step(attempt, S.REGRADE, actor=actor, state=attempt.state, now=now)]
    )
    if not attempt.preview:
        _after_grading(attempt, actor=actor, now=now, regrade=True, previous=previous)
    return report


def _pinned(assessment) -> set[int]:
    return set(
        Slot.objects.filter(assessment=assessment, question_version__isnull=False).values_list(
            "question_version_id", flat=True
        )
    )


@transaction.atomic
def regrade_attempt(*, actor, attempt: Attempt, dry_run: bool = False) -> dict | None:
    """Grade a submitted attempt again after its questions were fixed; None when nothing would change."""
    attempt = _locked(attempt)
    _require_manager(actor, attempt.assessment, attempt)
    if attempt.state != Attempt.State.FINISHED:
        raise InvalidState(gettext("Only a submitted attempt can be regraded."))
    report = _regrade_one(attempt, actor=actor, dry_run=dry_run, pinned=_pinned(attempt.assessment),
                          now=timezone.now())  # fmt: skip
    if not dry_run and report:
        audit_record(actor=actor, action="assessment.attempt_regraded", target=attempt)
    return report


@transaction.atomic
def regrade_assessment(*, actor, assessment: Assessment, dry_run: bool = True) -> list[dict]:
    """Regrade the submitted attempts of the quiz of the learners the actor may see (as its results show
    them); with dry_run, only the list of what would change."""
    _require_manager(actor, assessment)
    now = timezone.now()
    pinned = _pinned(assessment)
    attempts = Attempt.objects.filter(
        learners_filter(actor), assessment=assessment, state=Attempt.State.FINISHED
    ).order_by("pk")
    if not dry_run:
        attempts = attempts.select_for_update(of=("self",))
    reports = []
    for attempt in attempts.select_related("assessment__item", "assessment__course", "user"):
        report = _regrade_one(attempt, actor=actor, dry_run=dry_run, pinned=pinned, now=now)
        if report:
            reports.append(report)
    if not dry_run and reports:
        audit_record(
            actor=actor, action="assessment.regraded", target=assessment, changes={"attempts": len(reports)}
        )
    return reports
