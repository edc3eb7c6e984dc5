"""The badges' pages: the staff's list, editor (with its criteria rows) and badge page (earners, progress, the
award and revoke forms, activate / archive / delete), the badge's picture, and the learner's "My
achievements" (their badges with their state, progress towards the active badges they can still earn, and
their certificates).

Staff only for the badge pages (others get the 403 page before anything is looked up); a badge or award
outside the viewer's scope is a 404, as one that does not exist. The services decide and write."""

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.permissions import scope_of
from apps.accounts.selectors import visible_people
from apps.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from apps.core.pages import act, forbidden, member_required, message_for, refusal
from apps.courses import selectors as course_selectors

from ..models import Badge
from . import selectors, services
from .forms import AwardForm, BadgeForm, RevokeForm

STAFF_ONLY = gettext_lazy("Only Teachers, Branch Managers and Org Admins manage badges.")
PER_PAGE = 25


def staff_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not scope_of(request.user).can_author():
            return forbidden(request, STAFF_ONLY)
        return view(request, *args, **kwargs)

    return member_required(wrapped)


def _badge_or_404(request, pk) -> Badge:
    badge = selectors.badge_get(viewer=request.user, pk=pk)
    if badge is None:
        raise Http404
    return badge


def ob_url(name: str, uid) -> str | None:
    try:
        return reverse(name, args=[uid])
    except NoReverseMatch:
        return None


@staff_page
def badge_list(request):
    status = request.GET.get("status", "")
    if status not in Badge.Status.values:
        status = ""
    badges = selectors.badge_list(
        viewer=request.user, status=status or None, search=request.GET.get("q", "")
    ).order_by("name", "pk")
    page = Paginator(badges, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "badges/badge_list.html",
        {"page": page, "status": status, "statuses": Badge.Status.choices, "q": request.GET.get("q", "")},
    )


def _save(request, form: BadgeForm, badge: Badge | None):
    """Run the service for a valid editor form; None when the form must be shown again."""
    try:
        if badge is None:
            course = None
            if form.cleaned_data.get("course"):
                course = course_selectors.course_find(viewer=request.user, pk=form.cleaned_data["course"])
                if course is None:
                    raise ValidationFailed({"course": [_("No such course.")]})
            saved = services.badge_create(
                actor=request.user,
                course=course,
                criteria=form.criteria(),
                tags=form.tag_names(),
                image=request.FILES.get("image"),
                **form.service_values(),
            )
        else:
            saved = services.badge_update(
                actor=request.user,
                badge=badge,
                criteria=form.criteria(),
                tags=form.tag_names(),
                image=request.FILES.get("image"),
                regenerate_image=form.cleaned_data.get("regenerate_image", False),
                **form.service_values(),
            )
    except ValidationFailed as exc:
        for key, errors in exc.field_errors.items():
            for error in errors:
                form.add_error(form.error_field(key), error)
        return None
    except (NotFound, PermissionDenied) as exc:
        return refusal(request, exc)
    except ApplicationError as exc:
        form.add_error(None, message_for(exc))
        return None
    messages.success(request, _("Badge saved."))
    return redirect("badges:badge_detail", pk=saved.pk)


@staff_page
def badge_create(request):
    # The course first: one the viewer may not see is a 404, whatever else the form holds.
    course_id = request.POST.get("course") if request.method == "POST" else None
    if course_id and course_selectors.course_find(viewer=request.user, pk=course_id) is None:
        raise Http404
    form = BadgeForm(request.POST or None, request.FILES or None, viewer=request.user)
    if request.method == "POST" and form.is_valid() and (done := _save(request, form, None)):
        return done
    return render(request, "badges/badge_form.html", {"form": form, "badge": None})


@staff_page
def badge_edit(request, pk):
    badge = _badge_or_404(request, pk)
    if not badge.viewer_manages:
        return forbidden(
            request, _("Only Org Admins manage the organization's badges; a course's, its teachers.")
        )
    if request.method == "POST":
        form = BadgeForm(request.POST, request.FILES, viewer=request.user, badge=badge)
        if form.is_valid() and (done := _save(request, form, badge)):
            return done
    else:
        form = BadgeForm(initial=BadgeForm.initial_for(badge), viewer=request.user, badge=badge)
    return render(request, "badges/badge_form.html", {"form": form, "badge": badge})


@staff_page
def badge_detail(request, pk):
    badge = _badge_or_404(request, pk)
    awards = Paginator(selectors.award_list(viewer=request.user, badge=badge), PER_PAGE).get_page(
        request.GET.get("page")
    )
    for award in awards.object_list:
        award.state = selectors.award_status(award)
        award.assertion_url = ob_url("badges:ob_assertion", award.uid)
    progress = selectors.progress_list(viewer=request.user, badge=badge).exclude(percent=100)[:50]
    learners = (
        visible_people(viewer=request.user).exclude(pk=request.user.pk).order_by("full_name", "email")[:500]
    )
    return render(
        request,
        "badges/badge_detail.html",
        {
            "badge": badge,
            "awards": awards,
            "progress": progress,
            "award_form": AwardForm(learners=learners),
            "revoke_form": RevokeForm(),
            "public_url": ob_url("badges:ob_badge", badge.uid)
            if badge.status != Badge.Status.DRAFT
            else None,
        },
    )


@require_POST
@staff_page
def badge_status(request, pk):
    badge = _badge_or_404(request, pk)
    status = request.POST.get("status", "")
    done = {
        Badge.Status.ACTIVE: _("Active: learners who already meet it receive it in a moment."),
        Badge.Status.ARCHIVED: _("Archived: no more awards; those made stay valid."),
    }
    return act(
        request,
        lambda: services.badge_set_status(actor=request.user, badge=badge, status=status),
        success=done.get(status, _("Saved.")),
        then=reverse("badges:badge_detail", args=[badge.pk]),
    )


@require_POST
@staff_page
def badge_delete(request, pk):
    badge = _badge_or_404(request, pk)
    try:
        services.badge_delete(actor=request.user, badge=badge)
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        messages.error(request, message_for(exc))
        return redirect("badges:badge_detail", pk=badge.pk)
    messages.success(request, _("Badge deleted."))
    return redirect("badges:badge_list")


@require_POST
@staff_page
def award_create(request, pk):
    badge = _badge_or_404(request, pk)
    back = reverse("badges:badge_detail", args=[badge.pk])
    form = AwardForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a learner."))
        return redirect(back)
    user = selectors.learner_find(viewer=request.user, pk=form.cleaned_data["user"])
    if user is None:
        raise Http404
    values = {k: form.cleaned_data[k] for k in ("note", "evidence_url", "evidence_narrative")}
    return act(
        request,
        lambda: services.award_create(actor=request.user, badge=badge, user=user, **values),
        success=lambda award: (
            _("Awarded to %(name)s.") % {"name": award.user.get_full_name() or award.user.email}
        ),
        then=back,
    )


@require_POST
@staff_page
def award_revoke(request, pk):
    award = selectors.award_get(viewer=request.user, pk=pk)
    if award is None:
        raise Http404
    back = reverse("badges:badge_detail", args=[award.badge_id])
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for revoking the badge."))
        return redirect(back)
    return act(
        request,
        lambda: services.award_revoke(actor=request.user, award=award, reason=form.cleaned_data["reason"]),
        success=_("Revoked."),
        then=back,
    )


@member_required
def badge_image(request, pk):
    badge = _badge_or_404(request, pk)
    if not badge.image:
        raise Http404
    try:
        handle = badge.image.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _certificates(viewer):
    """The learner's certificates (apps.certificates provides the selector)."""
    from apps.certificates.selectors import learner_certificates

    return learner_certificates(viewer, viewer)


@member_required
def achievements(request):
    viewer = request.user
    awards = list(selectors.learner_awards(viewer=viewer, user=viewer))
    for award in awards:
        award.state = selectors.award_status(award)
        award.assertion_url = ob_url("badges:ob_assertion", award.uid)
        award.image_url = ob_url("badges:ob_assertion_image", award.uid)
        award.svg_url = ob_url("badges:ob_assertion_svg", award.uid)
    return render(
        request,
        "badges/achievements.html",
        {
            "awards": awards,
            "progress": list(selectors.learner_progress(viewer=viewer)[:50]),
            "certificates": list(_certificates(viewer)[:50]),
        },
    )
