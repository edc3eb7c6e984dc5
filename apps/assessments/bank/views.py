"""The question bank's pages: the bank (category tree, questions with search and filters), a preview of each
question as a learner sees it (with the right answer and feedback for the author), an editor per type,
categories, and the duplicate / hide / delete buttons.

Authors only (others get the 403 page before anything is looked up); a category or question outside the
banks the viewer may use is a 404, as one that does not exist. The services decide and write."""

import random
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.permissions import scope_of
from apps.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from apps.core.pages import act, add_service_errors, forbidden, member_required, message_for, refusal
from apps.courses import selectors as course_selectors
from apps.courses.rendering import sanitize_html

from ..qtypes import qtype_choices, qtype_for, qtypes
from . import selectors, services
from .forms import MORE_ROWS, BankFilterForm, CategoryCreateForm, CategoryEditForm, QuestionForm

AUTHOR_FORBIDDEN = gettext_lazy("Only Teachers, Branch Managers and Org Admins may use the question bank.")
PER_PAGE = 25


def author_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not scope_of(request.user).can_author():
            return forbidden(request, AUTHOR_FORBIDDEN)
        return view(request, *args, **kwargs)

    return member_required(wrapped)


def _category_or_404(request, pk):
    category = selectors.category_get(viewer=request.user, pk=pk)
    if category is None:
        raise Http404
    return category


def _question_or_404(request, pk):
    question = selectors.question_get(viewer=request.user, pk=pk)
    if question is None:
        raise Http404
    return question


def _list_url(category_id=None) -> str:
    url = reverse("assessments:bank_list")
    return f"{url}?{urlencode({'category': category_id})}" if category_id else url


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def safe(html) -> str:
    """Stored HTML, sanitized again as it is shown (the services sanitized it when it was saved)."""
    return mark_safe(sanitize_html(str(html or "")))


# --- the bank ----------------------------------------------------------------------------------------------


@author_page
def bank_list(request):
    viewer = request.user
    category = _category_or_404(request, request.GET["category"]) if request.GET.get("category") else None
    form = BankFilterForm(
        request.GET or None, qtype_choices=qtype_choices(), tag_choices=selectors.tag_choices(viewer=viewer)
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    questions = selectors.question_list(
        viewer=viewer,
        category=category,
        subcategories=bool(filters.get("sub")),
        tag=filters.get("tag") or None,
        search=filters.get("q", ""),
        qtype=filters.get("qtype") or None,
        hidden=None if filters.get("hidden") else False,
    )
    page = Paginator(questions, PER_PAGE).get_page(request.GET.get("page"))
    labels = dict(qtype_choices())
    for question in page.object_list:
        question.qtype_label = labels.get(question.qtype, question.qtype)
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "assessments/bank/list.html",
        {
            "banks": selectors.category_tree(viewer=viewer),
            "category": category,
            "form": form,
            "page": page,
            "query": urlencode(kept),
            "qtypes": qtypes(),
        },
    )


# --- one question ------------------------------------------------------------------------------------------


def _author_rows(qtype: str, data: dict) -> list[dict]:
    """What the author sees of each option or answer: its text, its grade and its feedback."""
    rows = []
    if qtype in ("choice", "multiple"):
        for option in data.get("options") or []:
            rows.append(
                {
                    "label": safe(option.get("text")),
                    "fraction": option.get("fraction"),
                    "feedback": safe(option.get("feedback")),
                }
            )
    elif qtype == "shortanswer":
        for answer in data.get("answers") or []:
            rows.append(
                {
                    "label": answer.get("text"),
                    "fraction": answer.get("fraction"),
                    "feedback": safe(answer.get("feedback")),
                }
            )
    elif qtype == "numeric":
        for answer in data.get("answers") or []:
            if "min" in answer:
                label = f"{answer.get('min')} .. {answer.get('max')}"
            elif answer.get("value") is None:
                label = _("Any other answer")
            else:
                label = f"{answer.get('value')} ± {answer.get('tolerance') or 0}"
            rows.append(
                {"label": label, "fraction": answer.get("fraction"), "feedback": safe(answer.get("feedback"))}
            )
    elif qtype == "truefalse":
        rows.append(
            {
                "label": _("True"),
                "fraction": 1.0 if data.get("correct") else 0.0,
                "feedback": safe(data.get("feedback_true")),
            }
        )
        rows.append(
            {
                "label": _("False"),
                "fraction": 0.0 if data.get("correct") else 1.0,
                "feedback": safe(data.get("feedback_false")),
            }
        )
    elif qtype == "matching":
        for pair in data.get("pairs") or []:
            rows.append({"label": safe(pair.get("prompt")), "fraction": None, "feedback": pair.get("answer")})
    for row in rows:
        if row["fraction"] is not None:
            row["percent"] = round(float(row["fraction"]) * 100, 4)
    return rows


def _learner_view(question) -> dict:
    """The question as a learner receives it (qtypes.learner_view: never grades or right answers), its HTML
    sanitized for the page."""
    kind = qtype_for(question.qtype)
    version = question.latest_version
    if kind is None or version is None:
        return {}
    order = kind.shuffle_order(version.data, random.Random(question.pk), False)  # noqa: S311 - no secret
    view = dict(kind.learner_view(version.data, order))
    for key in ("options", "prompts", "choices", "items"):
        if isinstance(view.get(key), list):
            view[key] = [{**row, "html": safe(row.get("text"))} for row in view[key] if isinstance(row, dict)]
    if "template" in view:
        view["template"] = str(view.get("template") or "")
    return view


@author_page
def bank_question(request, pk):
    question = _question_or_404(request, pk)
    kind = qtype_for(question.qtype)
    version = question.latest_version
    data = version.data if version else {}
    return render(
        request,
        "assessments/bank/question.html",
        {
            "question": question,
            "version": version,
            "kind": kind,
            "text": safe(version.text if version else ""),
            "general_feedback": safe(version.general_feedback if version else ""),
            "hints": [safe(hint) for hint in (version.hints if version else [])],
            "learner": _learner_view(question),
            "right_answer": kind.right_answer(data) if kind and version else "",
            "author_rows": _author_rows(question.qtype, data),
            "grader_info": safe(data.get("grader_info")) if question.qtype == "essay" else "",
            "versions": selectors.version_list(question=question),
        },
    )


def _editor(request, *, qtype: str, question=None):
    """The editor of a new question of `qtype` or of `question`: GET shows it, POST saves (or, with
    "add_rows", shows it again with more rows, saving nothing)."""
    viewer = request.user
    params = request.POST if request.method == "POST" else request.GET
    rows = _int(params.get("rows"))
    hint_rows = _int(params.get("hint_rows"))
    if question is not None and not rows:
        rows = QuestionForm.rows_for(question)
    if question is not None and not hint_rows:
        hint_rows = QuestionForm.hints_for(question)
    if request.method == "POST" and "add_rows" in request.POST:
        initial = {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
        for name in ("shuffle", "case_sensitive", "unit_required"):
            initial[name] = name in request.POST
        form = QuestionForm(
            initial=initial, viewer=viewer, qtype=qtype, rows=rows + MORE_ROWS, hint_rows=hint_rows + 1
        )
    elif request.method == "POST":
        # The category first: one the viewer may not use is a 404, whatever else the form holds.
        category = (
            _category_or_404(request, request.POST["category"]) if request.POST.get("category") else None
        )
        form = QuestionForm(request.POST, viewer=viewer, qtype=qtype, rows=rows, hint_rows=hint_rows)
        if form.is_valid():
            try:
                if question is None:
                    saved = services.question_create(
                        actor=viewer, category=category, qtype=qtype, **form.service_values()
                    )
                else:
                    saved = services.question_update(
                        actor=viewer, question=question, category=category, **form.service_values()
                    )
            except ValidationFailed as exc:
                form.add_service_errors(exc.field_errors)
            except (NotFound, PermissionDenied) as exc:
                return refusal(request, exc)
            except ApplicationError as exc:
                form.add_error(None, message_for(exc))
            else:
                messages.success(request, _("Question saved."))
                return redirect("assessments:bank_question", pk=saved.pk)
    else:
        if question is not None:
            initial = QuestionForm.initial_from(question)
        else:
            initial = {"category": request.GET.get("category", ""), "default_mark": 1}
            if qtype in ("choice", "multiple", "matching"):
                initial["shuffle"] = True
        form = QuestionForm(initial=initial, viewer=viewer, qtype=qtype, rows=rows, hint_rows=hint_rows)
    return render(
        request,
        "assessments/bank/editor.html",
        {
            "form": form,
            "question": question,
            "kind": qtype_for(qtype),
            "qtype": qtype,
            "no_categories": not form.fields["category"].choices,
        },
    )


@author_page
def bank_create(request, qtype):
    if qtype_for(qtype) is None:
        raise Http404
    if request.GET.get("category"):
        _category_or_404(request, request.GET["category"])
    return _editor(request, qtype=qtype)


@author_page
def bank_edit(request, pk):
    question = _question_or_404(request, pk)
    return _editor(request, qtype=question.qtype, question=question)


@require_POST
@author_page
def bank_duplicate(request, pk):
    question = _question_or_404(request, pk)
    return act(
        request,
        lambda: services.question_duplicate(actor=request.user, question=question),
        success=lambda copy: _("Copied as “%(name)s”.") % {"name": copy.name},
        then=_list_url(question.category_id),
    )


@require_POST
@author_page
def bank_hide(request, pk):
    question = _question_or_404(request, pk)
    return act(
        request,
        lambda: services.question_hide(actor=request.user, question=question),
        success=_("Hidden: it leaves the lists and random draws; quizzes and attempts that use it keep it."),
        then=_list_url(question.category_id),
    )


@require_POST
@author_page
def bank_unhide(request, pk):
    question = _question_or_404(request, pk)
    return act(
        request,
        lambda: services.question_unhide(actor=request.user, question=question),
        success=_("The question is back in the lists."),
        then=_list_url(question.category_id),
    )


@author_page
def bank_delete(request, pk):
    question = _question_or_404(request, pk)
    if request.method != "POST":
        return render(
            request,
            "assessments/bank/confirm.html",
            {
                "title": _("Delete question “%(name)s”?") % {"name": question.name},
                "text": _(
                    "It is deleted with its versions. A question a quiz or an attempt uses cannot be deleted: hide it instead."
                ),
                "button": _("Delete question"),
                "cancel": reverse("assessments:bank_question", args=[question.pk]),
            },
        )
    try:
        services.question_delete(actor=request.user, question=question)
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        messages.error(request, message_for(exc))
        return redirect("assessments:bank_question", pk=question.pk)
    messages.success(request, _("Question deleted."))
    return redirect(_list_url(question.category_id))


# --- categories --------------------------------------------------------------------------------------------


def _bank_of(request, posted) -> tuple:
    """(course or None, parent or None, error or None) from the posted bank and parent: a course or a parent
    the viewer may not use is a 404."""
    raw_parent = (posted.get("parent") or "").strip()
    if raw_parent:
        parent = _category_or_404(request, raw_parent)
        return parent.course, parent, None
    bank = (posted.get("bank") or "").strip()
    if bank.startswith("course:"):
        course = course_selectors.course_find_editable(viewer=request.user, pk=bank.split(":", 1)[1])
        if course is None or not course.viewer_edits:
            raise Http404
        return course, None, None
    if bank == "shared":
        return None, None, None
    return None, None, _("Choose a bank, or a parent category.")


@author_page
def bank_category_create(request):
    viewer = request.user
    if request.method == "POST":
        course, parent, missing = _bank_of(request, request.POST)
        form = CategoryCreateForm(request.POST, viewer=viewer)
        if missing:
            form.add_error("bank", missing)
        if form.is_valid():
            try:
                category = services.category_create(
                    actor=viewer,
                    course=course,
                    parent=parent,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data.get("description", ""),
                )
            except ValidationFailed as exc:
                add_service_errors(form, exc)
            except (NotFound, PermissionDenied) as exc:
                return refusal(request, exc)
            except ApplicationError as exc:
                form.add_error(None, message_for(exc))
            else:
                messages.success(request, _("Category created."))
                return redirect(_list_url(category.pk))
    else:
        initial = {}
        if request.GET.get("parent"):
            initial["parent"] = str(_category_or_404(request, request.GET["parent"]).pk)
        form = CategoryCreateForm(initial=initial, viewer=viewer)
    return render(request, "assessments/bank/category_form.html", {"form": form, "category": None})


@author_page
def bank_category_edit(request, pk):
    category = _category_or_404(request, pk)
    viewer = request.user
    if request.method == "POST":
        raw_parent = request.POST.get("parent")
        parent = _category_or_404(request, raw_parent) if raw_parent else None
        form = CategoryEditForm(request.POST, viewer=viewer, category=category)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.category_update(
                    actor=viewer,
                    category=category,
                    name=data["name"],
                    description=data.get("description", ""),
                    parent=parent,
                )
            except ValidationFailed as exc:
                add_service_errors(form, exc)
            except (NotFound, PermissionDenied) as exc:
                return refusal(request, exc)
            except ApplicationError as exc:
                form.add_error(None, message_for(exc))
            else:
                messages.success(request, _("Category saved."))
                return redirect(_list_url(category.pk))
    else:
        form = CategoryEditForm(
            initial={
                "name": category.name,
                "description": category.description,
                "parent": str(category.parent_id or ""),
            },
            viewer=viewer,
            category=category,
        )
    return render(request, "assessments/bank/category_form.html", {"form": form, "category": category})


@author_page
def bank_category_delete(request, pk):
    category = _category_or_404(request, pk)
    if request.method != "POST":
        return render(
            request,
            "assessments/bank/confirm.html",
            {
                "title": _("Delete category “%(name)s”?") % {"name": category.name},
                "text": _(
                    "Only an empty category can be deleted: no questions (hidden ones included) and no subcategories."
                ),
                "button": _("Delete category"),
                "cancel": _list_url(category.pk),
            },
        )
    try:
        services.category_delete(actor=request.user, category=category)
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        messages.error(request, message_for(exc))
        return redirect(_list_url(category.pk))
    messages.success(request, _("Category deleted."))
    return redirect(_list_url(category.parent_id))
