"""Pages of quiz attempts: start (from the quiz lesson), take (one page of questions as a plain form; works
without JavaScript, attempt.js adds the countdown and autosave), summary, submit, review; for teachers the
results table (CSV), the grading queue and grade form, regrading with a dry run, reopening.

A learner's attempt is theirs: anyone else gets 404, unless they edit the quiz's course and may see the
learner (then they read it, and only the learner answers it: 403). The services decide; pages translate."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from apps.core.api.throttling import client_ip
from apps.core.errors import ApplicationError, ValidationFailed
from apps.core.pages import forbidden, member_required, message_for, refusal
from apps.courses.rendering import sanitize_html
from apps.hierarchy import selectors as hierarchy_selectors

from ..access_rules import QuizPasswordInvalid, QuizPasswordRequired
from ..permissions import can_manage
from . import _quiz, selectors, services
from .csv_export import results_csv
from .forms import GradeForm, QuizPasswordForm, RegradeForm, ResultsFilterForm

MANAGE_FORBIDDEN = _("Only this course's teachers, its branches' managers and Org Admins may do this.")


def _html(value) -> str:
    return mark_safe(sanitize_html(str(value or "")))  # sanitized by nh3 just before


def _attempt_or_404(request, pk):
    attempt = selectors.attempt_get(viewer=request.user, pk=pk)
    if attempt is None:
        raise Http404
    return attempt


def _assessment_or_404(request, pk):
    assessment = _quiz.assessment_get(viewer=request.user, pk=pk)
    if assessment is None:
        raise Http404
    return assessment


def _lesson_url(assessment) -> str:
    return reverse("courses:lesson", args=[assessment.course_id, assessment.item_id])


def _take_url(attempt, page=None) -> str:
    url = reverse("assessments:attempt_take", args=[attempt.pk])
    return f"{url}?page={page}" if page is not None else url


def _owns(request, attempt) -> bool:
    return attempt.user_id == request.user.pk


# --- what a form posts -----------------------------------------------------------------------------------


def _posted_response(post, slot: int, qtype: str):
    """One question's raw answer from the page's form fields (named q<slot>-...), for its clean_response."""
    prefix = f"q{slot}-"
    if qtype == "choice":
        return {"choice": post.get(prefix + "choice")}
    if qtype == "multiple":
        return {"choices": post.getlist(prefix + "choices")}
    if qtype == "truefalse":
        return {"answer": post.get(prefix + "answer")}
    if qtype in ("shortanswer", "essay"):
        return {"text": post.get(prefix + "text", "")}
    if qtype == "numeric":
        return {"value": post.get(prefix + "value", "")}
    if qtype == "matching":
        return {
            "matches": {
                k[len(prefix + "match-") :]: v
                for k, v in post.items()
                if k.startswith(prefix + "match-") and v
            }
        }
    if qtype == "ordering":
        return {
            "positions": {
                k[len(prefix + "pos-") :]: v for k, v in post.items() if k.startswith(prefix + "pos-") and v
            }
        }
    return None


def _posted(request, attempt) -> tuple[dict, dict]:
    """(responses, flags) for the slots of the page the form showed (its hidden `slots` field)."""
    shown = set()
    for value in (request.POST.get("slots") or "").split(","):
        if value.strip().isdigit():
            shown.add(int(value))
    responses, flags = {}, {}
    for qa in selectors.question_attempts(attempt):
        if qa.slot not in shown:
            continue
        raw = _posted_response(request.POST, qa.slot, qa.question_version.qtype)
        if raw is not None:
            responses[qa.slot] = raw
        flags[qa.slot] = request.POST.get(f"q{qa.slot}-flag") == "1"
    return responses, flags


def _after(request, result, then: str):
    """Where a save or submit leads, by what became of the attempt."""
    attempt = result.attempt
    if result.outcome in ("finished", "abandoned"):
        if result.discarded:
            messages.warning(
                request,
                _(
                    "Your time was up: the answers you last sent came too late, so the ones saved before were graded."
                ),
            )
        elif result.outcome == "finished":
            messages.info(request, _("Your attempt was submitted."))
        else:
            messages.warning(request, _("Your attempt was never submitted and its time is over."))
        return redirect("assessments:attempt_review", attempt.pk)
    if result.outcome == "overdue":
        messages.warning(request, _("Your time is up: submit your attempt now."))
        return redirect("assessments:attempt_summary", attempt.pk)
    return redirect(then)


def _refused(request, exc: ApplicationError, then: str):
    if response := refusal(request, exc):
        return response
    messages.error(request, message_for(exc))
    return redirect(then)


# --- learners --------------------------------------------------------------------------------------------


@member_required
@require_POST
def attempt_start(request, pk):
    """Start (or continue) from the quiz lesson's button. A quiz's password comes with the button's form;
    a missing or wrong one shows this page's own password form again, with the error."""
    assessment = _assessment_or_404(request, pk)
    form = QuizPasswordForm(request.POST)
    try:
        result = services.attempt_start(
            actor=request.user,
            assessment=assessment,
            preview=request.POST.get("preview") == "1",
            password=form.typed(),
            client_ip=client_ip(request),
        )
    except (QuizPasswordRequired, QuizPasswordInvalid) as exc:
        if isinstance(exc, QuizPasswordInvalid):
            form.add_error("password", exc.message)
        return render(
            request,
            "assessments/attempts/start.html",
            {"quiz": assessment, "form": form, "lesson_url": _lesson_url(assessment)},
            status=400 if form.errors else 200,
        )
    except ApplicationError as exc:
        return _refused(request, exc, _lesson_url(assessment))
    return redirect(_take_url(result.attempt, result.attempt.current_page))


def _page_number(request, attempt) -> int:
    try:
        page = int(request.GET.get("page", attempt.current_page))
    except (TypeError, ValueError):
        page = attempt.current_page
    page = min(max(page, 0), max(len(attempt.layout or []) - 1, 0))
    if attempt.assessment.navigation == "sequential":
        page = max(page, attempt.current_page)
    return page


def _for_page(questions: list[dict]) -> list[dict]:
    """Question payloads with their HTML sanitized for the page."""
    shown = []
    for question in questions:
        view = dict(question.get("view") or {})
        for key in ("options", "prompts", "choices", "items"):
            if isinstance(view.get(key), list):
                view[key] = [
                    {**row, "html": _html(row.get("text"))} for row in view[key] if isinstance(row, dict)
                ]
        response = question.get("response") or {}
        selected = set()
        if "choice" in response:
            selected = {response["choice"]}
        elif "choices" in response:
            selected = set(response["choices"])
        elif "answer" in response:
            selected = {"true" if response["answer"] else "false"}
        positions = {}
        if isinstance(response.get("order"), list):
            positions = {item: index + 1 for index, item in enumerate(response["order"])}
        shown.append(
            {
                **question,
                "view": view,
                "text_html": _html(question.get("text")),
                "selected": selected,
                "matches": response.get("matches") or {},
                "positions": positions,
                "typed": response.get("text") or response.get("value") or "",
                "feedback_html": [_html(f) for f in question.get("feedback") or []],
                "general_feedback_html": _html(question.get("general_feedback")),
                "hint_html": _html(question.get("hint")),
                "comment_html": _html(question.get("comment")),
            }
        )
    return shown


@member_required
@require_GET
def attempt_take(request, pk):
    attempt = _attempt_or_404(request, pk)
    if not _owns(request, attempt) or not attempt.is_open:
        return redirect("assessments:attempt_review", attempt.pk)
    try:
        services.require_network(attempt, client_ip(request))
    except ApplicationError as exc:
        return refusal(request, exc)
    page = _page_number(request, attempt)
    summary = selectors.attempt_summary(attempt)
    questions = _for_page(selectors.attempt_page(attempt, page))
    return render(
        request,
        "assessments/attempts/take.html",
        {
            "attempt": attempt,
            "quiz": attempt.assessment,
            "summary": summary,
            "page": page,
            "questions": questions,
            "slots": ",".join(str(q["slot"]) for q in questions),
            "last_page": page >= summary["page_count"] - 1,
            "sequential": attempt.assessment.navigation == "sequential",
            "interactive": attempt.assessment.behaviour == "interactive",
            "lesson_url": _lesson_url(attempt.assessment),
        },
    )


def _go_target(request, attempt):
    """The form's `go` button: a page number, or "summary"."""
    go = request.POST.get("go", "")
    if go == "summary":
        return "summary", None
    if go.isdigit():
        return "page", int(go)
    return "page", attempt.current_page if not request.POST.get("page", "").isdigit() else int(
        request.POST["page"]
    )


@member_required
@require_POST
def attempt_save(request, pk):
    attempt = _attempt_or_404(request, pk)
    where, page = _go_target(request, attempt)
    then = reverse("assessments:attempt_summary", args=[attempt.pk]) if where == "summary" else None
    responses, flags = _posted(request, attempt)
    try:
        result = services.attempt_save(
            actor=request.user,
            attempt=attempt,
            responses=responses,
            flags=flags,
            page=page,
            client_ip=client_ip(request),
        )
    except ApplicationError as exc:
        return _refused(request, exc, _take_url(attempt))
    if request.POST.get("autosave") == "1":  # attempt.js: no page to show, only the outcome
        return JsonResponse(
            {"outcome": result.outcome, "seconds_left": selectors.seconds_left(result.attempt)}
        )
    return _after(request, result, then or _take_url(result.attempt, result.attempt.current_page))


@member_required
@require_POST
def attempt_check(request, pk, slot):
    attempt = _attempt_or_404(request, pk)
    responses, flags = _posted(request, attempt)
    back = _take_url(attempt, attempt.current_page) + f"#q{slot}"
    try:
        address = client_ip(request)
        result = services.attempt_save(
            actor=request.user, attempt=attempt, responses=responses, flags=flags, client_ip=address
        )
        if result.outcome != "saved":
            return _after(request, result, back)
        checked = services.attempt_check(actor=request.user, attempt=attempt, slot=slot, client_ip=address)
    except ApplicationError as exc:
        return _refused(request, exc, back)
    if checked.outcome != "checked":
        return _after(request, checked, back)
    return redirect(back)


@member_required
@require_GET
def attempt_summary(request, pk):
    attempt = _attempt_or_404(request, pk)
    if not _owns(request, attempt) or not attempt.is_open:
        return redirect("assessments:attempt_review", attempt.pk)
    try:
        services.require_network(attempt, client_ip(request))
    except ApplicationError as exc:
        return refusal(request, exc)
    return render(
        request,
        "assessments/attempts/summary.html",
        {
            "attempt": attempt,
            "quiz": attempt.assessment,
            "summary": selectors.attempt_summary(attempt),
            "sequential": attempt.assessment.navigation == "sequential",
        },
    )


@member_required
@require_POST
def attempt_submit(request, pk):
    attempt = _attempt_or_404(request, pk)
    responses, _flags = _posted(request, attempt)
    try:
        result = services.attempt_submit(
            actor=request.user, attempt=attempt, responses=responses, client_ip=client_ip(request)
        )
    except ApplicationError as exc:
        return _refused(request, exc, reverse("assessments:attempt_summary", args=[attempt.pk]))
    return _after(request, result, reverse("assessments:attempt_review", args=[attempt.pk]))


@member_required
@require_GET
def attempt_time(request, pk):
    """The server's seconds left, for attempt.js's countdown (JSON)."""
    attempt = _attempt_or_404(request, pk)
    return JsonResponse(
        {"state": attempt.state, "seconds_left": selectors.seconds_left(attempt)},
        headers={"Cache-Control": "no-store"},
    )


@member_required
@require_GET
def attempt_review(request, pk):
    attempt = _attempt_or_404(request, pk)
    if _owns(request, attempt) and attempt.is_open:
        return redirect(_take_url(attempt))
    data = selectors.review(attempt, viewer=request.user)
    editor = data["moment"] == "editor"
    return render(
        request,
        "assessments/attempts/review.html",
        {
            "attempt": attempt,
            "quiz": attempt.assessment,
            "review": data,
            "questions": _for_page(data["questions"]),
            "overall_feedback_html": _html(data.get("overall_feedback")),
            "editor": editor,
            "lesson_url": _lesson_url(attempt.assessment),
        },
    )


# --- teachers --------------------------------------------------------------------------------------------


def _managed_or_response(request, pk):
    assessment = _assessment_or_404(request, pk)
    if not can_manage(request.user, assessment):
        return None, forbidden(request, MANAGE_FORBIDDEN)
    return assessment, None


@member_required
@require_GET
def quiz_results(request, pk):
    assessment, refused = _managed_or_response(request, pk)
    if refused:
        return refused
    form = ResultsFilterForm(
        request.GET or None,
        classes=hierarchy_selectors.class_list(viewer=request.user),
        branches=hierarchy_selectors.branch_list(viewer=request.user),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    attempts = selectors.results_for(
        assessment=assessment,
        viewer=request.user,
        school_class=filters.get("school_class"),
        branch=filters.get("branch"),
        state=filters.get("state") or None,
    ).prefetch_related("questions")
    if request.GET.get("format") == "csv":
        return results_csv(assessment, attempts)
    rows = list(attempts[:1000])
    slots = list(assessment.slots.order_by("position").values_list("position", flat=True))
    for row in rows:
        marks = {qa.slot: qa for qa in row.questions.all()}
        row.marks = [marks.get(position) for position in slots]
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "assessments/attempts/results.html",
        {"quiz": assessment, "form": form, "rows": rows, "slots": slots, "csv_query": query.urlencode()},
    )


def _queue_page(request, assessment=None):
    rows = list(selectors.grading_queue(viewer=request.user, assessment=assessment)[:500])
    return render(request, "assessments/attempts/grading_queue.html", {"quiz": assessment, "rows": rows})


@member_required
@require_GET
def grading_queue(request):
    from apps.accounts.permissions import scope_of

    if not scope_of(request.user).can_author():
        return forbidden(request, MANAGE_FORBIDDEN)
    return _queue_page(request)


@member_required
@require_GET
def grading_quiz(request, pk):
    assessment, refused = _managed_or_response(request, pk)
    if refused:
        return refused
    return _queue_page(request, assessment)


@member_required
def grading_grade(request, pk, slot):
    attempt = _attempt_or_404(request, pk)
    if not can_manage(request.user, attempt.assessment):
        return forbidden(request, MANAGE_FORBIDDEN)
    qa = next((one for one in selectors.question_attempts(attempt) if one.slot == slot), None)
    if qa is None:
        raise Http404
    version = qa.question_version
    qtype = selectors.qtype_of(version.qtype)
    form = GradeForm(
        request.POST or None, initial={"mark": qa.mark, "comment": qa.comment}, max_mark=qa.max_mark
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.grade_manually(
                actor=request.user,
                attempt=attempt,
                slot=slot,
                mark=form.cleaned_data["mark"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationFailed as exc:
            for field, errors in exc.field_errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except ApplicationError as exc:
            if response := refusal(request, exc):
                return response
            form.add_error(None, message_for(exc))
        else:
            messages.success(request, _("Mark saved."))
            nxt = request.POST.get("next") or ""
            if nxt == "quiz":
                return redirect("assessments:grading_quiz", attempt.assessment_id)
            return redirect("assessments:grading_queue")
    response_text = qtype.response_summary(version.data, qa.response or {}, qa.order) if qtype else ""
    return render(
        request,
        "assessments/attempts/grade.html",
        {
            "attempt": attempt,
            "quiz": attempt.assessment,
            "qa": qa,
            "form": form,
            "text_html": _html(version.text),
            "response_html": _html((qa.response or {}).get("text")) if version.qtype == "essay" else "",
            "response_text": response_text,
            "grader_info_html": _html((version.data or {}).get("grader_info")),
            "right_answer": qtype.right_answer(version.data) if qtype and qtype.auto_graded else "",
            "next": "quiz" if (request.POST.get("next") or request.GET.get("next")) == "quiz" else "",
        },
    )


@member_required
def quiz_regrade(request, pk):
    """GET: the form; POST with dry_run: what would change (nothing written); POST without: regrade."""
    assessment, refused = _managed_or_response(request, pk)
    if refused:
        return refused
    form = RegradeForm(request.POST or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        dry_run = form.cleaned_data["dry_run"]
        try:
            plan = services.regrade_assessment(actor=request.user, assessment=assessment, dry_run=dry_run)
        except ApplicationError as exc:
            return _refused(request, exc, reverse("assessments:quiz_regrade", args=[assessment.pk]))
        if not dry_run:
            messages.success(
                request,
                ngettext("%(n)d attempt regraded.", "%(n)d attempts regraded.", len(plan)) % {"n": len(plan)},
            )
            return redirect("assessments:quiz_results", assessment.pk)
    return render(
        request, "assessments/attempts/regrade.html", {"quiz": assessment, "form": form, "plan": plan}
    )


@member_required
@require_POST
def attempt_reopen(request, pk):
    attempt = _attempt_or_404(request, pk)
    then = reverse("assessments:quiz_results", args=[attempt.assessment_id])
    try:
        reopened = services.attempt_reopen(actor=request.user, attempt=attempt)
    except ApplicationError as exc:
        return _refused(request, exc, then)
    if reopened.state == "finished":
        messages.success(request, _("The attempt was reopened; its time had passed, so it was submitted."))
    else:
        messages.success(request, _("The attempt is in progress again."))
    return redirect(then)
