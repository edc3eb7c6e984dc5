"""Pages of certificate issuing.

Signed in (staff): the certificates in the viewer's scope (/certificates/, per course
/courses/<id>/certificates/) with revoke / reissue / recertify on each certificate's page, a course's
certificate rule (/courses/<id>/certificate/) and its quizzes' (/quizzes/<id>/certificate/), one certificate
issued by hand (/certificates/issue/), bulk issue and re-render jobs with their progress. Learners:
"My certificates" (/certificates/mine/) with the downloads and the share links.

Public (no sign-in, on the organization's host): /verify/ (the form), /verify/<code or uuid hex> (valid,
expired or revoked; rate-limited per IP and logged), the share page /certificates/<uuid hex>/share with
Open Graph tags and its card image. An unknown key is the plain 404 page, the same for every kind of miss.
"""

import time

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.permissions import scope_of
from apps.core.errors import ApplicationError, ValidationFailed
from apps.core.pages import act, forbidden, member_required, message_for, refusal, submit
from apps.courses.selectors import course_find, course_list_editable
from apps.hierarchy.selectors import class_get, class_list

from ..models import BulkJob, Certificate, CertificateTemplate
from ..templating.selectors import template_get
from . import cards, selectors, services
from .api import pdf_response
from .forms import BulkIssueForm, IssueForm, ReasonForm, RuleForm, VerifyForm
from .verification import verify

PER_PAGE = 25


def staff_required(view):
    def wrapped(request, *args, **kwargs):
        if not scope_of(request.user).can_author():
            return forbidden(request, _("Only Teachers, Branch Managers and Org Admins may see this page."))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return member_required(wrapped)


def _templates():
    return CertificateTemplate.objects.filter(status=CertificateTemplate.Status.ACTIVE).order_by("name", "pk")


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


# --- staff lists -----------------------------------------------------------------------------------------------


@staff_required
@require_GET
def certificate_list(request):
    """Every certificate the viewer may see, newest first; ?state=valid|revoked."""
    queryset = selectors.certificate_list(viewer=request.user)
    state = request.GET.get("state", "")
    if state == "revoked":
        queryset = queryset.filter(status=Certificate.Status.REVOKED)
    elif state == "valid":
        queryset = queryset.filter(status=Certificate.Status.ACTIVE)
    return render(
        request,
        "certificates/issuing/list.html",
        {"page": _page(request, queryset), "course": None, "state": state, "staff": True},
    )


@staff_required
@require_GET
def certificate_course_list(request, pk):
    course = course_find(viewer=request.user, pk=pk)
    if course is None:
        raise Http404
    queryset = selectors.certificate_list(viewer=request.user, course=course)
    _course, rule, edits = selectors.rule_for_course(viewer=request.user, course_id=course.pk)
    return render(
        request,
        "certificates/issuing/list.html",
        {"page": _page(request, queryset), "course": course, "rule": rule, "edits": edits, "staff": True},
    )


@member_required
@require_GET
def certificate_mine(request):
    queryset = selectors.learner_certificates(request.user, request.user)
    return render(request, "certificates/issuing/mine.html", {"page": _page(request, queryset)})


def _certificate(request, pk) -> Certificate:
    certificate = selectors.certificate_get(viewer=request.user, pk=pk)
    if certificate is None:
        raise Http404
    return certificate


@member_required
@require_GET
def certificate_detail(request, pk):
    certificate = _certificate(request, pk)
    manages = selectors.may_manage(request.user, certificate)
    links = None
    if certificate.status == Certificate.Status.ACTIVE and certificate.user_id == request.user.pk:
        links = services.certificate_share(actor=request.user, certificate=certificate)
    return render(
        request,
        "certificates/issuing/detail.html",
        {
            "certificate": certificate,
            "manages": manages,
            "links": links,
            "reason_form": ReasonForm(),
            "renewed_by": Certificate.objects.filter(replaces=certificate).only("pk", "code").first(),
        },
    )


@member_required
@require_GET
def certificate_pdf(request, pk):
    certificate = _certificate(request, pk)
    if certificate.render_state != Certificate.RenderState.READY or not certificate.pdf:
        messages.info(request, _("The PDF is being prepared; try again in a moment."))
        return redirect("certificates:certificate_detail", pk=certificate.pk)
    return pdf_response(certificate, download=request.GET.get("download") == "1")


@member_required
@require_POST
def certificate_revoke(request, pk):
    certificate = _certificate(request, pk)
    form = ReasonForm(request.POST)
    then = reverse("certificates:certificate_detail", args=[certificate.pk])
    if not form.is_valid():
        if not selectors.may_manage(request.user, certificate):
            return forbidden(request, _("Only staff in charge of this learner may change their certificate."))
        messages.error(request, _("Say why the certificate is revoked."))
        return redirect(then)
    return act(
        request,
        lambda: services.certificate_revoke(
            actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
        ),
        success=_("The certificate was revoked."),
        then=then,
    )


@member_required
@require_POST
def certificate_reissue(request, pk):
    certificate = _certificate(request, pk)
    return act(
        request,
        lambda: services.certificate_reissue(actor=request.user, certificate=certificate),
        success=_("The certificate is being printed again from the template's newest version."),
        then=reverse("certificates:certificate_detail", args=[certificate.pk]),
    )


@member_required
@require_POST
def certificate_recertify(request, pk):
    certificate = _certificate(request, pk)
    try:
        new = services.certificate_recertify(actor=request.user, certificate=certificate)
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        messages.error(request, message_for(exc))
        return redirect("certificates:certificate_detail", pk=certificate.pk)
    messages.success(request, _("The certificate was renewed."))
    return redirect("certificates:certificate_detail", pk=new.pk)


# --- the rule of a course or of a quiz ----------------------------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def certificate_rule(request, pk):
    course, rule, edits = selectors.rule_for_course(viewer=request.user, course_id=pk)
    if course is None:
        raise Http404
    return _rule_page(request, course=course, rule=rule, edits=edits)


@member_required
@require_http_methods(["GET", "POST"])
def certificate_quiz_rule(request, pk):
    quiz, rule, edits = selectors.rule_for_quiz(viewer=request.user, assessment_id=pk)
    if quiz is None:
        raise Http404
    return _rule_page(request, course=quiz.course, rule=rule, edits=edits, quiz=quiz)


def _rule_page(request, *, course, rule, edits, quiz=None):
    """The rule form of a course, or of one of its quizzes (`quiz`): the same service and form for both.
    The course's page also lists its quizzes with their rules."""
    if not edits:
        return forbidden(request, _("Only this course's editors may change its certificate."))
    here = (
        reverse("certificates:certificate_quiz_rule", args=[quiz.pk])
        if quiz is not None
        else reverse("certificates:certificate_rule", args=[course.pk])
    )
    target = {"assessment": quiz} if quiz is not None else {"course": course}
    initial = (
        {"template": rule.template_id, "expiry_months": rule.expiry_months, "auto_issue": rule.auto_issue}
        if rule is not None
        else {"auto_issue": True}
    )
    form = RuleForm(request.POST or None, initial=initial, templates=_templates(), quiz=quiz is not None)
    if request.method == "POST" and request.POST.get("delete") and rule is not None:
        return act(
            request,
            lambda: services.rule_delete(actor=request.user, rule=rule),
            success=(
                _("The quiz no longer issues a certificate.")
                if quiz is not None
                else _("The course no longer issues a certificate.")
            ),
            then=here,
        )
    if request.method == "POST" and form.is_valid():
        done = submit(
            request,
            form,
            lambda: services.rule_set(
                actor=request.user,
                template_id=form.cleaned_data["template"],
                expiry_months=form.cleaned_data["expiry_months"],
                auto_issue=form.cleaned_data["auto_issue"],
                **target,
            ),
            success=_("The certificate rule was saved."),
            then=lambda r: here,
            aliases={"template_id": "template"},
        )
        if done:
            return done
    return render(
        request,
        "certificates/issuing/rule.html",
        {
            "course": course,
            "quiz": quiz,
            "rule": rule,
            "form": form,
            "has_templates": _templates().exists(),
            "quizzes": selectors.quiz_rules(viewer=request.user, course=course) if quiz is None else (),
        },
    )


# --- one certificate by hand --------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def certificate_issue(request):
    """Issue one certificate to a learner the viewer may see, for a course or a quiz they edit (?course= or
    ?quiz= preselects it); the certificate's page follows."""
    from apps.assessments.quizzes.selectors import assessment_get, assessment_list

    initial = {name: request.GET[name] for name in ("course", "quiz") if request.GET.get(name, "").isdigit()}
    form = IssueForm(
        request.POST or None,
        initial=initial,
        courses=course_list_editable(viewer=request.user),
        quizzes=assessment_list(viewer=request.user).filter(viewer_edits=True),
        templates=_templates(),
    )
    if request.method == "POST":
        _refuse_unknown_ids(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def issue():
            learner = selectors.learner_by_email(viewer=request.user, email=data["learner"])
            if learner is None:
                raise ValidationFailed(
                    {"learner": [_("Nobody with this email is among the people you see.")]}
                )
            course = course_find(viewer=request.user, pk=data["course"]) if data["course"] else None
            quiz = assessment_get(viewer=request.user, pk=data["quiz"]) if data["quiz"] else None
            if course is None and quiz is None:
                raise Http404
            return services.certificate_issue_manual(
                actor=request.user, user=learner, course=course, assessment=quiz, template_id=data["template"]
            )

        done = submit(
            request,
            form,
            issue,
            success=_("The certificate was issued."),
            then=lambda certificate: reverse("certificates:certificate_detail", args=[certificate.pk]),
            aliases={
                "user_id": "learner",
                "course_id": "course",
                "assessment_id": "quiz",
                "template_id": "template",
            },
        )
        if done:
            return done
    return render(request, "certificates/issuing/issue.html", {"form": form})


# --- bulk jobs ---------------------------------------------------------------------------------------------------


def _refuse_unknown_ids(request) -> None:
    """A course, quiz, class or template id the viewer may not see is a 404 (as for pages naming it in the
    path)."""
    from apps.assessments.quizzes.selectors import assessment_ref

    course, quiz, school_class, template = (
        request.POST.get(name, "") for name in ("course", "quiz", "school_class", "template")
    )
    if course.isdigit() and course_find(viewer=request.user, pk=course) is None:
        raise Http404
    if quiz.isdigit() and assessment_ref(viewer=request.user, pk=quiz) is None:
        raise Http404
    if school_class.isdigit() and class_get(viewer=request.user, pk=school_class) is None:
        raise Http404
    if template.isdigit() and not _templates().filter(pk=template).exists():
        raise Http404


@staff_required
@require_http_methods(["GET", "POST"])
def bulk_start(request):
    courses = course_list_editable(viewer=request.user)
    classes = class_list(viewer=request.user)
    initial = {"course": request.GET["course"]} if request.GET.get("course", "").isdigit() else {}
    form = BulkIssueForm(
        request.POST or None, initial=initial, courses=courses, classes=classes, templates=_templates()
    )
    if request.method == "POST":
        _refuse_unknown_ids(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def start():
            course = course_find(viewer=request.user, pk=data["course"]) if data.get("course") else None
            school_class = (
                class_get(viewer=request.user, pk=data["school_class"]) if data.get("school_class") else None
            )
            if (data.get("course") and course is None) or (data.get("school_class") and school_class is None):
                raise Http404
            return services.bulk_issue_start(
                actor=request.user, course=course, school_class=school_class, template_id=data.get("template")
            )

        done = submit(
            request,
            form,
            start,
            success=_("The certificates are being issued."),
            then=lambda job: reverse("certificates:bulk_job", args=[job.pk]),
            aliases={"course_id": "course", "template_id": "template", "class_id": "school_class"},
        )
        if done:
            return done
    jobs = selectors.job_list(viewer=request.user)[:10]
    return render(request, "certificates/issuing/bulk_start.html", {"form": form, "jobs": jobs})


@member_required
@require_http_methods(["GET", "POST"])
def bulk_rerender(request, pk):
    template = template_get(viewer=request.user, pk=pk)
    if template is None:
        raise Http404
    if not scope_of(request.user).is_org_admin:
        return forbidden(request, _("Only Org Admins may do this."))
    if request.method == "POST":
        try:
            job = services.bulk_rerender_start(actor=request.user, template=template)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("certificates:bulk_rerender", pk=template.pk)
        messages.success(request, _("The certificates are being printed again."))
        return redirect("certificates:bulk_job", pk=job.pk)
    count = Certificate.objects.filter(template=template, status=Certificate.Status.ACTIVE).count()
    return render(request, "certificates/issuing/rerender.html", {"template": template, "count": count})


@staff_required
@require_GET
def bulk_job(request, pk):
    job = selectors.job_get(viewer=request.user, pk=pk)
    if job is None:
        raise Http404
    finished = job.status not in (BulkJob.Status.QUEUED, BulkJob.Status.RUNNING)
    percent = 100 if finished else (int(job.done * 100 / job.total) if job.total else 0)
    return render(
        request,
        "certificates/issuing/bulk_job.html",
        {"job": job, "finished": finished, "percent": percent, "rows": job.report[-200:]},
    )


# --- public: verification and sharing ---------------------------------------------------------------------------


@require_GET
def verify_form(request):
    form = VerifyForm(request.GET or None)
    if request.GET and form.is_valid():
        code = "".join(form.cleaned_data["code"].split()).upper()
        return redirect("certificates:verify_detail", key=code)
    return render(request, "certificates/issuing/verify_form.html", {"form": form})


@require_GET
def verify_detail(request, key):
    found = verify(request, key, channel="page")
    if found.limited is not None:
        response = render(request, "certificates/issuing/verify_limited.html", status=429)
        response["Retry-After"] = str(max(1, found.limited.reset - int(time.time())))
        return response
    if found.certificate is None:
        raise Http404
    certificate = found.certificate
    response = render(
        request,
        "certificates/issuing/verify.html",
        {
            "certificate": certificate,
            "state": certificate.state,
            "form": VerifyForm(),
            "share_url": reverse("certificates:share", args=[certificate.verify_uuid.hex]),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _public_certificate(uuid_hex) -> Certificate:
    certificate = selectors.certificate_by_uuid(uuid_hex)
    if certificate is None or len(str(uuid_hex)) != 32:
        raise Http404
    return certificate


@require_GET
def share(request, uuid_hex):
    certificate = _public_certificate(uuid_hex)
    links = None
    if certificate.status == Certificate.Status.ACTIVE:
        links = services.certificate_share(actor=None, certificate=certificate)
    return render(
        request,
        "certificates/issuing/share.html",
        {
            "certificate": certificate,
            "state": certificate.state,
            "links": links,
            "page_url": services.share_url(certificate),
            "card_url": services.organization().url_for(reverse("certificates:share_card", args=[uuid_hex])),
            "verify_url": services.verify_url(certificate),
        },
    )


@require_GET
def share_card(request, uuid_hex):
    certificate = _public_certificate(uuid_hex)
    response = HttpResponse(cards.share_card_png(certificate), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response
