"""The teacher's course editor: the course's details, its modules and lessons (added, renamed, reordered with
buttons or by dragging, deleted), its files, publishing; and the lesson editor with its versions (view, diff,
publish, revert). Every change goes through the services; their field errors go back onto the forms."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.permissions import scope_of
from apps.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from apps.hierarchy.forms import add_service_errors
from apps.hierarchy.views import forbidden, member_required, refusal

from .. import selectors, services
from ..forms import KINDS_OFFERED, CourseForm, LessonForm, MediaUploadForm, ModuleForm, ModuleRenameForm
from ..models import ContentItem, Course
from ..permissions import can_author
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

Kind = ContentItem.Kind
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
            "kinds": [(kind.value, kind.label) for kind in KINDS_OFFERED],
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
            success=lambda course: f"{course.title} is created. Add its modules and lessons below.",
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
            messages.info(request, "Nothing changed.")
            return redirect(editor_url(course, "details"))
        response = submit(
            request,
            form,
            lambda: services.course_update(actor=request.user, course=course, **values),
            success="The course is saved.",
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
        success="The changes are published."
        if was == Course.Status.PUBLISHED
        else "The course is published.",
        then=editor_url(course),
    )


@course_view(edit=True)
@require_POST
def course_unpublish(request, course):
    return act(
        request,
        lambda: services.course_unpublish(actor=request.user, course=course),
        success="The course is a draft again: learners no longer see it (their progress is kept).",
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
            success="The course is archived: out of the catalog; enrolled learners keep it.",
            then=editor_url(course),
        )
    return _confirm(
        request,
        title=f"Archive {course.title}?",
        text="It leaves the catalog and takes no new learners. Enrolled learners keep access to it and "
        "their progress. You can publish it again later.",
        button="Archive course",
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
        messages.success(request, f"{course.title} is deleted.")
        return redirect("courses:teaching")
    return _confirm(
        request,
        title=f"Delete {course.title}?",
        text="The course, its modules, lessons, versions and files are deleted. This cannot be undone. "
        "A course that learners have taken cannot be deleted; archive it instead.",
        button="Delete course",
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
            success=lambda module: f"Module {module.title} is added.",
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
            success="The module is renamed.",
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
        success=f"{module.title} is moved.",
        then=editor_url(course, f"module-{module.pk}"),
    )


@course_view(edit=True)
def module_delete(request, course, module_pk):
    module = module_in(request, course, module_pk)
    if request.method == "POST":
        return act(
            request,
            lambda: services.module_delete(actor=request.user, module=module),
            success=f"Module {module.title} is deleted.",
            then=editor_url(course, "content"),
        )
    return _confirm(
        request,
        title=f"Delete the module {module.title}?",
        text="The module and all its lessons, with their versions, are deleted. This cannot be undone. "
        "Lessons that learners have progress on cannot be deleted; unpublish them instead.",
        button="Delete module",
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
        messages.error(request, "Send the new order as a list of ids.")
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
    messages.success(request, "The new order is saved.")
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


class _Refused(Exception):
    pass


def _lesson_write(request, form, course, write):
    """Store the lesson form's upload (if any) as a file of the course, then write the lesson, in one
    transaction: a refused lesson leaves neither a file row nor a stored file behind. Field errors and
    refusals that are not about access (a plan's storage limit) go onto the form; returns None then."""
    uploaded = []
    try:
        with transaction.atomic():
            values = form.values()
            upload = form.cleaned_data.get("upload")
            if upload:
                try:
                    media = services.media_upload(
                        actor=request.user, course=course, upload=upload, item=write.item
                    )
                except ValidationFailed as exc:
                    add_service_errors(form, exc, UPLOAD_ALIASES)
                    raise _Refused from exc
                uploaded.append(media)
                values["media"] = media.pk
            return write(values)
    except (_Refused, ValidationFailed, ApplicationError) as exc:
        for media in uploaded:
            media.file.storage.delete(media.file.name)
        if isinstance(exc, ValidationFailed):
            add_service_errors(form, exc, UPLOAD_ALIASES)
        elif isinstance(exc, NotFound | PermissionDenied):
            raise
        elif not isinstance(exc, _Refused):
            form.add_error(None, message_for(exc))
        return None


class _Create:
    def __init__(self, request, module, kind, form):
        self.request, self.module, self.kind, self.form, self.item = request, module, kind, form, None

    def __call__(self, values):
        data = self.form.cleaned_data
        item = services.content_create(
            actor=self.request.user,
            module=self.module,
            kind=self.kind,
            title=data["title"],
            estimated_minutes=data.get("estimated_minutes"),
            note=data.get("note") or "",
            **values,
        )
        if "publish" in self.request.POST:
            services.version_publish(actor=self.request.user, item=item, version=item.latest_version)
        return item


class _Update:
    def __init__(self, request, item, form):
        self.request, self.item, self.form = request, item, form

    def __call__(self, values):
        data = self.form.cleaned_data
        before = self.item.latest_version_id
        item = services.content_update(
            actor=self.request.user,
            item=self.item,
            note=data.get("note") or "",
            title=data["title"],
            estimated_minutes=data.get("estimated_minutes"),
            **values,
        )
        item.refresh_from_db()
        published = False
        if "publish" in self.request.POST and item.published_version_id != item.latest_version_id:
            services.version_publish(actor=self.request.user, item=item, version=item.latest_version)
            published = True
        return item, item.latest_version_id != before, published


@course_view(edit=True)
def content_create(request, course, module_pk, kind):
    module = module_in(request, course, module_pk)
    if kind not in KINDS_OFFERED:
        raise Http404
    form = LessonForm(
        request.POST or None, request.FILES or None, kind=kind, viewer=request.user, course=course
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = _lesson_write(request, form, course, _Create(request, module, kind, form))
        except ApplicationError as exc:
            return refusal(request, exc) or forbidden(request, exc.message)
        if item is not None:
            published = " and published" if item.published_version_id else ""
            messages.success(request, f"Lesson {item.title} is added{published}.")
            return redirect(editor_url(course, f"item-{item.pk}"))
    return render(
        request,
        "courses/lesson_form.html",
        {"form": form, "course": course, "module": module, "kind": Kind(kind), "item": None},
    )


def _lesson_initial(item) -> dict:
    version = item.latest_version
    initial = {"title": item.title, "estimated_minutes": item.estimated_minutes}
    if version is not None:
        initial.update(
            body=version.body,
            body_format=version.body_format,
            video_url=version.video_url,
            url=version.url,
            media=version.media_id,
            duration_seconds=version.duration_seconds,
        )
    return initial


@course_view(edit=True)
def content_edit(request, course, item_pk):
    item = item_in(request, course, item_pk)
    form = LessonForm(
        request.POST or None,
        request.FILES or None,
        kind=item.kind,
        viewer=request.user,
        course=course,
        initial=_lesson_initial(item),
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = _lesson_write(request, form, course, _Update(request, item, form))
        except ApplicationError as exc:
            return refusal(request, exc) or forbidden(request, exc.message)
        if result is not None:
            saved, changed, published = result
            if changed:
                text = f"Saved as version {saved.latest_version.number}"
                messages.success(request, text + (" and published." if published else "."))
            elif published:
                messages.success(request, f"Version {saved.latest_version.number} is published.")
            else:
                messages.info(request, "Nothing changed.")
            return redirect("courses:content_edit", pk=course.pk, item_pk=item.pk)
    return render(
        request,
        "courses/lesson_form.html",
        {
            "form": form,
            "course": course,
            "module": item.module,
            "kind": Kind(item.kind),
            "item": item,
            "versions": selectors.version_list(item=item),
        },
    )


@course_view(edit=True)
@require_POST
def content_move(request, course, item_pk):
    item = item_in(request, course, item_pk)
    return act(
        request,
        lambda: services.content_move(
            actor=request.user, item=item, direction=request.POST.get("direction", "")
        ),
        success=f"{item.title} is moved.",
        then=editor_url(course, f"item-{item.pk}"),
    )


@course_view(edit=True)
@require_POST
def content_unpublish(request, course, item_pk):
    item = item_in(request, course, item_pk)
    return act(
        request,
        lambda: services.content_unpublish(actor=request.user, item=item),
        success=f"{item.title} is hidden from learners (their progress on it is kept).",
        then=reverse("courses:content_edit", args=[course.pk, item.pk]),
    )


@course_view(edit=True)
def content_delete(request, course, item_pk):
    item = item_in(request, course, item_pk)
    if request.method == "POST":
        return act(
            request,
            lambda: services.content_delete(actor=request.user, item=item),
            success=f"Lesson {item.title} is deleted.",
            then=editor_url(course, f"module-{item.module_id}"),
        )
    return _confirm(
        request,
        title=f"Delete the lesson {item.title}?",
        text="The lesson and all its versions are deleted. This cannot be undone. A lesson that learners "
        "have progress on cannot be deleted; unpublish it instead.",
        button="Delete lesson",
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
        success=f"Learners now see version {version.number} of {item.title}.",
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
            f"Version {version.number} is back as version {new.number}"
            + (" and published." if publish else ".")
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
            messages.success(request, f"{media.original_name} is uploaded.")
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
        success=f"{media.original_name} is deleted.",
        then=editor_url(course, "files"),
    )
