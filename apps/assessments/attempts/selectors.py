"""Reads of quiz attempts, scoped by the viewer: a learner sees their own attempts; the editors of a quiz's
course see the attempts of the learners they may see (apps.assessments.permissions.learners_filter). A
forbidden attempt and a missing one are both None.

What a learner is shown of a question comes from the question type's learner_view (never a fraction, a
correct flag or an accepted answer); a review shows the rest only as the quiz's review options allow at
the moment (Moodle's mod_quiz_display_options): during the attempt, immediately after (2 minutes), later
while the quiz is open, after it closes.
"""

from datetime import datetime, timedelta

from django.db.models import Exists, F, Field, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import scope_of
from apps.courses.selectors import RowSql

from ..models import REVIEW_FIELDS, Assessment, AssessmentGrade, Attempt, QuestionAttempt
from ..permissions import can_manage, editable_course_ids, learners_filter
from . import _quiz

IMMEDIATELY_AFTER = timedelta(minutes=2)  # Moodle's quiz_attempt::IMMEDIATELY_AFTER_PERIOD
Q_STATE = QuestionAttempt.State


def _digits(pk) -> bool:
    return str(pk).isdigit() and len(str(pk)) < 12


def _editable(viewer, field: str) -> Q:
    """Rows whose course (`field`) the viewer may edit: every row for an Org Admin, who edits every course
    (the same rows as the subquery of editable_course_ids, without it)."""
    if scope_of(viewer).is_org_admin:
        return Q()
    return Q(**{f"{field}__in": editable_course_ids(viewer)})


def _visible(viewer) -> Q:
    """Attempts the viewer may see: their own, and those of learners they may see in courses they edit."""
    if scope_of(viewer).is_org_admin:
        return Q()  # every course, every learner: their own attempts are among them
    own = Q(user_id=getattr(viewer, "pk", None) or 0)
    return own | (Q(assessment__course_id__in=editable_course_ids(viewer)) & learners_filter(viewer))


def manages(viewer, assessment: Assessment) -> bool:
    """permissions.can_manage(), without reading the quiz's course for an Org Admin (who manages them all)."""
    scope = scope_of(viewer)
    if scope.user_id is not None and scope.is_org_admin:
        return True
    return can_manage(viewer, assessment)


def attempt_list(
    *, viewer, assessment: Assessment | None = None, user=None, state: str | None = None
) -> QuerySet[Attempt]:
    queryset = Attempt.objects.filter(_visible(viewer))
    if assessment is not None:
        queryset = queryset.filter(assessment=assessment)
    if user is not None:
        queryset = queryset.filter(user=user)
    if state:
        queryset = queryset.filter(state=state)
    return queryset.select_related("assessment__item", "assessment__course", "user").order_by(
        "assessment_id", "user_id", "number"
    )


def attempt_get(*, viewer, pk, lean: bool = False) -> Attempt | None:
    """The attempt when the viewer may see it, with its quiz, the quiz's lesson and course, and its learner
    (`lean`: with its quiz only, what the API's reads of an attempt use)."""
    if not _digits(pk):
        return None
    related = ("assessment",) if lean else ("assessment__item", "assessment__course", "user")
    attempts = Attempt.objects.select_related(*related)
    scope = scope_of(viewer)
    if not scope.can_author():
        # A learner's attempt is most often their own, visible by _visible's first rule: looked up without
        # building the other (the courses they may edit and the learners they may see) unless it is not.
        own = attempts.filter(pk=pk, user_id=getattr(viewer, "pk", None) or 0).first()
        if own is not None:
            return own
    return attempts.filter(_visible(viewer), pk=pk).first()


def learner_grade(assessment: Assessment, user) -> AssessmentGrade | None:
    return AssessmentGrade.objects.filter(assessment=assessment, user=user).first()


def open_attempt(assessment: Assessment, user) -> Attempt | None:
    return Attempt.objects.filter(assessment=assessment, user=user, state__in=Attempt.OPEN).first()


def grading_queue(*, viewer, assessment: Assessment | None = None) -> QuerySet[QuestionAttempt]:
    """Questions of submitted (non-preview) attempts waiting for a teacher's mark, in the courses the viewer
    edits and of the learners they may see, oldest submission first."""
    queryset = QuestionAttempt.objects.filter(
        learners_filter(viewer, field="attempt__user_id"),
        state=Q_STATE.NEEDS_GRADING,
        attempt__state=Attempt.State.FINISHED,
        attempt__preview=False,
        attempt__assessment__course_id__in=editable_course_ids(viewer),
    )
    if assessment is not None:
        queryset = queryset.filter(attempt__assessment=assessment)
    return queryset.select_related(
        "attempt__user", "attempt__assessment__item", "attempt__assessment__course", "question_version"
    ).order_by("attempt__finished_at", "attempt_id", "slot")


def attempt_rows(*, viewer, assessment: Assessment) -> QuerySet[Attempt]:
    """attempt_list() of one quiz for the API's representation: the learner's name and email annotated
    (`user_full_name`, `user_email`), the quiz given (not loaded again)."""
    return (
        Attempt.objects.filter(_visible(viewer), assessment=assessment)
        .annotate(user_full_name=F("user__full_name"), user_email=F("user__email"))
        .order_by("assessment_id", "user_id", "number")
    )


def grading_rows(*, viewer, assessment: Assessment | None = None) -> QuerySet[QuestionAttempt]:
    """grading_queue() for the API's representation: the same rows in the same order, what a row shows of
    its attempt, quiz, learner and question annotated (`g_*`), only the columns shown loaded."""
    queryset = QuestionAttempt.objects.filter(
        learners_filter(viewer, field="attempt__user_id"),
        _editable(viewer, "attempt__assessment__course_id"),
        state=Q_STATE.NEEDS_GRADING,
        attempt__state=Attempt.State.FINISHED,
        attempt__preview=False,
    )
    if assessment is not None:
        queryset = queryset.filter(attempt__assessment=assessment)
    return (
        queryset.only("id", "attempt_id", "slot", "response", "max_mark", "state")
        .annotate(
            g_assessment_id=F("attempt__assessment_id"),
            g_title=F("attempt__assessment__item__title"),
            g_course_id=F("attempt__assessment__course_id"),
            g_user_id=F("attempt__user_id"),
            g_user_full_name=F("attempt__user__full_name"),
            g_user_email=F("attempt__user__email"),
            g_finished_at=F("attempt__finished_at"),
            g_question=F("question_version__name"),
            g_text=F("question_version__text"),
        )
        .order_by("attempt__finished_at", "attempt_id", "slot")
    )


# A results row's questions, (slot, state, mark, max_mark) by slot, as a JSON array read with the page's
# rows (`{attempt}`: the row's attempt): the marks as text, as str() of the stored value writes them.
_QUESTION_ROWS_SQL = (
    """(SELECT COALESCE(json_agg(json_build_array(ls_q."slot", ls_q."state", ls_q."mark"::text, """  # noqa: S608
    """ls_q."max_mark"::text) ORDER BY ls_q."slot"), '[]')"""
    f' FROM "{QuestionAttempt._meta.db_table}" ls_q WHERE ls_q."attempt_id" = {{attempt}})'
)
# What ResultSerializer writes of the attempt itself (no layout, no other times to read).
RESULT_FIELDS = (
    "id",
    "user_id",
    "number",
    "state",
    "started_at",
    "finished_at",
    "needs_grading",
    "sum_marks",
    "grade",
)


def result_rows(*, assessment: Assessment, viewer, **filters) -> QuerySet[Attempt]:
    """results_for() for the API's representation: the columns shown, the learner's name and email
    (`user_full_name`, `user_email`) and the marks per question (`question_rows`) in the page's one query."""
    return (
        results_for(assessment=assessment, viewer=viewer, **filters)
        .select_related(None)
        .only(*RESULT_FIELDS)
        .annotate(
            user_full_name=F("user__full_name"),
            user_email=F("user__email"),
            question_rows=RowSql(_QUESTION_ROWS_SQL, {"attempt": "pk"}, output_field=Field()),
        )
    )


def results_for(
    *, assessment: Assessment, viewer, school_class=None, branch=None, state: str | None = None
) -> QuerySet[Attempt]:
    """The quiz's (non-preview) attempts of the learners the viewer may see, for its editors (none for
    others), optionally of one class's or one branch's learners, or in one state."""
    if not manages(viewer, assessment):
        return Attempt.objects.none()
    queryset = Attempt.objects.filter(learners_filter(viewer), assessment=assessment, preview=False)
    if school_class is not None:
        queryset = queryset.filter(
            Exists(RoleAssignment.objects.filter(user_id=OuterRef("user_id"), school_class=school_class))
        )
    if branch is not None:
        queryset = queryset.filter(
            Exists(RoleAssignment.objects.filter(user_id=OuterRef("user_id"), branch=branch))
        )
    if state:
        queryset = queryset.filter(state=state)
    return queryset.select_related("user").order_by("user__full_name", "user__email", "number")


def question_attempts(attempt: Attempt) -> list[QuestionAttempt]:
    return list(attempt.questions.select_related("question_version").order_by("slot"))


# --- time --------------------------------------------------------------------------------------------------


def seconds_left(attempt: Attempt, now: datetime | None = None) -> int | None:
    """Seconds until the attempt's deadline on the server's clock (None: no deadline; 0 once passed)."""
    if attempt.close_at is None or not attempt.is_open:
        return None
    now = now or timezone.now()
    return max(0, int((attempt.close_at - now).total_seconds()))


# --- what a learner is shown -----------------------------------------------------------------------------


def qtype_of(code):
    """The registered question type of this code, or None."""
    from .. import qtypes

    return qtypes.qtype_for(code)


_qtype = qtype_of


def _answerable(qtype) -> bool:
    return qtype is not None and getattr(qtype, "has_response", True)


def numbering(attempt: Attempt, qas: list[QuestionAttempt]) -> dict[int, int | None]:
    """Question numbers in the order shown (descriptions are not numbered)."""
    by_slot = {qa.slot: qa for qa in qas}
    numbers, count = {}, 0
    for page in attempt.layout or []:
        for slot in page:
            qa = by_slot.get(slot)
            if qa is None:
                continue
            if _answerable(_qtype(qa.question_version.qtype)):
                count += 1
                numbers[slot] = count
            else:
                numbers[slot] = None
    return numbers


def _shown_state(qa: QuestionAttempt, correctness: bool) -> str:
    if correctness or qa.state in (Q_STATE.TODO, Q_STATE.COMPLETE):
        return qa.state
    return Q_STATE.TODO if not qa.response else Q_STATE.COMPLETE


def review_moment(attempt: Attempt, now: datetime | None = None) -> str:
    """Moodle's quiz_attempt_state: during, immediately (within 2 minutes of submitting), open (later while
    the quiz is open for the learner), closed (after the learner's effective close)."""
    if attempt.is_open:
        return "during"
    now = now or timezone.now()
    effective = _quiz.effective_settings(attempt.assessment, attempt.user_id)
    if effective.close_at and now >= effective.close_at:
        return "closed"
    if attempt.finished_at and now < attempt.finished_at + IMMEDIATELY_AFTER:
        return "immediately"
    return "open"


def allowed_fields(attempt: Attempt, viewer, now: datetime | None = None) -> tuple[str, set[str]]:
    """(moment, the review fields the viewer may see now): everything for the quiz's editors."""
    if viewer is not None and viewer.pk != attempt.user_id and manages(viewer, attempt.assessment):
        return "editor", set(REVIEW_FIELDS)
    moment = review_moment(attempt, now)
    return moment, set(_quiz.review_allowed(attempt.assessment, moment))


def page_slots(attempt: Attempt, page: int) -> list[int]:
    layout = attempt.layout or []
    return list(layout[page]) if 0 <= page < len(layout) else []


def question_payload(
    attempt: Attempt, qa: QuestionAttempt, number, fields: set[str], *, during: bool
) -> dict:
    """One question as the viewer may see it. During an attempt: the learner view and the saved response;
    an interactive question once checked shows its state, hint and (per the "during" options) feedback.
    In a review: what `fields` allow."""
    version = qa.question_version
    qtype = _qtype(version.qtype)
    answerable = _answerable(qtype)
    interactive = attempt.assessment.behaviour == Assessment.Behaviour.INTERACTIVE
    data = {
        "slot": qa.slot,
        "number": number,
        "qtype": version.qtype,
        "text": version.text,
        "max_mark": str(qa.max_mark) if answerable else None,
        "view": qtype.learner_view(version.data, qa.order) if qtype else {},
        "flagged": qa.flagged,
    }
    if not answerable:
        return data
    checked = interactive and (qa.tries > 0)
    show_response = during or "attempt" in fields
    data["response"] = (qa.response or {}) if show_response else None
    if show_response and qtype is not None and not during:
        data["response_summary"] = qtype.response_summary(version.data, qa.response or {}, qa.order)
    correctness = "correctness" in fields or (during and checked)
    data["state"] = _shown_state(qa, correctness)
    if during and interactive:
        data["locked"] = qa.locked
        data["tries_left"] = 0 if qa.locked else max(0, len(version.hints or []) + 1 - qa.tries)
        if checked and not qa.locked:
            hints = version.hints or []
            data["hint"] = hints[qa.tries - 1] if qa.tries - 1 < len(hints) else ""
    if not during or checked:
        if "marks" in fields and (not during or qa.locked):
            data["mark"] = None if qa.mark is None else str(qa.mark)
        if "specific_feedback" in fields and qtype is not None and qa.response:
            grade = qtype.grade(version.data, qa.response or {}, qa.order)
            data["feedback"] = list(grade.feedback)
        if "specific_feedback" in fields and qa.comment:
            data["comment"] = qa.comment
        if "general_feedback" in fields and (not during or qa.locked):
            data["general_feedback"] = version.general_feedback
        if "right_answer" in fields and qtype is not None and (not during or qa.locked):
            data["right_answer"] = qtype.right_answer(version.data)
    return data


def attempt_summary(attempt: Attempt, qas: list[QuestionAttempt] | None = None, now=None) -> dict:
    """The attempt's state, the server's seconds left, and its pages with each slot's state and flag
    (what a learner's navigation panel shows: answered or not, never right or wrong in deferred mode)."""
    qas = question_attempts(attempt) if qas is None else qas
    by_slot = {qa.slot: qa for qa in qas}
    numbers = numbering(attempt, qas)
    interactive = attempt.assessment.behaviour == Assessment.Behaviour.INTERACTIVE
    now = now or timezone.now()
    left = seconds_left(attempt, now)
    pages = []
    for index, page in enumerate(attempt.layout or []):
        slots = []
        for slot in page:
            qa = by_slot.get(slot)
            if qa is None:
                continue
            checked = interactive and qa.tries > 0
            slots.append(
                {
                    "slot": slot,
                    "number": numbers.get(slot),
                    "state": _shown_state(qa, checked and attempt.is_open),
                    "flagged": qa.flagged,
                }
            )
        pages.append({"page": index, "slots": slots})
    return {
        "id": attempt.pk,
        "assessment": attempt.assessment_id,
        "number": attempt.number,
        "state": attempt.state,
        "preview": attempt.preview,
        "started_at": attempt.started_at,
        "close_at": attempt.close_at,
        "finished_at": attempt.finished_at,
        "seconds_left": left,
        "time_up": left == 0 if left is not None else False,
        "current_page": attempt.current_page,
        "navigation": attempt.assessment.navigation,
        "behaviour": attempt.assessment.behaviour,
        "page_count": len(attempt.layout or []),
        "pages": pages,
    }


def attempt_page(attempt: Attempt, page: int, viewer=None) -> list[dict]:
    """The questions of one page, as the learner answers them (no answers, no fractions)."""
    qas = question_attempts(attempt)
    by_slot = {qa.slot: qa for qa in qas}
    numbers = numbering(attempt, qas)
    during = set(_quiz.review_allowed(attempt.assessment, "during"))
    return [
        question_payload(attempt, by_slot[slot], numbers.get(slot), during, during=True)
        for slot in page_slots(attempt, page)
        if slot in by_slot
    ]


def overall_feedback(assessment: Assessment, grade) -> str:
    if grade is None or not assessment.max_grade:
        return ""
    percent = float(grade) / float(assessment.max_grade) * 100
    bands = sorted(
        (b for b in (assessment.overall_feedback or []) if isinstance(b, dict)),
        key=lambda b: -float(b.get("min_percent") or 0),
    )
    for band in bands:
        if percent >= float(band.get("min_percent") or 0):
            return str(band.get("text") or "")
    return ""


def review(attempt: Attempt, *, viewer, now: datetime | None = None) -> dict:
    """The review of an attempt as the viewer may see it now (the attempt's learner: by the review options of
    the moment; the quiz's editors: everything)."""
    moment, fields = allowed_fields(attempt, viewer, now)
    qas = question_attempts(attempt)
    numbers = numbering(attempt, qas)
    order = [slot for page in attempt.layout or [] for slot in page]
    by_slot = {qa.slot: qa for qa in qas}
    data = {
        "attempt": attempt_summary(attempt, qas, now),
        "moment": moment,
        "shown": sorted(fields),
        "questions": [
            question_payload(attempt, by_slot[slot], numbers.get(slot), fields, during=False)
            for slot in order
            if slot in by_slot
        ],
    }
    if "marks" in fields:
        data["grade"] = None if attempt.grade is None else str(attempt.grade)
        data["sum_marks"] = None if attempt.sum_marks is None else str(attempt.sum_marks)
        data["max_grade"] = str(attempt.assessment.max_grade)
        data["needs_grading"] = attempt.needs_grading
    if "overall_feedback" in fields:
        data["overall_feedback"] = overall_feedback(attempt.assessment, attempt.grade)
    return data
