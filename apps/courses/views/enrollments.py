"""Enrollment management of one course, for Teachers, Branch Managers and Org Admins: its learners (those the
viewer may see) with their progress, status and due dates; assigning people, classes and branches; the class
and branch rules; and a small analytics panel."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from apps.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from apps.core.pages import add_service_errors, refusal

from .. import selectors, services
from ..forms import AssignForm, DueDateForm
from ..models import Course, Enrollment
from .common import act, course_view, message_for

PER_PAGE = 50


def _render(request, course, *, assign_form=None, status=200):
    viewer = request.user
    status_filter = request.GET.get("status", "")
    if status_filter not in Enrollment.Status.values:
        status_filter = ""
    rows = selectors.enrollment_list(viewer=viewer, course=course, status=status_filter or None).order_by(
        "user__full_name", "user__email", "pk"
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    for enrollment in page.object_list:
        enrollment.overdue = bool(
            enrollment.due_at and enrollment.due_at < now and enrollment.status == Enrollment.Status.ACTIVE
        )
    return render(
        request,
        "courses/enrollments.html",
        {
            "course": course,
            "page": page,
            "status_filter": status_filter,
            "statuses": Enrollment.Status.choices,
            "analytics": selectors.course_analytics(viewer=viewer, course=course),
            "rules": selectors.enrollment_rule_list(viewer=viewer, course=course),
            "assign_form": assign_form or AssignForm(viewer=viewer),
            "open": course.status == Course.Status.PUBLISHED,
            "editor": selectors.viewer_can_edit(viewer, course),
        },
        status=status,
    )


@course_view(author=True)
@require_GET
def enrollment_list(request, course):
    return _render(request, course)


@course_view(author=True)
@require_POST
def enrollment_assign(request, course):
    form = AssignForm(request.POST, viewer=request.user)
    if form.is_valid():
        try:
            result = services.enroll_assign(actor=request.user, course=course, **form.values())
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except (NotFound, PermissionDenied) as exc:
            return refusal(request, exc)
        except ApplicationError as exc:  # e.g. the course is not published
            form.add_error(None, message_for(exc))
        else:
            text = ngettext("%(count)s person enrolled", "%(count)s people enrolled", result.enrolled) % {
                "count": result.enrolled
            }
            if result.already_enrolled:
                text += _("; %(count)s already were") % {"count": result.already_enrolled}
            if result.rules:
                text += _(". People who join the chosen classes or branches later are enrolled too")
            messages.success(request, text + ".")
            return redirect("courses:enrollments", pk=course.pk)
    return _render(request, course, assign_form=form)


def _back(course) -> str:
    return reverse("courses:enrollments", args=[course.pk])


def _enrollment_or_404(request, course, pk):
    enrollment = selectors.enrollment_get(viewer=request.user, course=course, pk=pk)
    if enrollment is None:
        raise Http404
    return enrollment


@course_view(author=True)
@require_POST
def enrollment_due(request, course, enrollment_pk):
    enrollment = _enrollment_or_404(request, course, enrollment_pk)
    form = DueDateForm(request.POST)
    name = enrollment.user.get_full_name()
    if not form.is_valid():
        messages.error(request, _("Due date for %(name)s: enter a date like 2026-12-31.") % {"name": name})
        return redirect("courses:enrollments", pk=course.pk)
    due = form.cleaned_data["due_at"]
    return act(
        request,
        lambda: services.enrollment_update(
            actor=request.user, enrollment=enrollment, due_at=due.isoformat() if due else None
        ),
        success=_("%(name)s is due on %(date)s.") % {"name": name, "date": date_format(due, "d M Y")}
        if due
        else _("%(name)s has no due date now.") % {"name": name},
        then=_back(course),
    )


@course_view(author=True)
@require_POST
def enrollment_withdraw(request, course, enrollment_pk):
    enrollment = _enrollment_or_404(request, course, enrollment_pk)
    return act(
        request,
        lambda: services.enrollment_withdraw(actor=request.user, enrollment=enrollment),
        success=_("%(name)s is withdrawn; their progress is kept.")
        % {"name": enrollment.user.get_full_name()},
        then=_back(course),
    )


@course_view(author=True)
@require_POST
def rule_delete(request, course, rule_pk):
    rule = selectors.enrollment_rule_get(viewer=request.user, course=course, pk=rule_pk)
    if rule is None:
        raise Http404
    target = rule.school_class or rule.branch
    return act(
        request,
        lambda: services.enrollment_rule_delete(actor=request.user, rule=rule),
        success=_("Newcomers to %(target)s are no longer enrolled; those enrolled stay enrolled.")
        % {"target": target},
        then=_back(course),
    )
