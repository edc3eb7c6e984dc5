"""The quiz pages of editors: create a quiz in a module, its overview, its settings, its builder (questions
in order on pages, marks, add from the bank or at random, reorder, remove, page breaks, repaginate) and its
overrides. Every change goes through quizzes.services; their refusals become form errors, the 404/403 page
or a message (apps.core.pages). Everything works without JavaScript."""

from functools import wraps

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.selectors import visible_people
from apps.core.errors import ApplicationError, ValidationFailed
from apps.core.pages import act, add_service_errors, forbidden, member_required, message_for, refusal, submit
from apps.courses import selectors as course_selectors
from apps.courses.permissions import can_edit_course
from apps.hierarchy import selectors as hierarchy_selectors

from ..bank import selectors as bank_selectors
from ..models import Assessment
from ..qtypes import qtypes
from . import selectors, services
from .forms import (
    ALIASES,
    AddRandomForm,
    OverrideForm,
    QuizSettingsForm,
    RepaginateForm,
    SlotMarkForm,
)

EDIT_FORBIDDEN = gettext_lazy(
    "Only this course's teachers, its branches' managers and Org Admins may change it."
)
BANK_LIST_LIMIT = 50


def _url(name: str, *args) -> str:
    """A page of another part, or "" while it is not there."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def quiz_view(view):
    """A page of one quiz for its editors: `pk` becomes the quiz the viewer may see (404 otherwise), and
    managing it needs the right to edit its course (403)."""

    @wraps(view)
    def wrapped(request, pk, *args, **kwargs):
        assessment = selectors.assessment_get(viewer=request.user, pk=pk)
        if assessment is None:
            raise Http404
        if not assessment.viewer_edits:
            return forbidden(request, EDIT_FORBIDDEN)
        return view(request, assessment, *args, **kwargs)

    return member_required(wrapped)


def builder_url(assessment, anchor: str = "") -> str:
    return reverse("assessments:quiz_builder", args=[assessment.pk]) + (f"#{anchor}" if anchor else "")


def _common(request, assessment) -> dict:
    course = assessment.course
    return {
        "quiz": assessment,
        "course": course,
        "locked": selectors.has_real_attempts(assessment),
        "links": {
            "results": _url("assessments:quiz_results", assessment.pk),
            "grading": _url("assessments:grading_quiz", assessment.pk),
            "statistics": _url("assessments:stats_quiz", assessment.pk),
            "regrade": _url("assessments:quiz_regrade", assessment.pk),
            "export": _url("assessments:quiz_export", assessment.pk),
            "lesson": reverse("courses:content_edit", args=[course.pk, assessment.item_id]),
            "player": reverse("courses:lesson", args=[course.pk, assessment.item_id]) + "?preview=1",
            "editor": reverse("courses:edit", args=[course.pk]) + f"#item-{assessment.item_id}",
        },
    }


# --- create, overview, settings ---------------------------------------------------------------------------


@member_required
def quiz_create(request, module_pk):
    module = course_selectors.module_get(viewer=request.user, pk=module_pk)
    if module is None:
        raise Http404
    course = module.course
    if not can_edit_course(request.user, course):
        return forbidden(request, EDIT_FORBIDDEN)
    defaults = QuizSettingsForm.initial_for(Assessment())
    form = QuizSettingsForm(request.POST or None, initial=defaults)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        response = submit(
            request,
            form,
            lambda: services.assessment_create(
                actor=request.user,
                module=module,
                title=form.cleaned_data["title"],
                publish="publish" in request.POST,
                **values,
            ),
            success=lambda quiz: _("Quiz %(title)s is added. Now add its questions.") % {"title": quiz.title},
            then=lambda quiz: builder_url(quiz),
            aliases=ALIASES,
        )
        if response is not None:
            return response
    return render(
        request,
        "assessments/quizzes/create.html",
        {"form": form, "module": module, "course": course},
        status=400 if form.errors else 200,
    )


@quiz_view
def quiz_manage(request, assessment):
    slots = list(selectors.slot_list(assessment=assessment))
    return render(
        request,
        "assessments/quizzes/manage.html",
        {
            **_common(request, assessment),
            "slots": slots,
            "pages": len({slot.page for slot in slots}),
            "overrides": selectors.override_list(assessment=assessment).count(),
        },
    )


@quiz_view
def quiz_settings(request, assessment):
    initial = QuizSettingsForm.initial_for(assessment)
    bands = len(assessment.overall_feedback or [])
    form = QuizSettingsForm(request.POST or None, initial=initial, bands=bands)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        response = submit(
            request,
            form,
            lambda: services.assessment_update(
                actor=request.user, assessment=assessment, title=form.cleaned_data["title"], **values
            ),
            success=_("The quiz's settings are saved."),
            then=lambda quiz: reverse("assessments:quiz_settings", args=[quiz.pk]),
            aliases={**ALIASES, "overall_feedback": None, "review": None},
        )
        if response is not None:
            return response
    return render(
        request,
        "assessments/quizzes/settings.html",
        {**_common(request, assessment), "form": form},
        status=400 if form.errors else 200,
    )


# --- the builder ------------------------------------------------------------------------------------------


def _bank_search(request):
    """The builder's "add from the bank" list: questions the viewer may use, by search, category, type."""
    params = request.GET
    category = bank_selectors.category_get(viewer=request.user, pk=params.get("category") or "")
    questions = bank_selectors.question_list(
        viewer=request.user,
        category=category,
        subcategories=params.get("subcategories") == "1",
        search=params.get("q", "")[:200],
        qtype=params.get("qtype") or None,
    )
    return {
        "searched": "q" in params or "category" in params or "qtype" in params,
        "q": params.get("q", ""),
        "category": category,
        "qtype": params.get("qtype", ""),
        "subcategories": params.get("subcategories") == "1",
        "results": list(questions[:BANK_LIST_LIMIT]),
        "limit": BANK_LIST_LIMIT,
    }


def _category_choices(viewer):
    return [
        (c.pk, f"{c.course.title if c.course_id else _('Shared bank')} / {c.name} ({c.question_count})")
        for c in bank_selectors.category_list(viewer=viewer)
    ]


def _render_builder(request, assessment, *, random_form=None, repaginate_form=None, status=200):
    viewer = request.user
    slots = list(selectors.slot_list(assessment=assessment))
    for index, slot in enumerate(slots):
        slot.mark_form = SlotMarkForm(initial={"mark": slot.mark.normalize()}, auto_id=f"slot-{slot.pk}-%s")
        slot.break_after = index + 1 < len(slots) and slots[index + 1].page != slot.page
        slot.last = index + 1 == len(slots)
        slot.first_on_page = index == 0 or slots[index - 1].page != slot.page
    categories = _category_choices(viewer)
    tags = [(tag.pk, tag.name) for tag in bank_selectors.tag_choices(viewer=viewer)]
    return render(
        request,
        "assessments/quizzes/builder.html",
        {
            **_common(request, assessment),
            "slots": slots,
            "total_marks": sum((slot.mark for slot in slots), start=0),
            "bank": _bank_search(request),
            "category_choices": categories,
            "qtype_choices": [(qtype.code, qtype.label) for qtype in qtypes()],
            "random_form": random_form or AddRandomForm(categories=categories, tags=tags),
            "repaginate_form": repaginate_form
            or RepaginateForm(initial={"per_page": assessment.questions_per_page}),
        },
        status=status,
    )


@quiz_view
def quiz_builder(request, assessment):
    return _render_builder(request, assessment)


def _slot_of(assessment, pk):
    slot = selectors.slot_get(assessment=assessment, pk=pk)
    if slot is None:
        raise Http404
    slot.assessment = assessment
    return slot


def _say_refusal(request, exc: ApplicationError, then: str):
    if response := refusal(request, exc):
        return response
    messages.error(request, message_for(exc))
    return redirect(then)


@quiz_view
@require_POST
def quiz_slot_add(request, assessment):
    """The bank list's checked questions, added at the end in the order listed."""
    then = builder_url(assessment, "questions")
    ids = [value for value in request.POST.getlist("questions") if value.isdigit()]
    if not ids:
        messages.error(request, _("Tick the questions to add."))
        return redirect(then)
    added = 0
    try:
        for pk in ids:
            question = bank_selectors.question_get(viewer=request.user, pk=pk)
            if question is None:
                raise Http404
            services.slot_add_question(actor=request.user, assessment=assessment, question=question)
            added += 1
    except ApplicationError as exc:
        return _say_refusal(request, exc, then)
    messages.success(request, _("%(n)s questions added.") % {"n": added})
    return redirect(then)


@quiz_view
@require_POST
def quiz_random_add(request, assessment):
    viewer = request.user
    categories = _category_choices(viewer)
    tags = [(tag.pk, tag.name) for tag in bank_selectors.tag_choices(viewer=viewer)]
    form = AddRandomForm(request.POST, categories=categories, tags=tags)
    if not form.is_valid():
        return _render_builder(request, assessment, random_form=form, status=400)
    data = form.cleaned_data
    category = bank_selectors.category_get(viewer=viewer, pk=data["category"])
    if category is None:
        raise Http404
    tag = next((t for t in bank_selectors.tag_choices(viewer=viewer) if t.pk == data["tag"]), None)
    try:
        created = services.slot_add_random(
            actor=viewer,
            assessment=assessment,
            category=category,
            count=data["count"],
            subcategories=data["subcategories"],
            tag=tag,
            mark=data["mark"],
        )
    except ValidationFailed as exc:
        add_service_errors(form, exc)
        return _render_builder(request, assessment, random_form=form, status=400)
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        form.add_error(None, message_for(exc))
        return _render_builder(request, assessment, random_form=form, status=exc.status_code)
    messages.success(request, _("%(n)s random questions added.") % {"n": len(created)})
    return redirect(builder_url(assessment, "questions"))


@quiz_view
@require_POST
def quiz_slot_mark(request, assessment, slot_pk):
    slot = _slot_of(assessment, slot_pk)
    then = builder_url(assessment, f"slot-{slot.pk}")
    form = SlotMarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A mark is a number from 0 to 9999."))
        return redirect(then)
    return act(
        request,
        lambda: services.slot_update(actor=request.user, slot=slot, mark=form.cleaned_data["mark"]),
        success=_("The mark is saved. Attempts already made keep their marks until you regrade them."),
        then=then,
    )


@quiz_view
@require_POST
def quiz_slot_move(request, assessment, slot_pk):
    slot = _slot_of(assessment, slot_pk)
    return act(
        request,
        lambda: services.slot_move(
            actor=request.user, slot=slot, direction=request.POST.get("direction", "")
        ),
        success=_("The question is moved."),
        then=builder_url(assessment, f"slot-{slot.pk}"),
    )


@quiz_view
@require_POST
def quiz_slot_remove(request, assessment, slot_pk):
    slot = _slot_of(assessment, slot_pk)
    return act(
        request,
        lambda: services.slot_remove(actor=request.user, slot=slot),
        success=_("The question is removed from the quiz (it stays in the bank)."),
        then=builder_url(assessment, "questions"),
    )


@quiz_view
@require_POST
def quiz_page_break(request, assessment):
    present = request.POST.get("present", "1") != "0"
    return act(
        request,
        lambda: services.page_break_set(
            actor=request.user,
            assessment=assessment,
            after_position=request.POST.get("after", ""),
            present=present,
        ),
        success=_("A page break is added.") if present else _("The page break is removed."),
        then=builder_url(assessment, "questions"),
    )


@quiz_view
@require_POST
def quiz_repaginate(request, assessment):
    form = RepaginateForm(request.POST)
    if not form.is_valid():
        return _render_builder(request, assessment, repaginate_form=form, status=400)
    return act(
        request,
        lambda: services.repaginate(
            actor=request.user, assessment=assessment, per_page=form.cleaned_data["per_page"]
        ),
        success=_("The questions are put on new pages."),
        then=builder_url(assessment, "questions"),
    )


# --- overrides --------------------------------------------------------------------------------------------


def _override_choices(viewer):
    people = [
        (p.pk, f"{p.full_name or p.email} <{p.email}>")
        for p in visible_people(viewer=viewer).order_by("full_name", "email")[:500]
    ]
    classes = [
        (c.pk, f"{c.name} ({c.branch.name})")
        for c in hierarchy_selectors.class_list(viewer=viewer).order_by("name")
    ]
    return people, classes


@quiz_view
def quiz_overrides(request, assessment):
    people, classes = _override_choices(request.user)
    form = OverrideForm(request.POST or None, people=people, classes=classes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = submit(
            request,
            form,
            lambda: services.override_create(
                actor=request.user,
                assessment=assessment,
                user=data.get("user"),
                school_class=data.get("school_class"),
                **form.values(),
            ),
            success=_("The override is saved."),
            then=lambda _o: reverse("assessments:quiz_overrides", args=[assessment.pk]),
            aliases={"time_limit": "time_limit_minutes"},
        )
        if response is not None:
            return response
    return render(
        request,
        "assessments/quizzes/overrides.html",
        {
            **_common(request, assessment),
            "form": form,
            "overrides": list(selectors.override_list(assessment=assessment)),
        },
        status=400 if form.errors else 200,
    )


def _override_of(assessment, pk):
    override = selectors.override_get(assessment=assessment, pk=pk)
    if override is None:
        raise Http404
    override.assessment = assessment
    return override


@quiz_view
def quiz_override_edit(request, assessment, override_pk):
    override = _override_of(assessment, override_pk)
    form = OverrideForm(request.POST or None, initial=OverrideForm.initial_for(override), editing=True)
    if request.method == "POST" and form.is_valid():
        response = submit(
            request,
            form,
            lambda: services.override_update(actor=request.user, override=override, **form.values()),
            success=_("The override is saved."),
            then=lambda _o: reverse("assessments:quiz_overrides", args=[assessment.pk]),
            aliases={"time_limit": "time_limit_minutes"},
        )
        if response is not None:
            return response
    return render(
        request,
        "assessments/quizzes/override_form.html",
        {**_common(request, assessment), "form": form, "override": override},
        status=400 if form.errors else 200,
    )


@quiz_view
@require_POST
def quiz_override_delete(request, assessment, override_pk):
    override = _override_of(assessment, override_pk)
    return act(
        request,
        lambda: services.override_delete(actor=request.user, override=override),
        success=_("The override is deleted."),
        then=reverse("assessments:quiz_overrides", args=[assessment.pk]),
    )
