"""The organization's course categories and tags, for Org Admins: list, create, rename, delete."""

from functools import wraps

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.permissions import scope_of
from apps.core.pages import forbidden, member_required

from .. import selectors, services
from ..forms import CategoryForm, TagForm
from .common import act, submit

FORBIDDEN = "Only Org Admins may manage categories and tags."


def org_admin_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not scope_of(request.user).is_org_admin:
            return forbidden(request, FORBIDDEN)
        return view(request, *args, **kwargs)

    return member_required(wrapped)


def _category_or_404(pk):
    category = selectors.category_list().filter(pk=pk).first() if str(pk).isdigit() else None
    if category is None:
        raise Http404
    return category


def _tag_or_404(pk):
    tag = selectors.tag_list().filter(pk=pk).first() if str(pk).isdigit() else None
    if tag is None:
        raise Http404
    return tag


def _render(request, *, create_form=None, failed=None):
    """The page; `failed` is (kind, pk, form) of an inline form whose errors are shown in place."""
    categories = list(selectors.category_list().order_by("name", "pk"))
    tags = list(selectors.tag_list().order_by("name", "pk"))
    for category in categories:
        failed_here = failed and failed[0] == "category" and failed[1] == category.pk
        category.form = (
            failed[2]
            if failed_here
            else CategoryForm(
                prefix_id=f"category-{category.pk}",
                initial={"name": category.name, "slug": category.slug, "description": category.description},
            )
        )
    for tag in tags:
        failed_here = failed and failed[0] == "tag" and failed[1] == tag.pk
        tag.form = (
            failed[2] if failed_here else TagForm(prefix_id=f"tag-{tag.pk}", initial={"name": tag.name})
        )
        tag.form.fields["name"].label = f"Tag {tag.name}"
    return render(
        request,
        "courses/categories.html",
        {
            "categories": categories,
            "tags": tags,
            "create_form": create_form or CategoryForm(prefix_id="new-category"),
        },
    )


@org_admin_only
def category_list(request):
    if request.method != "POST":
        return _render(request)
    form = CategoryForm(request.POST, prefix_id="new-category")
    if form.is_valid():
        response = submit(
            request,
            form,
            lambda: services.category_create(actor=request.user, **form.cleaned_data),
            success=lambda category: _("Category %(name)s is created.") % {"name": category.name},
            then=lambda _: "courses:categories",
        )
        if response is not None:
            return response
    return _render(request, create_form=form)


@org_admin_only
@require_POST
def category_edit(request, category_pk):
    category = _category_or_404(category_pk)
    form = CategoryForm(request.POST, prefix_id=f"category-{category.pk}")
    if form.is_valid():
        values = dict(form.cleaned_data)
        if not values["slug"]:
            values.pop("slug")
        response = submit(
            request,
            form,
            lambda: services.category_update(actor=request.user, category=category, **values),
            success=lambda saved: _("Category %(name)s is saved.") % {"name": saved.name},
            then=lambda _: "courses:categories",
        )
        if response is not None:
            return response
    return _render(request, failed=("category", category.pk, form))


@org_admin_only
@require_POST
def category_delete(request, category_pk):
    category = _category_or_404(category_pk)
    return act(
        request,
        lambda: services.category_delete(actor=request.user, category=category),
        success=_("Category %(name)s is deleted; its courses have no category now.")
        % {"name": category.name},
        then="courses:categories",
    )


@org_admin_only
@require_POST
def tag_rename(request, tag_pk):
    tag = _tag_or_404(tag_pk)
    form = TagForm(request.POST, prefix_id=f"tag-{tag.pk}")
    if form.is_valid():
        response = submit(
            request,
            form,
            lambda: services.tag_rename(actor=request.user, tag=tag, name=form.cleaned_data["name"]),
            success=lambda saved: _("The tag is renamed to %(name)s.") % {"name": saved.name},
            then=lambda _: "courses:categories",
        )
        if response is not None:
            return response
    return _render(request, failed=("tag", tag.pk, form))


@org_admin_only
@require_POST
def tag_delete(request, tag_pk):
    tag = _tag_or_404(tag_pk)
    return act(
        request,
        lambda: services.tag_delete(actor=request.user, tag=tag),
        success=_("The tag %(name)s is deleted and removed from its courses.") % {"name": tag.name},
        then="courses:categories",
    )
