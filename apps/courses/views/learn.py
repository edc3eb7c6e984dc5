"""The learner's pages: the catalog, a course's page, "my learning", the lesson player and the files they
open. Reads go through the selectors (scoped by the viewer: a course outside their scope answers 404, like
a missing one); every write (enroll, withdraw, progress) goes through the services."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.permissions import scope_of
from apps.core.errors import ApplicationError, NotFound
from apps.core.pages import member_required, refusal

from .. import selectors, services, serving
from ..forms import CatalogFilterForm, TeachingFilterForm
from ..models import ContentItem, Enrollment
from ..permissions import can_author
from .common import (
    AUTHOR_FORBIDDEN,
    course_view,
    forbidden,
    json_bad_request,
    json_error,
    message_for,
    minutes,
    posted,
)

CATALOG_PER_PAGE = 12
TEACHING_PER_PAGE = 25
TRUE = ("1", "true", "on", "yes")
FALSE = ("0", "false", "off", "no")


# --- catalog ----------------------------------------------------------------------------------------------


@member_required
@require_GET
def catalog(request):
    viewer = request.user
    form = CatalogFilterForm(request.GET or None, viewer=viewer)
    filters = {}
    if form.is_bound:
        form.is_valid()  # an invalid filter is ignored, the valid ones still apply
        filters = {key: value for key, value in form.cleaned_data.items() if value not in ("", None)}
    courses = selectors.course_list(
        viewer=viewer,
        search=filters.get("q", ""),
        category=getattr(filters.get("category"), "pk", None),
        tag=getattr(filters.get("tag"), "pk", None),
        branch=getattr(filters.get("branch"), "pk", None),
        catalog=True,
    ).order_by("title", "pk")
    page = Paginator(courses, CATALOG_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "courses/catalog.html",
        {
            "form": form,
            "filtered": bool(filters),
            "page": page,
            "is_author": can_author(scope_of(viewer)),
            "is_org_admin": scope_of(viewer).is_org_admin,
            "tab": "catalog",
        },
    )


@member_required
@require_GET
def teaching(request):
    viewer = request.user
    if not can_author(scope_of(viewer)):
        return forbidden(request, AUTHOR_FORBIDDEN)
    form = TeachingFilterForm(request.GET or None)
    filters = {}
    if form.is_bound:
        form.is_valid()
        filters = {key: value for key, value in form.cleaned_data.items() if value not in ("", None)}
    courses = selectors.course_list_editable(
        viewer=viewer, search=filters.get("q", ""), status=filters.get("status")
    ).order_by("-updated_at", "pk")
    page = Paginator(courses, TEACHING_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "courses/teaching.html",
        {
            "form": form,
            "filtered": bool(filters),
            "page": page,
            "is_author": True,
            "is_org_admin": scope_of(viewer).is_org_admin,
            "tab": "teaching",
        },
    )


# --- a course's page --------------------------------------------------------------------------------------


def _with_progress(outline, progress) -> list[ContentItem]:
    """Mark each item of the outline with the learner's progress; returns the items in order."""
    items = []
    for module in outline:
        for item in module.items.all():
            row = progress.get(item.pk)
            item.progress_row = row
            item.done = bool(row and row.is_completed)
            items.append(item)
    return items


@course_view()
@require_GET
def course_detail(request, course):
    viewer = request.user
    editor = selectors.viewer_can_edit(viewer, course)
    enrollment = selectors.active_enrollment(user=viewer, course=course)
    outline = selectors.course_outline(course=course, viewer=viewer)
    progress = selectors.progress_by_item(user=viewer, course=course) if enrollment else {}
    items = _with_progress(outline, progress)
    resume = None
    if enrollment is not None:
        learner_outline = (
            selectors.course_outline(course=course, viewer=viewer, as_learner=True) if editor else outline
        )
        resume = selectors.resume_item(user=viewer, course=course, outline=learner_outline)
    prerequisites = list(
        selectors.course_list(viewer=viewer).filter(unlocks=course).prefetch_related(None).order_by("title")
    )
    missing = [c for c in prerequisites if c.my_enrollment_status != Enrollment.Status.COMPLETED]
    now = timezone.now()
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "outline": outline,
            "lesson_count": sum(1 for item in items if item.is_published),
            "enrollment": enrollment,
            "resume": resume,
            "started": bool(progress),
            "withdrawn": course.my_enrollment_status == Enrollment.Status.WITHDRAWN,
            "overdue": bool(
                enrollment
                and enrollment.due_at
                and enrollment.due_at < now
                and enrollment.status == Enrollment.Status.ACTIVE
            ),
            "prerequisites": prerequisites,
            "missing_prerequisites": missing,
            "editor": editor,
            "author": can_author(scope_of(viewer)),
            "unpublished_changes": sum(
                1 for item in items if item.latest_version_id != item.published_version_id
            )
            if editor
            else 0,
        },
    )


@course_view()
@require_POST
def course_enroll(request, course):
    try:
        services.enroll_self(actor=request.user, course=course)
    except NotFound as exc:
        raise Http404 from exc
    except ApplicationError as exc:  # assigned-only, prerequisites missing, not open: say why
        messages.error(request, message_for(exc))
        return redirect("courses:course", pk=course.pk)
    messages.success(request, _("You are enrolled in %(title)s.") % {"title": course.title})
    return redirect("courses:resume", pk=course.pk)


@course_view()
@require_POST
def course_withdraw(request, course):
    enrollment = selectors.active_enrollment(user=request.user, course=course)
    if enrollment is None:
        messages.info(request, _("You are not enrolled in this course."))
        return redirect("courses:course", pk=course.pk)
    try:
        services.enrollment_withdraw(actor=request.user, enrollment=enrollment)
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        messages.error(request, message_for(exc))
        return redirect("courses:course", pk=course.pk)
    messages.success(
        request, _("You left %(title)s. Your progress is kept if you enroll again.") % {"title": course.title}
    )
    return redirect("courses:course", pk=course.pk)


@course_view()
@require_GET
def course_cover(request, course):
    if not course.cover:
        raise Http404
    try:
        return serving.cover_response(request, course)
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc


@course_view()
@require_GET
def media_file(request, course, media_pk):
    media = selectors.media_for_download(viewer=request.user, pk=media_pk)
    if media is None or media.course_id != course.pk:
        raise Http404
    try:
        return serving.media_response(request, media, download=request.GET.get("download") == "1")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc


# --- my learning ------------------------------------------------------------------------------------------


@member_required
@require_GET
def my_learning(request):
    now = timezone.now()
    current, completed = [], []
    for enrollment in selectors.my_learning(viewer=request.user):
        enrollment.overdue = bool(enrollment.due_at and enrollment.due_at < now)
        if enrollment.status == Enrollment.Status.COMPLETED:
            completed.append(enrollment)
        else:
            current.append(enrollment)
    return render(
        request,
        "courses/learning.html",
        {
            "current": current,
            "completed": completed,
            "overdue_count": sum(1 for e in current if e.overdue),
            "is_author": can_author(scope_of(request.user)),
            "tab": "learning",
        },
    )


# --- the lesson player ------------------------------------------------------------------------------------


class _Player:
    """Who is opening the course's lessons, and how: a learner (enrolled), or an editor previewing the
    learner's view (published versions, nothing recorded)."""

    def __init__(self, request, course):
        self.course = course
        self.editor = selectors.viewer_can_edit(request.user, course)
        self.enrollment = selectors.active_enrollment(user=request.user, course=course)
        wants_preview = (request.GET.get("preview") or request.POST.get("preview")) == "1"
        self.preview = self.editor and (wants_preview or self.enrollment is None)
        self.allowed = self.preview or self.enrollment is not None
        self._outline = None

    @property
    def outline(self):
        if self._outline is None:
            self._outline = selectors.course_outline(course=self.course, viewer=None, as_learner=True)
        return self._outline

    def suffix(self) -> str:
        return "?preview=1" if self.preview else ""


def _not_enrolled(request, course):
    messages.info(request, _("Enroll in this course to open its lessons."))
    return redirect("courses:course", pk=course.pk)


def _find(items, item_pk):
    for index, item in enumerate(items):
        if str(item.pk) == str(item_pk):
            return index
    raise Http404


@course_view()
@require_GET
def resume(request, course):
    player = _Player(request, course)
    if not player.allowed:
        return _not_enrolled(request, course)
    if player.preview:
        items = [item for module in player.outline for item in module.items.all()]
        item = items[0] if items else None
    else:
        item = selectors.resume_item(user=request.user, course=course, outline=player.outline)
    if item is None:
        messages.info(request, _("This course has no published lessons yet."))
        return redirect("courses:course", pk=course.pk)
    return redirect(reverse("courses:lesson", args=[course.pk, item.pk]) + player.suffix())


@course_view()
@require_GET
def lesson(request, course, item_pk):
    player = _Player(request, course)
    if not player.allowed:
        return _not_enrolled(request, course)
    progress = {} if player.preview else selectors.progress_by_item(user=request.user, course=course)
    items = _with_progress(player.outline, progress)
    index = _find(items, item_pk)
    item = items[index]
    row = item.progress_row
    kind = item.lesson_kind
    return render(
        request,
        "courses/player.html",
        {
            "course": course,
            "lesson_kind": kind,
            # "Mark as complete" only for kinds the learner completes (a quiz completes when passed).
            "manual_completion": kind is None or kind.manual_completion,
            "outline": player.outline,
            "item": item,
            "version": item.shown_version,
            "progress": row,
            "done": item.done,
            "position": index + 1,
            "total": len(items),
            "previous": items[index - 1] if index > 0 else None,
            "next": items[index + 1] if index + 1 < len(items) else None,
            "enrollment": player.enrollment,
            "preview": player.preview,
            "editor": player.editor,
            "suffix": player.suffix(),
            "time_spent": minutes(row.time_spent_seconds if row else 0),
        },
    )


@course_view()
@require_POST
def lesson_complete(request, course, item_pk):
    """The "Mark as complete" button (a plain form: it works without JavaScript)."""
    player = _Player(request, course)
    if player.preview:
        messages.info(request, _("This is a preview: nothing is recorded."))
        return redirect(reverse("courses:lesson", args=[course.pk, item_pk]) + player.suffix())
    if not player.allowed:
        return _not_enrolled(request, course)
    items = [item for module in player.outline for item in module.items.all()]
    index = _find(items, item_pk)
    item = items[index]
    completed = (request.POST.get("completed") or "true").lower() not in FALSE
    try:
        result = services.progress_record(actor=request.user, item=item, completed=completed)
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        messages.error(request, message_for(exc))
        return redirect("courses:lesson", pk=course.pk, item_pk=item.pk)
    enrollment = result.enrollment
    if not completed:
        messages.info(request, _("%(title)s is marked as not complete.") % {"title": item.shown_title})
        return redirect("courses:lesson", pk=course.pk, item_pk=item.pk)
    if (
        enrollment.status == Enrollment.Status.COMPLETED
        and enrollment.completed_items >= enrollment.total_items
    ):
        messages.success(request, _("You have completed %(title)s.") % {"title": course.title})
        return redirect("courses:course", pk=course.pk)
    following = items[index + 1] if index + 1 < len(items) else None
    messages.success(
        request,
        _("%(title)s is complete (%(percent)s%% of the course).")
        % {"title": item.shown_title, "percent": enrollment.progress_percent},
    )
    if following is not None:
        return redirect("courses:lesson", pk=course.pk, item_pk=following.pk)
    return redirect("courses:course", pk=course.pk)


def _flag(value):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    return value  # the service refuses it with a field error


@course_view()
@require_POST
def lesson_progress(request, course, item_pk):
    """Heartbeats of the player script: time spent on the lesson and the video position (JSON or form)."""
    player = _Player(request, course)
    if player.preview:
        return JsonResponse({"recorded": False, "preview": True})
    if not player.allowed:
        return JsonResponse(
            {"error": {"code": "INVALID_STATE", "message": "Enroll in the course to record progress."}},
            status=409,
        )
    data = posted(request)
    if data.get("__invalid__"):
        return json_bad_request("Send a JSON object or form fields.")
    items = [item for module in player.outline for item in module.items.all()]
    item = items[_find(items, item_pk)]
    try:
        result = services.progress_record(
            actor=request.user,
            item=item,
            completed=_flag(data.get("completed")),
            time_spent_seconds=data.get("time_spent_seconds"),
            position_seconds=data.get("position_seconds"),
        )
    except ApplicationError as exc:
        return json_error(exc)
    progress, enrollment = result.progress, result.enrollment
    return JsonResponse(
        {
            "recorded": True,
            "completed": progress.is_completed,
            "time_spent_seconds": progress.time_spent_seconds,
            "position_seconds": progress.last_position_seconds,
            "progress_percent": enrollment.progress_percent,
            "status": enrollment.status,
        }
    )
