"""The teacher's course editor: the course's details, its modules and lessons (added, renamed, reordered with
buttons or by dragging, deleted), its files, publishing; and the lesson editor with its rich text's preview
(content_preview) and its versions (view, diff, publish, revert). Every change goes through the services; their field errors go back onto the forms."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.permissions import scope_of
from apps.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from apps.core.pages import add_service_errors, forbidden, member_required, refusal

from .. import selectors, services
from ..forms import (
    CourseForm,
    LessonPreviewForm,
    MediaUploadForm,
    ModuleForm,
    ModuleRenameForm,
)
from ..kinds import kind_for, kinds
from ..models import Course
from ..permissions import can_author
from ..rendering import render_body
from .common import (
    AUTHOR_FORBIDDEN,
    act,
    course_view,
    item_in,
    json_bad_request,
    json_error,
    message_for,
    module_in,
    order_ids,
    posted,
    submit,
    version_of,
)

UPLOAD_ALIASES = {"file": "upload", "cover": "cover"}


def editor_url(course, anchor: str = "") -> str:
    return reverse("courses:edit", args=[course.pk]) + (f"#{anchor}" if anchor else "")


def _course_initial(course: Course) -> dict:
    """The form's initial values; relations (branches, prerequisites, co-teachers) come from the form."""
    return {
        "title": course.title,
        "slug": course.slug,
        "summary": course.summary,
        "description": course.description,
        "category": course.category_id,
        "tags": ", ".join(tag.name for tag in course.tag_list),
        "estimated_minutes": course.estimated_minutes,
        "self_enrollment": course.self_enrollment,
    }


def _course_form(request, course, *, bound: bool = False) -> CourseForm:
    data = (request.POST, request.FILES) if bound else ()
    form = CourseForm(*data, viewer=request.user, course=course, initial=_course_initial(course))
    form.initial.update(form.current)
    return form


def _render_editor(
    request, course, *, course_form=None, module_form=None, upload_form=None, rename=None, status=200
):
    viewer = request.user
    outline = selectors.course_outline(course=course, viewer=viewer, as_learner=False)
    items = [item for module in outline for item in module.items.all()]
    for module in outline:
        module.rename_form = rename[1] if rename and rename[0] == module.pk else None
    return render(
        request,
        "courses/editor.html",
        {
            "course": course,
            "outline": outline,
            "lesson_count": len(items),
            "published_count": sum(1 for item in items if item.published_version_id),
            "unpublished_changes": sum(
                1 for item in items if item.latest_version_id != item.published_version_id
            ),
            "kinds": [(kind.code, kind.label, kind.create_view) for kind in kinds(offered=True)],
            "course_form": course_form or _course_form(request, course),
            "module_form": module_form or ModuleForm(),
            "upload_form": upload_form or MediaUploadForm(),
            "media": selectors.media_list(viewer=viewer, course=course)
            .select_related("item")
            .order_by("-created_at", "-pk"),
        },
        status=status,
    )


# --- courses ----------------------------------------------------------------------------------------------


@member_required
def course_create(request):
    viewer = request.user
    scope = scope_of(viewer)
    if not can_author(scope):
        return forbidden(request, AUTHOR_FORBIDDEN)
    initial = {"self_enrollment": True}
    if not scope.is_org_admin:
        initial["branches"] = sorted(scope.member_branch_ids)
    form = CourseForm(request.POST or None, request.FILES or None, viewer=viewer, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.values(only_changed=False)
        title = values.pop("title")
        response = submit(
            request,
            form,
            lambda: services.course_create(actor=viewer, title=title, **values),
            success=lambda course: (
                _("%(title)s is created. Add its modules and lessons below.") % {"title": course.title}
            ),
            then=lambda course: editor_url(course, "content"),
        )
        if response is not None:
            return response
    return render(request, "courses/course_form.html", {"form": form})


@course_view(edit=True)
def course_edit(request, course):
    if request.method != "POST":
        return _render_editor(request, course)
    form = _course_form(request, course, bound=True)
    if form.is_valid():
        values = form.values(only_changed=True)
        if not values:
            messages.info(request, _("Nothing changed."))
            return redirect(editor_url(course, "details"))
        response = submit(
            request,
            form,
            lambda: services.course_update(actor=request.user, course=course, **values),
            success=_("The course is saved."),
            then=lambda _: editor_url(course, "details"),
        )
        if response is not None:
            return response
    return _render_editor(request, course, course_form=form)


@course_view(edit=True)
@require_POST
def course_publish(request, course):
    was = course.status
    return act(
        request,
        lambda: services.course_publish(actor=request.user, course=course, content="latest"),
        success=_("The changes are published.")
        if was == Course.Status.PUBLISHED
        else _("The course is published."),
        then=editor_url(course),
    )


@course_view(edit=True)
@require_POST
def course_unpublish(request, course):
    return act(
        request,
        lambda: services.course_unpublish(actor=request.user, course=course),
        success=_("The course is a draft again: learners no longer see it (their progress is kept)."),
        then=editor_url(course),
    )


def _confirm(request, *, title: str, text: str, button: str, cancel: str, course, danger: bool = True):
    return render(
        request,
        "courses/confirm.html",
        {
            "title": title,
            "text": text,
            "button": button,
            "cancel": cancel,
            "course": course,
            "danger": danger,
        },
    )


@course_view(edit=True)
def course_archive(request, course):
    if request.method == "POST":
        return act(
            request,
            lambda: services.course_archive(actor=request.user, course=course),
            success=_("The course is archived: out of the catalog; enrolled learners keep it."),
            then=editor_url(course),
        )
    return _confirm(
        request,
        title=_("Archive %(title)s?") % {"title": course.title},
        text=_(
            "It leaves the catalog and takes no new learners. Enrolled learners keep access to it and "
            "their progress. You can publish it again later."
        ),
        button=_("Archive course"),
        cancel=editor_url(course),
        course=course,
        danger=False,
    )


@course_view(edit=True)
def course_delete(request, course):
    if request.method == "POST":
        try:
            services.course_delete(actor=request.user, course=course)
        except ApplicationError as exc:
            if response := refusal(request, exc):
                return response
            messages.error(request, message_for(exc))
            return redirect(editor_url(course))
        messages.success(request, _("%(title)s is deleted.") % {"title": course.title})
        return redirect("courses:teaching")
    return _confirm(
        request,
        title=_("Delete %(title)s?") % {"title": course.title},
        text=_(
            "The course, its modules, lessons, versions and files are deleted. This cannot be undone. "
            "A course that learners have taken cannot be deleted; archive it instead."
        ),
        button=_("Delete course"),
        cancel=editor_url(course),
        course=course,
    )


# --- modules ----------------------------------------------------------------------------------------------


@course_view(edit=True)
@require_POST
def module_create(request, course):
    form = ModuleForm(request.POST)
    if form.is_valid():
        response = submit(
            request,
            form,
            lambda: services.module_create(actor=request.user, course=course, **form.cleaned_data),
            success=lambda module: _("Module %(title)s is added.") % {"title": module.title},
            then=lambda module: editor_url(course, f"module-{module.pk}"),
        )
        if response is not None:
            return response
    return _render_editor(request, course, module_form=form)


@course_view(edit=True)
@require_POST
def module_rename(request, course, module_pk):
    module = module_in(request, course, module_pk)
    form = ModuleRenameForm(request.POST, auto_id=f"rename-{module.pk}-%s")
    if form.is_valid():
        response = submit(
            request,
            form,
            lambda: services.module_update(
                actor=request.user, module=module, title=form.cleaned_data["title"]
            ),
            success=_("The module is renamed."),
            then=lambda _: editor_url(course, f"module-{module.pk}"),
        )
        if response is not None:
            return response
    return _render_editor(request, course, rename=(module.pk, form))


@course_view(edit=True)
@require_POST
def module_move(request, course, module_pk):
    module = module_in(request, course, module_pk)
    return act(
        request,
        lambda: services.module_move(
            actor=request.user, module=module, direction=request.POST.get("direction", "")
        ),
        success=_("%(title)s is moved.") % {"title": module.title},
        then=editor_url(course, f"module-{module.pk}"),
    )


@course_view(edit=True)
def module_delete(request, course, module_pk):
    module = module_in(request, course, module_pk)
    if request.method == "POST":
        return act(
            request,
            lambda: services.module_delete(actor=request.user, module=module),
            success=_("Module %(title)s is deleted.") % {"title": module.title},
            then=editor_url(course, "content"),
        )
    return _confirm(
        request,
        title=_("Delete the module %(title)s?") % {"title": module.title},
        text=_(
            "The module and all its lessons, with their versions, are deleted. This cannot be undone. "
            "Lessons that learners have progress on cannot be deleted; unpublish them instead."
        ),
        button=_("Delete module"),
        cancel=editor_url(course, f"module-{module.pk}"),
        course=course,
    )


def _wants_json(request) -> bool:
    return request.content_type == "application/json" or "application/json" in request.headers.get(
        "Accept", ""
    )


def _reorder(request, course, call, *, anchor: str):
    data = posted(request)
    as_json = _wants_json(request)
    order = order_ids(data.get("order")) if not data.get("__invalid__") else None
    if order is None:
        if as_json:
            return json_bad_request("Send the new order as a list of ids.")
        messages.error(request, _("Send the new order as a list of ids."))
        return redirect(editor_url(course, anchor))
    try:
        result = call(order)
    except ApplicationError as exc:
        if as_json:
            return json_error(exc)
        if response := refusal(request, exc):
            return response
        messages.error(request, message_for(exc))
        return redirect(editor_url(course, anchor))
    if as_json:
        return JsonResponse({"order": [obj.pk for obj in result]})
    messages.success(request, _("The new order is saved."))
    return redirect(editor_url(course, anchor))


@course_view(edit=True)
@require_POST
def modules_reorder(request, course):
    return _reorder(
        request,
        course,
        lambda order: services.modules_reorder(actor=request.user, course=course, order=order),
        anchor="content",
    )


@course_view(edit=True)
@require_POST
def items_reorder(request, course, module_pk):
    module = module_in(request, course, module_pk)
    return _reorder(
        request,
        course,
        lambda order: services.items_reorder(actor=request.user, module=module, order=order),
        anchor=f"module-{module.pk}",
    )


# --- lessons ----------------------------------------------------------------------------------------------


def _previewing(request) -> bool:
    """The lesson form's Preview button (without JavaScript): show the text as learners will, save nothing."""
    return request.method == "POST" and "preview" in request.POST


def _lesson_page(request, form, course, **context):
    """The lesson editor page: the form, the text as learners will see it when Preview was asked for, and
    the course's own pictures for the rich-text editor's image dialog."""
    preview_html = None
    if _previewing(request) and form.is_valid():
        data = form.cleaned_data
        preview_html = render_body(data.get("body") or "", data.get("body_format") or "markdown")
    images = (
        selectors.media_list(viewer=request.user, course=course)
        .filter(item__isnull=True, content_type__startswith="image/")
        .order_by("original_name", "pk")
    )
    return render(
        request,
        "courses/lesson_form.html",
        {
            "form": form,
            "course": course,
            "preview_html": preview_html,
            "course_images": [
                (image.original_name, reverse("courses:media", args=[course.pk, image.pk]))
                for image in images
            ],
            **context,
        },
    )


@course_view(edit=True)
@require_POST
def content_preview(request, course):
    """A lesson's draft text as learners will see it: the sanitized fragment render_body makes of it (what a
    save stores as body_html), nothing saved. The lesson editor's Preview button and its switch from
    Markdown to formatted text call it."""
    data = posted(request)
    if data.get("__invalid__"):
        return json_bad_request("Send a JSON object or form fields.")
    form = LessonPreviewForm(data)
    if not form.is_valid():
        errors = {name: [str(error) for error in errors] for name, errors in form.errors.items()}
        return json_error(ValidationFailed(errors))
    return JsonResponse({"html": render_body(form.cleaned_data["body"], form.cleaned_data["body_format"])})


@course_view(edit=True)
def content_create(request, course, module_pk, kind):
    module = module_in(request, course, module_pk)
    spec = kind_for(kind)
    if spec is None or not spec.offered or spec.create_view:  # a kind with its own creation page
        raise Http404
    form = spec.editor_form(
        request.POST or None, request.FILES or None, kind=kind, viewer=request.user, course=course
    )
    if request.method == "POST" and not _previewing(request) and form.is_valid():
        response = submit(
            request,
            form,
            lambda: services.lesson_save(
                actor=request.user,
                module=module,
                kind=kind,
                values=form.values(),
                upload=form.cleaned_data.get("upload"),
                publish="publish" in request.POST,
            ),
            success=lambda saved: (
                (
                    _("Lesson %(title)s is added and published.")
                    if saved.published
                    else _("Lesson %(title)s is added.")
                )
                % {"title": saved.item.title}
            ),
            then=lambda saved: editor_url(course, f"item-{saved.item.pk}"),
            aliases=UPLOAD_ALIASES,
        )
        if response is not None:
            return response
    return _lesson_page(request, form, course, module=module, kind=spec, item=None)


@course_view(edit=True)
def content_edit(request, course, item_pk):
    item = item_in(request, course, item_pk)
    spec = kind_for(item.kind)
    if spec is None:  # a kind no longer registered: its lessons can be read, not edited
        raise Http404
    form = spec.editor_form(
        request.POST or None,
        request.FILES or None,
        kind=item.kind,
        viewer=request.user,
        course=course,
        initial=spec.editor_form.initial_for(item),
    )
    if request.method == "POST" and not _previewing(request) and form.is_valid():
        try:
            saved = services.lesson_save(
                actor=request.user,
                item=item,
                values=form.values(),
                upload=form.cleaned_data.get("upload"),
                publish="publish" in request.POST,
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc, UPLOAD_ALIASES)
        except (NotFound, PermissionDenied) as exc:
            return refusal(request, exc)
        except ApplicationError as exc:  # e.g. the plan's storage is full
            form.add_error(None, message_for(exc))
        else:
            say = messages.success if saved.changed or saved.published else messages.info
            say(request, _saved_message(saved))
            return redirect("courses:content_edit", pk=course.pk, item_pk=item.pk)
    return _lesson_page(
        request,
        form,
        course,
        module=item.module,
        kind=spec,
        item=item,
        versions=selectors.version_list(item=item),
    )


def _saved_message(saved) -> str:
    number = saved.item.latest_version.number
    if saved.changed:
        return f"Saved as version {number}" + (" and published." if saved.published else ".")
    if saved.published:
        return f"Version {number} is published."
    return "Nothing changed."


@course_view(edit=True)
@require_POST
def content_move(request, course, item_pk):
    item = item_in(request, course, item_pk)
    return act(
        request,
        lambda: services.content_move(
            actor=request.user, item=item, direction=request.POST.get("direction", "")
        ),
        success=_("%(title)s is moved.") % {"title": item.title},
        then=editor_url(course, f"item-{item.pk}"),
    )


@course_view(edit=True)
@require_POST
def content_unpublish(request, course, item_pk):
    item = item_in(request, course, item_pk)
    return act(
        request,
        lambda: services.content_unpublish(actor=request.user, item=item),
        success=_("%(title)s is hidden from learners (their progress on it is kept).")
        % {"title": item.title},
        then=reverse("courses:content_edit", args=[course.pk, item.pk]),
    )


@course_view(edit=True)
def content_delete(request, course, item_pk):
    item = item_in(request, course, item_pk)
    if request.method == "POST":
        return act(
            request,
            lambda: services.content_delete(actor=request.user, item=item),
            success=_("Lesson %(title)s is deleted.") % {"title": item.title},
            then=editor_url(course, f"module-{item.module_id}"),
        )
    return _confirm(
        request,
        title=_("Delete the lesson %(title)s?") % {"title": item.title},
        text=_(
            "The lesson and all its versions are deleted. This cannot be undone. A lesson that learners "
            "have progress on cannot be deleted; unpublish it instead."
        ),
        button=_("Delete lesson"),
        cancel=reverse("courses:content_edit", args=[course.pk, item.pk]),
        course=course,
    )


# --- versions ---------------------------------------------------------------------------------------------


@course_view(edit=True)
@require_GET
def version_detail(request, course, item_pk, number):
    item = item_in(request, course, item_pk)
    version = version_of(item, number)
    return render(
        request,
        "courses/version_detail.html",
        {
            "course": course,
            "item": item,
            "version": version,
            "versions": selectors.version_list(item=item),
        },
    )


@course_view(edit=True)
@require_GET
def version_diff(request, course, item_pk, number):
    item = item_in(request, course, item_pk)
    version = version_of(item, number)
    against_number = request.GET.get("against") or str(version.number - 1)
    against = selectors.version_get(item=item, number=against_number)
    if against is None and request.GET.get("against"):
        raise Http404
    changes = services.version_diff(against, version) if against is not None else []
    return render(
        request,
        "courses/version_diff.html",
        {
            "course": course,
            "item": item,
            "version": version,
            "against": against,
            "changes": changes,
            "versions": selectors.version_list(item=item),
        },
    )


@course_view(edit=True)
@require_POST
def version_publish(request, course, item_pk, number):
    item = item_in(request, course, item_pk)
    version = version_of(item, number)
    return act(
        request,
        lambda: services.version_publish(actor=request.user, item=item, version=version),
        success=_("Learners now see version %(number)s of %(title)s.")
        % {"number": version.number, "title": item.title},
        then=reverse("courses:content_edit", args=[course.pk, item.pk]),
    )


@course_view(edit=True)
@require_POST
def version_revert(request, course, item_pk, number):
    item = item_in(request, course, item_pk)
    version = version_of(item, number)
    publish = request.POST.get("publish") == "1"
    return act(
        request,
        lambda: services.version_revert(actor=request.user, item=item, version=version, publish=publish),
        success=lambda new: (
            (
                _("Version %(number)s is back as version %(new)s and published.")
                if publish
                else _("Version %(number)s is back as version %(new)s.")
            )
            % {"number": version.number, "new": new.number}
        ),
        then=reverse("courses:content_edit", args=[course.pk, item.pk]),
    )


# --- files ------------------------------------------------------------------------------------------------


@course_view(edit=True)
@require_POST
def media_upload(request, course):
    form = MediaUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            media = services.media_upload(actor=request.user, course=course, upload=form.cleaned_data["file"])
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except (NotFound, PermissionDenied) as exc:
            return refusal(request, exc)
        except ApplicationError as exc:  # e.g. the plan's storage is full
            form.add_error(None, message_for(exc))
        else:
            messages.success(request, _("%(name)s is uploaded.") % {"name": media.original_name})
            return redirect(editor_url(course, "files"))
    return _render_editor(request, course, upload_form=form)


@course_view(edit=True)
@require_POST
def media_delete(request, course, media_pk):
    media = selectors.media_list(viewer=request.user, course=course).filter(pk=media_pk).first()
    if media is None or not str(media_pk).isdigit():
        raise Http404
    return act(
        request,
        lambda: services.media_delete(actor=request.user, media=media),
        success=_("%(name)s is deleted.") % {"name": media.original_name},
        then=editor_url(course, "files"),
    )
