"""Writes on courses, their content and versions, media, enrollments and progress. Each service checks what
the actor may do (apps.courses.permissions), validates, writes in one transaction and records an audit entry.
`actor=None` is the system (demo data, rules applied to people who join later)."""

import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext

from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import scope_of
from apps.audit.services import audit_record
from apps.core.errors import (
    Conflict,
    InvalidState,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from apps.events import emit
from apps.hierarchy.models import Branch, SchoolClass
from tenants.limits import enforce_limit

from . import events
from . import media as media_checks
from .kinds import kind_choices, kind_for
from .models import (
    Category,
    ContentItem,
    ContentVersion,
    Course,
    Enrollment,
    EnrollmentRule,
    ItemProgress,
    MediaFile,
    Module,
    Tag,
)
from .permissions import can_author, can_edit
from .rendering import render_body, render_markdown

User = get_user_model()
COURSE_FIELDS = (
    "title",
    "slug",
    "summary",
    "description",
    "category",
    "tags",
    "branches",
    "prerequisites",
    "estimated_minutes",
    "self_enrollment",
    "co_teachers",
    "cover",
)
VERSION_FIELDS = ("title", "body", "body_format", "video_url", "url", "media", "data", "duration_seconds")
MAX_TAGS = 20
MAX_TIME_PER_WRITE = 24 * 3600
COURSE_COMPLETED = events.COURSE_COMPLETED


# --- permission helpers ----------------------------------------------------------------------------------


def _require_author(actor) -> None:
    if actor is not None and not can_author(scope_of(actor)):
        raise PermissionDenied(gettext("Only Teachers, Branch Managers and Org Admins may do this."))


def _require_editor(actor, course: Course) -> None:
    if actor is not None and not can_edit(scope_of(actor), course):
        raise PermissionDenied(
            gettext("Only this course's teachers, its branches' managers and Org Admins may change it.")
        )


def _require_org_admin(actor) -> None:
    if actor is not None and not scope_of(actor).is_org_admin:
        raise PermissionDenied(gettext("Only Org Admins may do this."))


def _touch(course: Course) -> None:
    Course.objects.filter(pk=course.pk).update(updated_at=timezone.now())


# --- categories and tags ---------------------------------------------------------------------------------


def _clean_name(value, field: str, max_length: int) -> str:
    name = str(value or "").strip()
    if not name:
        raise ValidationFailed({field: [gettext("This field is required.")]})
    if len(name) > max_length:
        raise ValidationFailed({field: [gettext("At most %(count)s characters.") % {"count": max_length}]})
    return name


@transaction.atomic
def category_create(*, actor, name: str, slug: str = "", description: str = "") -> Category:
    _require_org_admin(actor)
    name = _clean_name(name, "name", 80)
    slug = slugify(slug or name)[:80]
    if not slug:
        raise ValidationFailed({"slug": [gettext("Use letters or digits.")]})
    if Category.objects.filter(slug__iexact=slug).exists():
        raise ValidationFailed({"slug": [gettext("Another category already uses this slug.")]})
    category = Category.objects.create(name=name, slug=slug, description=str(description or "")[:1000])
    audit_record(actor=actor, action="category.created", target=category)
    return category


@transaction.atomic
def category_update(*, actor, category: Category, **values) -> Category:
    _require_org_admin(actor)
    if "name" in values:
        category.name = _clean_name(values["name"], "name", 80)
    if "slug" in values:
        slug = slugify(values["slug"] or "")[:80]
        if not slug:
            raise ValidationFailed({"slug": [gettext("Use letters or digits.")]})
        if Category.objects.filter(slug__iexact=slug).exclude(pk=category.pk).exists():
            raise ValidationFailed({"slug": [gettext("Another category already uses this slug.")]})
        category.slug = slug
    if "description" in values:
        category.description = str(values["description"] or "")[:1000]
    category.save()
    audit_record(actor=actor, action="category.updated", target=category)
    return category


@transaction.atomic
def category_delete(*, actor, category: Category) -> None:
    """Courses of the category keep existing, without a category."""
    _require_org_admin(actor)
    audit_record(actor=actor, action="category.deleted", target=category)
    category.delete()


def tags_named(names: Iterable[str]) -> list[Tag]:
    """The tags of these names (case-insensitive, spaces collapsed), made when missing: courses and the
    question bank share them."""
    cleaned: dict[str, str] = {}
    for raw in names:
        name = " ".join(str(raw or "").split())
        if not name:
            continue
        if len(name) > 40:
            raise ValidationFailed(
                {"tags": [gettext("Tags may have at most %(count)s characters.") % {"count": 40}]}
            )
        cleaned.setdefault(name.lower(), name)
    if len(cleaned) > MAX_TAGS:
        raise ValidationFailed({"tags": [gettext("At most %(count)s tags.") % {"count": MAX_TAGS}]})
    existing = {
        tag.lowered: tag
        for tag in Tag.objects.annotate(lowered=Lower("name")).filter(lowered__in=list(cleaned))
    }
    tags = []
    for key, name in cleaned.items():
        tag = existing.get(key)
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(name=name)
            except IntegrityError:
                tag = Tag.objects.get(name__iexact=name)
        tags.append(tag)
    return tags


@transaction.atomic
def tag_rename(*, actor, tag: Tag, name: str) -> Tag:
    _require_org_admin(actor)
    name = _clean_name(" ".join(str(name or "").split()), "name", 40)
    if Tag.objects.filter(name__iexact=name).exclude(pk=tag.pk).exists():
        raise ValidationFailed({"name": [gettext("Another tag already has this name.")]})
    tag.name = name
    tag.save()
    audit_record(actor=actor, action="tag.renamed", target=tag)
    return tag


@transaction.atomic
def tag_delete(*, actor, tag: Tag) -> None:
    _require_org_admin(actor)
    audit_record(actor=actor, action="tag.deleted", target=tag)
    tag.delete()


# --- courses ---------------------------------------------------------------------------------------------


def _unique_slug(base: str, exclude_pk=None) -> str:
    base = slugify(base)[:70] or "course"
    slug, n = base, 2
    while Course.objects.filter(slug__iexact=slug).exclude(pk=exclude_pk).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _ids(values, field: str) -> list[int]:
    if values is None:
        return []
    if not isinstance(values, list | tuple | set):
        raise ValidationFailed({field: [gettext("Give a list of ids.")]})
    ids = []
    for value in values:
        pk = getattr(value, "pk", value)
        if isinstance(pk, bool) or not str(pk).isdigit():
            raise ValidationFailed({field: [gettext("'%(value)s' is not an id.") % {"value": pk}]})
        ids.append(int(pk))
    return ids


def _resolve_branches(actor, values) -> list[Branch]:
    ids = _ids(values, "branches")
    branches = list(Branch.objects.filter(pk__in=ids))
    if len(branches) != len(set(ids)):
        raise ValidationFailed({"branches": [gettext("No such branch.")]})
    scope = scope_of(actor) if actor is not None else None
    if scope is not None and not scope.is_org_admin:
        outside = [b for b in branches if b.pk not in scope.member_branch_ids]
        if outside:
            raise ValidationFailed({"branches": [gettext("No such branch.")]})
        if not branches:
            raise ValidationFailed(
                {
                    "branches": [
                        gettext("Choose at least one branch; only Org Admins make organization-wide courses.")
                    ]
                }
            )
    return branches


def _resolve_people(actor, values, field: str) -> list:
    from apps.accounts.selectors import user_list

    ids = _ids(values, field)
    visible = user_list(viewer=actor) if actor is not None else User.objects.all()
    people = list(visible.filter(pk__in=ids).distinct())
    if len(people) != len(set(ids)):
        raise ValidationFailed({field: [gettext("No such person.")]})
    return people


def _clean_course(actor, values: dict, course: Course | None) -> dict:
    unknown = set(values) - set(COURSE_FIELDS)
    if unknown:
        raise ValidationFailed({field: [gettext("Unknown field.")] for field in sorted(unknown)})
    cleaned = dict(values)
    errors: dict[str, list[str]] = {}
    if "title" in cleaned:
        cleaned["title"] = str(cleaned["title"] or "").strip()
        if not cleaned["title"]:
            errors["title"] = [gettext("This field is required.")]
        elif len(cleaned["title"]) > 200:
            errors["title"] = [gettext("At most 200 characters.")]
    if "summary" in cleaned:
        cleaned["summary"] = str(cleaned["summary"] or "").strip()
        if len(cleaned["summary"]) > 300:
            errors["summary"] = [gettext("At most 300 characters.")]
    if "description" in cleaned:
        cleaned["description"] = str(cleaned["description"] or "")
        if len(cleaned["description"]) > 50_000:
            errors["description"] = [gettext("At most 50,000 characters.")]
    if "slug" in cleaned:
        slug = slugify(str(cleaned["slug"] or ""))[:80]
        if cleaned["slug"] and not slug:
            errors["slug"] = [gettext("Use letters, digits and hyphens.")]
        elif (
            slug and Course.objects.filter(slug__iexact=slug).exclude(pk=getattr(course, "pk", None)).exists()
        ):
            errors["slug"] = [gettext("Another course already uses this slug.")]
        cleaned["slug"] = slug
    if "estimated_minutes" in cleaned and cleaned["estimated_minutes"] not in (None, ""):
        try:
            minutes = int(cleaned["estimated_minutes"])
            if not 0 < minutes <= 100_000:
                raise ValueError
            cleaned["estimated_minutes"] = minutes
        except (TypeError, ValueError):
            errors["estimated_minutes"] = [gettext("A whole number of minutes between 1 and 100000.")]
    elif "estimated_minutes" in cleaned:
        cleaned["estimated_minutes"] = None
    if "category" in cleaned and cleaned["category"] not in (None, ""):
        pk = getattr(cleaned["category"], "pk", cleaned["category"])
        category = Category.objects.filter(pk=pk).first() if str(pk).isdigit() else None
        if category is None:
            errors["category"] = [gettext("No such category.")]
        cleaned["category"] = category
    elif "category" in cleaned:
        cleaned["category"] = None
    if "tags" in cleaned:
        if isinstance(cleaned["tags"], str):
            cleaned["tags"] = cleaned["tags"].split(",")
        if not isinstance(cleaned["tags"], list | tuple):
            errors["tags"] = [gettext("Give a list of tag names.")]
    if errors:
        raise ValidationFailed(errors)
    if "tags" in cleaned:
        cleaned["tags"] = tags_named(cleaned["tags"])
    if "branches" in cleaned:
        cleaned["branches"] = _resolve_branches(actor, cleaned["branches"])
    if "co_teachers" in cleaned:
        cleaned["co_teachers"] = _resolve_people(actor, cleaned["co_teachers"], "co_teachers")
    if "prerequisites" in cleaned:
        from .selectors import course_list

        ids = _ids(cleaned["prerequisites"], "prerequisites")
        if course is not None and course.pk in ids:
            raise ValidationFailed({"prerequisites": [gettext("A course cannot require itself.")]})
        visible = course_list(viewer=actor) if actor is not None else Course.objects.all()
        prerequisites = list(Course.objects.filter(pk__in=visible.filter(pk__in=ids).values("pk")))
        if len(prerequisites) != len(set(ids)):
            raise ValidationFailed({"prerequisites": [gettext("No such course.")]})
        if course is not None and _would_cycle(course.pk, ids):
            raise ValidationFailed(
                {"prerequisites": [gettext("This would make courses require each other in a circle.")]}
            )
        cleaned["prerequisites"] = prerequisites
    if "cover" in cleaned and cleaned["cover"] not in (None, "", False):
        media_checks.inspect_upload(cleaned["cover"], field="cover", allowed=media_checks.IMAGE_TYPES)
    if "self_enrollment" in cleaned:
        cleaned["self_enrollment"] = bool(cleaned["self_enrollment"])
    return cleaned


def _would_cycle(course_id: int, prerequisite_ids: list[int]) -> bool:
    """Whether `course_id` is reachable from its new prerequisites (which would close a circle)."""
    through = Course.prerequisites.through
    frontier, seen = set(prerequisite_ids), set()
    while frontier:
        if course_id in frontier:
            return True
        seen |= frontier
        frontier = (
            set(through.objects.filter(from_course_id__in=frontier).values_list("to_course_id", flat=True))
            - seen
        )
    return False


def _apply_relations(course: Course, cleaned: dict) -> None:
    for field in ("tags", "branches", "co_teachers", "prerequisites"):
        if field in cleaned:
            getattr(course, field).set(cleaned[field])


def _set_cover(course: Course, cleaned: dict) -> None:
    if "cover" not in cleaned:
        return
    upload = cleaned["cover"]
    old = course.cover.name if course.cover else ""
    if upload in (None, "", False):
        course.cover = ""
    else:
        course.cover.save(upload.name, upload, save=False)
    if old and old != course.cover.name:
        storage, name = course.cover.storage, old
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def course_create(*, actor, title: str, **values) -> Course:
    _require_author(actor)
    enforce_limit(limit="max_courses", current=Course.objects.exclude(status=Course.Status.ARCHIVED).count())
    cleaned = _clean_course(actor, {"title": title, **values}, None)
    scope = scope_of(actor) if actor is not None else None
    if "branches" not in cleaned and scope is not None and not scope.is_org_admin:
        cleaned["branches"] = _resolve_branches(actor, sorted(scope.member_branch_ids))
    course = Course(
        title=cleaned["title"],
        slug=cleaned.get("slug") or _unique_slug(cleaned["title"]),
        summary=cleaned.get("summary", ""),
        description=cleaned.get("description", ""),
        description_html=render_markdown(cleaned.get("description", "")),
        category=cleaned.get("category"),
        estimated_minutes=cleaned.get("estimated_minutes"),
        self_enrollment=cleaned.get("self_enrollment", True),
        owner=actor if getattr(actor, "pk", None) else None,
    )
    _set_cover(course, cleaned)
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError as exc:
        raise ValidationFailed({"slug": [gettext("Another course already uses this slug.")]}) from exc
    _apply_relations(course, cleaned)
    audit_record(actor=actor, action="course.created", target=course, changes={"slug": course.slug})
    return course


@transaction.atomic
def course_update(*, actor, course: Course, **values) -> Course:
    _require_editor(actor, course)
    cleaned = _clean_course(actor, values, course)
    for field in ("title", "summary", "category", "estimated_minutes", "self_enrollment"):
        if field in cleaned:
            setattr(course, field, cleaned[field])
    if cleaned.get("slug"):
        course.slug = cleaned["slug"]
    if "description" in cleaned:
        course.description = cleaned["description"]
        course.description_html = render_markdown(cleaned["description"])
    _set_cover(course, cleaned)
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError as exc:
        raise ValidationFailed({"slug": [gettext("Another course already uses this slug.")]}) from exc
    _apply_relations(course, cleaned)
    audit_record(actor=actor, action="course.updated", target=course, changes={"fields": sorted(values)})
    return course


@transaction.atomic
def course_publish(*, actor, course: Course, content: str = "latest") -> Course:
    """Open the course to learners. `content="latest"` also publishes the latest version of every item (what
    the editor's Publish button means); `"keep"` leaves item versions as they are."""
    _require_editor(actor, course)
    if content not in ("latest", "keep"):
        raise ValidationFailed({"content": [gettext("Use 'latest' or 'keep'.")]})
    items = ContentItem.objects.filter(course=course)
    if content == "latest":
        for item in items.exclude(latest_version__isnull=True).filter(
            Q(published_version__isnull=True) | ~Q(published_version_id=F("latest_version_id"))
        ):
            item.published_version_id = item.latest_version_id
            item.save(update_fields=["published_version", "updated_at"])
    if not items.filter(published_version__isnull=False).exists():
        raise InvalidState(gettext("Add at least one lesson before publishing the course."))
    was_published = course.status == Course.Status.PUBLISHED
    course.status = Course.Status.PUBLISHED
    course.published_at = course.published_at or timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    _recount_enrollments(course)
    entry = audit_record(actor=actor, action="course.published", target=course)
    if not was_published:
        emit(
            events.COURSE_PUBLISHED,
            key=f"{events.COURSE_PUBLISHED}:{course.pk}:audit{entry.pk}",
            payload={"course_id": course.pk, "published_at": course.published_at.isoformat()},
            actor=actor,
        )
    return course


_STATUS_EVENTS = {
    Course.Status.DRAFT: events.COURSE_UNPUBLISHED,
    Course.Status.ARCHIVED: events.COURSE_ARCHIVED,
}


def _set_status(*, actor, course: Course, status: str, action: str) -> Course:
    _require_editor(actor, course)
    changed = course.status != status
    course.status = status
    course.save(update_fields=["status", "updated_at"])
    entry = audit_record(actor=actor, action=action, target=course)
    if changed:
        name = _STATUS_EVENTS[status]
        emit(name, key=f"{name}:{course.pk}:audit{entry.pk}", payload={"course_id": course.pk}, actor=actor)
    return course


@transaction.atomic
def course_unpublish(*, actor, course: Course) -> Course:
    """Back to draft: learners no longer see it (their enrollments and progress are kept)."""
    return _set_status(actor=actor, course=course, status=Course.Status.DRAFT, action="course.unpublished")


@transaction.atomic
def course_archive(*, actor, course: Course) -> Course:
    """Out of the catalog and closed to new enrollments; enrolled learners keep read access and history."""
    return _set_status(actor=actor, course=course, status=Course.Status.ARCHIVED, action="course.archived")


@transaction.atomic
def course_delete(*, actor, course: Course) -> None:
    """Delete a course that no learner has taken; one with learner history must be archived instead."""
    _require_editor(actor, course)
    if course.enrollments.exists() or course.item_progress.exists():
        raise Conflict(
            gettext("Learners have taken this course; archive it instead so their history is kept."),
            details={"enrollments": course.enrollments.count()},
        )
    audit_record(actor=actor, action="course.deleted", target=course)
    files = [m.file for m in course.media.all()] + ([course.cover] if course.cover else [])
    course.delete()
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files if f.name])


# --- modules ---------------------------------------------------------------------------------------------


def _renumber(queryset) -> None:
    for index, obj in enumerate(queryset):
        if obj.position != index:
            type(obj).objects.filter(pk=obj.pk).update(position=index)
            obj.position = index


def _position(value, field: str = "position") -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not str(value).isdigit():
        raise ValidationFailed({field: [gettext("A position is a whole number from 0.")]})
    return int(value)


def _insert_at(siblings: list, obj, position: int | None) -> None:
    """Put `obj` at `position` among `siblings` (others shift) and store positions 0..n-1."""
    others = [s for s in siblings if s.pk != obj.pk]
    index = len(others) if position is None else min(position, len(others))
    others.insert(index, obj)
    _renumber(others)


@transaction.atomic
def module_create(*, actor, course: Course, title: str, description: str = "", position=None) -> Module:
    _require_editor(actor, course)
    title = _clean_name(title, "title", 200)
    position = _position(position)
    Course.objects.select_for_update().filter(pk=course.pk).first()  # serialize reorders of one course
    module = Module.objects.create(
        course=course, title=title, description=str(description or "")[:2000], position=10**6
    )
    _insert_at(list(course.modules.order_by("position", "pk")), module, position)
    _touch(course)
    audit_record(actor=actor, action="module.created", target=module, changes={"course": course.pk})
    return module


@transaction.atomic
def module_update(*, actor, module: Module, **values) -> Module:
    course = module.course
    _require_editor(actor, course)
    unknown = set(values) - {"title", "description", "position"}
    if unknown:
        raise ValidationFailed({field: [gettext("Unknown field.")] for field in sorted(unknown)})
    if "title" in values:
        module.title = _clean_name(values["title"], "title", 200)
    if "description" in values:
        module.description = str(values["description"] or "")[:2000]
    module.save()
    if "position" in values:
        Course.objects.select_for_update().filter(pk=course.pk).first()
        _insert_at(list(course.modules.order_by("position", "pk")), module, _position(values["position"]))
    _touch(course)
    audit_record(actor=actor, action="module.updated", target=module)
    return module


@transaction.atomic
def module_move(*, actor, module: Module, direction: str) -> Module:
    """Move one place `up` or `down` (the editor's buttons)."""
    if direction not in ("up", "down"):
        raise ValidationFailed({"direction": [gettext("Use 'up' or 'down'.")]})
    new = max(module.position - 1, 0) if direction == "up" else module.position + 1
    return module_update(actor=actor, module=module, position=new)


@transaction.atomic
def modules_reorder(*, actor, course: Course, order: list) -> list[Module]:
    """Put the course's modules in the given order (every module id once: what a drag-and-drop sends)."""
    _require_editor(actor, course)
    ids = _ids(order, "order")
    Course.objects.select_for_update().filter(pk=course.pk).first()
    modules = {m.pk: m for m in course.modules.all()}
    if sorted(ids) != sorted(modules):
        raise ValidationFailed({"order": [gettext("List every module of the course once.")]})
    _renumber([modules[pk] for pk in ids])
    _touch(course)
    audit_record(actor=actor, action="course.modules_reordered", target=course)
    return [modules[pk] for pk in ids]


def _has_learner_history(items) -> bool:
    return ItemProgress.objects.filter(item__in=items).exists()


@transaction.atomic
def module_delete(*, actor, module: Module) -> None:
    course = module.course
    _require_editor(actor, course)
    if _has_learner_history(module.items.all()):
        raise Conflict(
            gettext("Learners have progress in this module's lessons; unpublish the lessons instead.")
        )
    audit_record(actor=actor, action="module.deleted", target=module, changes={"course": course.pk})
    module.delete()
    _renumber(list(course.modules.order_by("position", "pk")))
    _recount_enrollments(course)


# --- content items and versions --------------------------------------------------------------------------


def _clean_version(kind: str, values: dict, course: Course, previous: ContentVersion | None) -> dict:
    """Complete, validated fields of a new version (unchanged fields carried over from `previous`)."""
    unknown = set(values) - set(VERSION_FIELDS) - {"note"}
    if unknown:
        raise ValidationFailed({field: [gettext("Unknown field.")] for field in sorted(unknown)})
    fields = {f: getattr(previous, f) for f in VERSION_FIELDS} if previous else {}
    fields.setdefault("body_format", ContentVersion.Format.MARKDOWN)
    fields.setdefault("data", {})
    for key, value in values.items():
        if key != "note":
            fields[key] = value
    errors: dict[str, list[str]] = {}
    title = str(fields.get("title") or "").strip()
    if not title:
        errors["title"] = [gettext("This field is required.")]
    elif len(title) > 200:
        errors["title"] = [gettext("At most 200 characters.")]
    fields["title"] = title
    fields["body"] = str(fields.get("body") or "")
    if len(fields["body"]) > 200_000:
        errors["body"] = [gettext("At most 200,000 characters.")]
    if fields["body_format"] not in ContentVersion.Format.values:
        errors["body_format"] = [gettext("Use 'markdown' or 'html'.")]
    for key in ("video_url", "url"):
        fields[key] = str(fields.get(key) or "").strip()
    media = fields.get("media")
    if media not in (None, "") and not isinstance(media, MediaFile):
        media = MediaFile.objects.filter(pk=media, course=course).first() if str(media).isdigit() else None
        if media is None:
            errors["media"] = [gettext("No such file in this course.")]
    elif isinstance(media, MediaFile) and media.course_id != course.pk:
        errors["media"] = [gettext("No such file in this course.")]
    fields["media"] = media or None
    if not isinstance(fields.get("data"), dict):
        errors["data"] = [gettext("Must be an object.")]
    duration = fields.get("duration_seconds")
    if duration not in (None, ""):
        if isinstance(duration, bool) or not str(duration).isdigit() or int(duration) > 100_000:
            errors["duration_seconds"] = [gettext("A whole number of seconds.")]
        else:
            fields["duration_seconds"] = int(duration)
    else:
        fields["duration_seconds"] = None
    fields["embed_url"] = ""
    spec = kind_for(kind)
    if spec is not None and spec.clean is not None:
        spec.clean(fields, course, errors)
    if errors:
        raise ValidationFailed(errors)
    fields["body_html"] = render_body(fields["body"], fields["body_format"])
    return fields


def _same_content(version: ContentVersion, fields: dict) -> bool:
    return all(getattr(version, f) == fields[f] for f in VERSION_FIELDS)


def _new_version(item: ContentItem, fields: dict, *, actor, note: str) -> ContentVersion:
    number = (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ContentVersion.objects.create(
        item=item,
        number=number,
        author=actor if getattr(actor, "pk", None) else None,
        note=str(note or "")[:200],
        **{k: v for k, v in fields.items() if k in (*VERSION_FIELDS, "body_html", "embed_url")},
    )
    item.latest_version = version
    item.title = version.title
    item.save(update_fields=["latest_version", "title", "updated_at"])
    if version.media_id and version.media.item_id is None:
        MediaFile.objects.filter(pk=version.media_id).update(item=item)
    return version


@transaction.atomic
def content_create(
    *,
    actor,
    module: Module,
    kind: str,
    title: str,
    position=None,
    estimated_minutes=None,
    note: str = "",
    **values,
) -> ContentItem:
    course = module.course
    _require_editor(actor, course)
    if kind_for(kind) is None:
        raise ValidationFailed({"kind": [f"Use one of: {', '.join(code for code, _ in kind_choices())}."]})
    fields = _clean_version(kind, {"title": title, **values}, course, None)
    position = _position(position)
    Course.objects.select_for_update().filter(pk=course.pk).first()
    item = ContentItem.objects.create(
        module=module,
        course=course,
        kind=kind,
        title=fields["title"],
        position=10**6,
        estimated_minutes=_minutes(estimated_minutes),
    )
    _new_version(item, fields, actor=actor, note=note or "Created")
    _insert_at(list(module.items.order_by("position", "pk")), item, position)
    _touch(course)
    audit_record(
        actor=actor, action="content.created", target=item, changes={"course": course.pk, "kind": kind}
    )
    return item


def _minutes(value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not str(value).isdigit() or not 0 < int(value) <= 10_000:
        raise ValidationFailed(
            {"estimated_minutes": [gettext("A whole number of minutes between 1 and 10000.")]}
        )
    return int(value)


@transaction.atomic
def content_update(*, actor, item: ContentItem, note: str = "", **values) -> ContentItem:
    """Save a change: content fields make a new version (when something changed); `module`, `position` and
    `estimated_minutes` move or describe the item without a version."""
    course = item.course
    _require_editor(actor, course)
    placement = {k: values.pop(k) for k in ("module", "position", "estimated_minutes") if k in values}
    if "kind" in values and values.pop("kind") != item.kind:
        raise ValidationFailed(
            {"kind": [gettext("A lesson's kind cannot change; create a new lesson instead.")]}
        )
    Course.objects.select_for_update().filter(pk=course.pk).first()
    item = ContentItem.objects.select_related("latest_version").get(pk=item.pk)
    if values:
        fields = _clean_version(item.kind, values, course, item.latest_version)
        if item.latest_version is None or not _same_content(item.latest_version, fields):
            _new_version(item, fields, actor=actor, note=note)
    if "estimated_minutes" in placement:
        item.estimated_minutes = _minutes(placement["estimated_minutes"])
        item.save(update_fields=["estimated_minutes", "updated_at"])
    if "module" in placement or "position" in placement:
        target = placement.get("module", item.module)
        if not isinstance(target, Module):
            target = (
                Module.objects.filter(pk=target, course=course).first() if str(target).isdigit() else None
            )
        if target is None or target.course_id != course.pk:
            raise ValidationFailed({"module": [gettext("No such module in this course.")]})
        old_module_id = item.module_id
        item.module = target
        item.save(update_fields=["module", "updated_at"])
        _insert_at(list(target.items.order_by("position", "pk")), item, _position(placement.get("position")))
        if old_module_id != target.pk:
            _renumber(list(ContentItem.objects.filter(module_id=old_module_id).order_by("position", "pk")))
    _touch(course)
    audit_record(
        actor=actor,
        action="content.updated",
        target=item,
        changes={"fields": sorted(values) + sorted(placement)},
    )
    return item


@transaction.atomic
def content_move(*, actor, item: ContentItem, direction: str) -> ContentItem:
    if direction not in ("up", "down"):
        raise ValidationFailed({"direction": [gettext("Use 'up' or 'down'.")]})
    new = max(item.position - 1, 0) if direction == "up" else item.position + 1
    return content_update(actor=actor, item=item, position=new)


@transaction.atomic
def items_reorder(*, actor, module: Module, order: list) -> list[ContentItem]:
    """Put a module's items in the given order; ids of items from another module of the course move them here."""
    course = module.course
    _require_editor(actor, course)
    ids = _ids(order, "order")
    Course.objects.select_for_update().filter(pk=course.pk).first()
    items = {i.pk: i for i in ContentItem.objects.filter(course=course, pk__in=ids)}
    current = set(module.items.values_list("pk", flat=True))
    if len(items) != len(set(ids)) or len(ids) != len(set(ids)) or not current <= set(ids):
        raise ValidationFailed(
            {"order": [gettext("List every lesson of the module once (and only this course's lessons).")]}
        )
    sources = {i.module_id for i in items.values()} - {module.pk}
    for pk in ids:
        if items[pk].module_id != module.pk:
            ContentItem.objects.filter(pk=pk).update(module=module)
            items[pk].module_id = module.pk
    _renumber([items[pk] for pk in ids])
    for source in sources:
        _renumber(list(ContentItem.objects.filter(module_id=source).order_by("position", "pk")))
    _touch(course)
    audit_record(actor=actor, action="module.items_reordered", target=module)
    return [items[pk] for pk in ids]


@transaction.atomic
def content_delete(*, actor, item: ContentItem) -> None:
    course = item.course
    _require_editor(actor, course)
    if _has_learner_history([item]):
        raise Conflict(
            gettext("Learners have progress on this lesson; unpublish it instead so their history is kept.")
        )
    module_id = item.module_id
    audit_record(actor=actor, action="content.deleted", target=item, changes={"course": course.pk})
    item.delete()
    _renumber(list(ContentItem.objects.filter(module_id=module_id).order_by("position", "pk")))
    _recount_enrollments(course)


@transaction.atomic
def version_create(*, actor, item: ContentItem, note: str = "", **values) -> ContentVersion:
    """POST /content/{id}/versions: save the given fields as the next version (always a new one)."""
    course = item.course
    _require_editor(actor, course)
    Course.objects.select_for_update().filter(pk=course.pk).first()
    item = ContentItem.objects.select_related("latest_version").get(pk=item.pk)
    fields = _clean_version(item.kind, values, course, item.latest_version)
    version = _new_version(item, fields, actor=actor, note=note)
    audit_record(
        actor=actor, action="content.version_created", target=item, changes={"version": version.number}
    )
    return version


@transaction.atomic
def version_publish(*, actor, item: ContentItem, version: ContentVersion) -> ContentItem:
    """Show learners this version of the item."""
    _require_editor(actor, item.course)
    if version.item_id != item.pk:
        raise NotFound(gettext("No such version."))
    item.published_version = version
    item.save(update_fields=["published_version", "updated_at"])
    _recount_enrollments(item.course)
    audit_record(
        actor=actor, action="content.version_published", target=item, changes={"version": version.number}
    )
    return item


@transaction.atomic
def content_unpublish(*, actor, item: ContentItem) -> ContentItem:
    """Hide the item from learners (progress on it is kept)."""
    _require_editor(actor, item.course)
    item.published_version = None
    item.save(update_fields=["published_version", "updated_at"])
    _recount_enrollments(item.course)
    audit_record(actor=actor, action="content.unpublished", target=item)
    return item


@transaction.atomic
def version_revert(
    *, actor, item: ContentItem, version: ContentVersion, publish: bool = False
) -> ContentVersion:
    """Make `version`'s content the latest again, as a new version (history is never rewritten)."""
    _require_editor(actor, item.course)
    if version.item_id != item.pk:
        raise NotFound(gettext("No such version."))
    fields = {f: getattr(version, f) for f in (*VERSION_FIELDS, "body_html", "embed_url")}
    new = _new_version(item, fields, actor=actor, note=f"Reverted to version {version.number}")
    if publish:
        version_publish(actor=actor, item=item, version=new)
    audit_record(
        actor=actor, action="content.reverted", target=item, changes={"to": version.number, "as": new.number}
    )
    return new


@dataclass(frozen=True)
class LessonSaved:
    item: ContentItem
    changed: bool  # a new version was made (always, for a new lesson)
    published: bool  # the latest version was published by this save


def lesson_save(
    *,
    actor,
    values: dict,
    module: Module | None = None,
    kind: str | None = None,
    item: ContentItem | None = None,
    upload=None,
    publish: bool = False,
) -> LessonSaved:
    """Save a lesson as the lesson editor and the API do: a new one (`module` and `kind`) or a change to
    `item`; `upload`, if given, is stored as a file of the course and becomes the version's media; `publish`
    then shows learners the latest version. All or nothing: any refusal (a field, the plan's storage limit,
    publishing) rolls the whole save back and deletes the stored file. The upload's field errors are
    reported under `upload`. (Called inside a caller's transaction that later rolls back, the stored file
    would stay: pages and API views call it outside one.)"""
    if (item is None) == (module is None) or (item is None and kind is None):
        raise TypeError(gettext("lesson_save needs module and kind (a new lesson) or item (a change)."))
    values = dict(values)
    course = item.course if item is not None else module.course
    stored: list = []
    try:
        with transaction.atomic():
            if upload is not None:
                try:
                    media = media_upload(actor=actor, course=course, upload=upload, item=item)
                except ValidationFailed as exc:
                    errors = exc.field_errors
                    raise ValidationFailed(
                        {
                            "upload" if field == "file" else field: messages
                            for field, messages in errors.items()
                        },
                        exc.message,
                    ) from exc
                stored.append((media.file.storage, media.file.name))
                values["media"] = media.pk
            if item is None:
                title = values.pop("title", "")
                item = content_create(actor=actor, module=module, kind=kind, title=title, **values)
                changed = True
            else:
                before = item.latest_version_id
                item = content_update(actor=actor, item=item, **values)
                item.refresh_from_db()
                changed = item.latest_version_id != before
            published = False
            if publish and item.published_version_id != item.latest_version_id:
                version_publish(actor=actor, item=item, version=item.latest_version)
                published = True
    except BaseException:
        for storage, name in stored:
            storage.delete(name)
        raise
    return LessonSaved(item, changed, published)


@dataclass(frozen=True)
class FieldDiff:
    field: str
    old: str
    new: str
    lines: list[str]  # unified diff of multi-line fields; empty for one-line fields


def version_diff(old: ContentVersion, new: ContentVersion) -> list[FieldDiff]:
    """What changed from `old` to `new`, field by field (only changed fields)."""
    changes = []
    for field in ("title", "body", "body_format", "video_url", "url", "media_id", "duration_seconds", "data"):
        before, after = getattr(old, field), getattr(new, field)
        if before == after:
            continue
        before_text = "" if before is None else str(before)
        after_text = "" if after is None else str(after)
        lines = []
        if field == "body":
            lines = list(
                difflib.unified_diff(
                    before_text.splitlines(),
                    after_text.splitlines(),
                    fromfile=f"version {old.number}",
                    tofile=f"version {new.number}",
                    lineterm="",
                )
            )
        changes.append(FieldDiff(field, before_text, after_text, lines))
    return changes


# --- media -----------------------------------------------------------------------------------------------


def storage_used_bytes() -> int:
    return MediaFile.objects.aggregate(total=Sum("size"))["total"] or 0


@transaction.atomic
def media_upload(*, actor, course: Course, upload, item: ContentItem | None = None) -> MediaFile:
    _require_editor(actor, course)
    if item is not None and item.course_id != course.pk:
        raise NotFound(gettext("No such lesson."))
    inspected = media_checks.inspect_upload(upload)
    # In whole MB as the plan counts them, but exact: refused only when used + size exceeds the limit.
    used = storage_used_bytes()
    current = math.ceil(used / 1048576)
    enforce_limit(
        limit="max_storage_mb", current=current, adding=math.ceil((used + inspected.size) / 1048576) - current
    )
    media = MediaFile(
        course=course,
        item=item,
        original_name=(upload.name or "file")[-255:],
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    media.file.save(f"upload.{inspected.extension}", upload, save=False)
    stored = media.file.name
    try:
        media.save()
    except Exception:
        media.file.storage.delete(stored)
        raise
    audit_record(
        actor=actor,
        action="media.uploaded",
        target=media,
        changes={"course": course.pk, "type": inspected.content_type, "size": inspected.size},
    )
    return media


@transaction.atomic
def media_delete(*, actor, media: MediaFile) -> None:
    _require_editor(actor, media.course)
    if media.versions.exists():
        raise Conflict(
            gettext("A version of a lesson uses this file; it is kept so that version still works.")
        )
    audit_record(actor=actor, action="media.deleted", target=media, changes={"course": media.course_id})
    storage, name = media.file.storage, media.file.name
    media.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- enrollments -----------------------------------------------------------------------------------------


def _missing_prerequisites(user, course: Course) -> list[Course]:
    """Prerequisites of `course` that `user` has not completed."""
    required = list(course.prerequisites.all())
    if not required:
        return []
    done = set(
        Enrollment.objects.filter(
            user=user, course__in=required, status=Enrollment.Status.COMPLETED
        ).values_list("course_id", flat=True)
    )
    return [c for c in required if c.pk not in done]


def _enroll(course: Course, users, *, source: str, actor, due_at=None, rule=None) -> tuple[int, int]:
    """Enroll `users` (ids or users); returns (new or re-activated, already enrolled). Set-based: a class of
    hundreds is a handful of queries."""
    user_ids = {getattr(u, "pk", u) for u in users}
    if not user_ids:
        return 0, 0
    now = timezone.now()
    existing = {
        e.user_id: e
        for e in Enrollment.objects.select_for_update().filter(course=course, user_id__in=user_ids)
    }
    total = _published_count(course)
    new = [
        Enrollment(
            course=course,
            user_id=user_id,
            source=source,
            rule=rule,
            assigned_by=actor if getattr(actor, "pk", None) else None,
            due_at=due_at,
            total_items=total,
        )
        for user_id in user_ids - set(existing)
    ]
    Enrollment.objects.bulk_create(new, ignore_conflicts=True)
    changed = len(new)
    already = 0
    reactivated = []
    withdrawn_at = {}
    for enrollment in existing.values():
        updates = []
        if enrollment.status == Enrollment.Status.WITHDRAWN:
            withdrawn_at[enrollment.pk] = enrollment.withdrawn_at or now
            enrollment.status = (
                Enrollment.Status.COMPLETED if enrollment.completed_at else Enrollment.Status.ACTIVE
            )
            enrollment.withdrawn_at = None
            enrollment.source = source
            enrollment.rule = rule
            enrollment.assigned_by = actor if getattr(actor, "pk", None) else None
            updates += ["status", "withdrawn_at", "source", "rule", "assigned_by"]
            changed += 1
            reactivated.append(enrollment)
        else:
            already += 1
        if due_at is not None and enrollment.due_at != due_at:
            enrollment.due_at = due_at
            updates.append("due_at")
        if updates:
            enrollment.save(update_fields=updates)
    for enrollment in reactivated:
        _recompute(enrollment, now=now)
    created = (
        list(Enrollment.objects.filter(course=course, user_id__in=[e.user_id for e in new])) if new else []
    )
    events.enrollments_created_emit(created + reactivated, reenrolled_after=withdrawn_at, actor=actor)
    return changed, already


DUE_FORMAT_ERROR = {"due_at": ["Use a date like 2026-12-31 or a date and time."]}


def _clean_due(due_at) -> datetime | None:
    """A due date from an ISO string, a date (the end of that day) or a datetime; naive ones are in the
    current time zone."""
    if due_at in (None, ""):
        return None
    if isinstance(due_at, str):
        try:
            parsed = parse_datetime(due_at.strip()) or parse_date(due_at.strip())
        except ValueError:  # well-formed but impossible, e.g. 2026-02-30
            parsed = None
        if parsed is None:
            raise ValidationFailed(DUE_FORMAT_ERROR)
        due_at = parsed
    if isinstance(due_at, date) and not isinstance(due_at, datetime):
        due_at = datetime.combine(due_at, time(23, 59))
    if not isinstance(due_at, datetime):
        raise ValidationFailed(DUE_FORMAT_ERROR)
    if timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    return due_at


def _require_enrollable(course: Course) -> None:
    if course.status != Course.Status.PUBLISHED:
        raise InvalidState(gettext("Publish the course before enrolling learners."))


@transaction.atomic
def enroll_self(*, actor, course: Course) -> Enrollment:
    """A learner enrolls in a published course they can see, when it allows self-enrollment and they have
    completed its prerequisites. Enrolling again after withdrawing resumes where they left off."""
    _require_enrollable(course)
    existing = Enrollment.objects.filter(course=course, user=actor).first()
    if existing and existing.status != Enrollment.Status.WITHDRAWN:
        return existing
    if not course.self_enrollment:
        raise PermissionDenied(gettext("This course is assigned by teachers; ask yours to enroll you."))
    missing = _missing_prerequisites(actor, course)
    if missing:
        raise InvalidState(
            "Complete the prerequisites first: " + ", ".join(c.title for c in missing) + ".",
            details={"prerequisites": [c.pk for c in missing]},
        )
    _enroll(course, [actor], source=Enrollment.Source.SELF, actor=actor)
    enrollment = Enrollment.objects.get(course=course, user=actor)
    audit_record(actor=actor, action="enrollment.self", target=enrollment, target_repr=str(course))
    return enrollment


@dataclass(frozen=True)
class EnrollmentResult:
    enrolled: int
    already_enrolled: int
    rules: list[EnrollmentRule]


@transaction.atomic
def enroll_assign(
    *, actor, course: Course, users=(), classes=(), branches=(), due_at=None
) -> EnrollmentResult:
    """Assign the course to people, whole classes or whole branches (their learners, now and later)."""
    from apps.accounts.selectors import user_list
    from apps.hierarchy.selectors import class_list

    _require_author(actor)
    _require_enrollable(course)
    due_at = _clean_due(due_at)
    user_ids = _ids(list(users), "users")
    class_ids = _ids(list(classes), "classes")
    branch_ids = _ids(list(branches), "branches")
    if not (user_ids or class_ids or branch_ids):
        raise ValidationFailed({"users": [gettext("Choose people, classes or branches to enroll.")]})
    scope = scope_of(actor) if actor is not None else None
    people = list(
        (user_list(viewer=actor) if actor is not None else User.objects.all())
        .filter(pk__in=user_ids)
        .values_list("pk", flat=True)
        .distinct()
    )
    if len(people) != len(set(user_ids)):
        raise ValidationFailed({"users": [gettext("No such person.")]})
    school_classes = list(
        (class_list(viewer=actor) if actor else SchoolClass.objects.all()).filter(pk__in=class_ids)
    )
    if len(school_classes) != len(set(class_ids)):
        raise ValidationFailed({"classes": [gettext("No such class.")]})
    if scope is not None and not scope.is_org_admin:
        not_mine = [
            c
            for c in school_classes
            if c.pk not in scope.teaching_class_ids and c.branch_id not in scope.managed_branch_ids
        ]
        if not_mine:
            raise PermissionDenied(
                gettext("You may enroll only classes you teach or whose branch you manage.")
            )
    branch_objs = list(Branch.objects.filter(pk__in=branch_ids))
    if len(branch_objs) != len(set(branch_ids)) or (
        scope is not None
        and not scope.is_org_admin
        and any(b.pk not in scope.member_branch_ids for b in branch_objs)
    ):
        raise ValidationFailed({"branches": [gettext("No such branch.")]})
    if scope is not None and any(not scope.manages_branch(b.pk) for b in branch_objs):
        raise PermissionDenied(
            gettext("Only the branch's managers and Org Admins may enroll a whole branch.")
        )
    enrolled, already = _enroll(course, people, source=Enrollment.Source.ASSIGNED, actor=actor, due_at=due_at)
    rules = []
    for school_class in school_classes:
        rule, a, b = _rule_apply(course, actor, due_at, school_class=school_class)
        rules.append(rule)
        enrolled, already = enrolled + a, already + b
    for branch in branch_objs:
        rule, a, b = _rule_apply(course, actor, due_at, branch=branch)
        rules.append(rule)
        enrolled, already = enrolled + a, already + b
    audit_record(
        actor=actor,
        action="enrollment.assigned",
        target=course,
        changes={
            "users": sorted(people),
            "classes": sorted(class_ids),
            "branches": sorted(branch_ids),
            "enrolled": enrolled,
            "due_at": due_at.isoformat() if due_at else None,
        },
    )
    return EnrollmentResult(enrolled=enrolled, already_enrolled=already, rules=rules)


def _learners_of(*, school_class=None, branch=None) -> list[int]:
    assignments = RoleAssignment.objects.filter(role=RoleAssignment.Role.STUDENT).exclude(
        user__status=User.Status.DEACTIVATED
    )
    if school_class is not None:
        assignments = assignments.filter(school_class=school_class)
    else:
        assignments = assignments.filter(branch=branch)
    return list(assignments.values_list("user_id", flat=True).distinct())


def _rule_apply(course, actor, due_at, *, school_class=None, branch=None):
    rule, created = EnrollmentRule.objects.get_or_create(
        course=course,
        school_class=school_class,
        branch=branch,
        defaults={"due_at": due_at, "created_by": actor if getattr(actor, "pk", None) else None},
    )
    if not created and due_at is not None and rule.due_at != due_at:
        rule.due_at = due_at
        rule.save(update_fields=["due_at"])
    source = Enrollment.Source.CLASS if school_class is not None else Enrollment.Source.BRANCH
    enrolled, already = _enroll(
        course,
        _learners_of(school_class=school_class, branch=branch),
        source=source,
        actor=actor,
        due_at=rule.due_at,
        rule=rule,
    )
    return rule, enrolled, already


@transaction.atomic
def enrollment_rule_delete(*, actor, rule: EnrollmentRule) -> None:
    """Stop enrolling the class's or branch's newcomers; people already enrolled stay enrolled."""
    _require_author(actor)
    scope = scope_of(actor) if actor is not None else None
    if scope is not None and not scope.is_org_admin:
        allowed = (rule.school_class_id in scope.teaching_class_ids) or scope.manages_branch(
            rule.branch_id or getattr(rule.school_class, "branch_id", None)
        )
        if not allowed:
            raise PermissionDenied(
                gettext("Only the class's teachers, the branch's managers and Org Admins may remove this.")
            )
    audit_record(actor=actor, action="enrollment.rule_deleted", target=rule.course, changes={"rule": rule.pk})
    rule.delete()


def apply_rules_for(assignments: Iterable[RoleAssignment]) -> int:
    """Enroll people who just became students of a class or branch in the courses assigned to it (called
    for every new role, one at a time or from a bulk import). Returns the number of new enrollments."""
    by_class: dict[int, set[int]] = {}
    by_branch: dict[int, set[int]] = {}
    for assignment in assignments:
        if assignment.role != RoleAssignment.Role.STUDENT:
            continue
        if assignment.school_class_id:
            by_class.setdefault(assignment.school_class_id, set()).add(assignment.user_id)
        if assignment.branch_id:
            by_branch.setdefault(assignment.branch_id, set()).add(assignment.user_id)
    if not by_class and not by_branch:
        return 0
    rules = EnrollmentRule.objects.filter(
        Q(school_class_id__in=list(by_class)) | Q(branch_id__in=list(by_branch)),
        course__status=Course.Status.PUBLISHED,
    ).select_related("course")
    count = 0
    for rule in rules:
        users = (
            by_class.get(rule.school_class_id, set())
            if rule.school_class_id
            else by_branch.get(rule.branch_id, set())
        )
        source = Enrollment.Source.CLASS if rule.school_class_id else Enrollment.Source.BRANCH
        new_ids = set(users) - set(
            Enrollment.objects.filter(course=rule.course, user_id__in=users).values_list("user_id", flat=True)
        )
        count += _enroll(rule.course, new_ids, source=source, actor=None, due_at=rule.due_at, rule=rule)[0]
    return count


def _require_learner_visible(actor, enrollment: Enrollment) -> None:
    """Staff change only enrollments of learners they can see (a Teacher: their classes' learners)."""
    from .selectors import enrollment_list

    if actor is not None and not enrollment_list(viewer=actor).filter(pk=enrollment.pk).exists():
        raise NotFound(gettext("No such enrollment."))


@transaction.atomic
def enrollment_update(*, actor, enrollment: Enrollment, due_at=None, **values) -> Enrollment:
    _require_author(actor)
    _require_learner_visible(actor, enrollment)
    unknown = set(values)
    if unknown:
        raise ValidationFailed({field: [gettext("Unknown field.")] for field in sorted(unknown)})
    enrollment.due_at = _clean_due(due_at)
    enrollment.save(update_fields=["due_at"])
    audit_record(
        actor=actor,
        action="enrollment.updated",
        target=enrollment,
        changes={"due_at": str(enrollment.due_at)},
    )
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, actor, enrollment: Enrollment) -> Enrollment:
    """Unenroll: the learner leaves the course; their progress and completion are kept, and enrolling again
    resumes them. Learners may withdraw themselves; staff who can see them may withdraw them."""
    if actor is not None and getattr(actor, "pk", None) != enrollment.user_id:
        _require_author(actor)
        _require_learner_visible(actor, enrollment)
    if enrollment.status == Enrollment.Status.WITHDRAWN:
        return enrollment
    enrollment.status = Enrollment.Status.WITHDRAWN
    enrollment.withdrawn_at = timezone.now()
    enrollment.save(update_fields=["status", "withdrawn_at"])
    audit_record(actor=actor, action="enrollment.withdrawn", target=enrollment, target_repr=str(enrollment))
    emit(
        events.ENROLLMENT_WITHDRAWN,
        key=f"{events.ENROLLMENT_WITHDRAWN}:{enrollment.pk}:{enrollment.withdrawn_at.isoformat()}",
        payload={
            "enrollment_id": enrollment.pk,
            "course_id": enrollment.course_id,
            "user_id": enrollment.user_id,
            "withdrawn_at": enrollment.withdrawn_at.isoformat(),
        },
        actor=actor,
    )
    return enrollment


# --- progress --------------------------------------------------------------------------------------------


def _published_count(course: Course) -> int:
    return ContentItem.objects.filter(course=course, published_version__isnull=False).count()


ROLLUP_FIELDS = ["total_items", "completed_items", "progress_percent", "status", "completed_at"]


def _apply_counts(enrollment: Enrollment, *, total: int, completed: int, now, actor=None) -> None:
    """Set the enrollment's roll-up from item counts. The first time every published item is complete the
    enrollment completes and `course.completed` is raised (once: the event is keyed by the enrollment).
    Completion is permanent: lessons published later lower the percentage, not the status."""
    enrollment.total_items = total
    enrollment.completed_items = min(completed, total)
    enrollment.progress_percent = (100 * enrollment.completed_items // total) if total else 0
    if total and completed >= total and enrollment.status == Enrollment.Status.ACTIVE:
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.completed_at = now or timezone.now()
        emit(
            COURSE_COMPLETED,
            key=f"{COURSE_COMPLETED}:{enrollment.pk}",
            payload={
                "enrollment_id": enrollment.pk,
                "course_id": enrollment.course_id,
                "user_id": enrollment.user_id,
                "completed_at": enrollment.completed_at.isoformat(),
            },
            actor=actor,
        )


def _completed_count(user_id: int, course_id: int) -> int:
    return ItemProgress.objects.filter(
        user_id=user_id,
        course_id=course_id,
        completed_at__isnull=False,
        item__published_version__isnull=False,
    ).count()


def _recompute(enrollment: Enrollment, *, now=None, actor=None) -> Enrollment:
    """Roll one learner's item progress up to their enrollment (two counting queries and one update)."""
    _apply_counts(
        enrollment,
        total=_published_count(enrollment.course),
        completed=_completed_count(enrollment.user_id, enrollment.course_id),
        now=now,
        actor=actor,
    )
    enrollment.save(update_fields=ROLLUP_FIELDS)
    return enrollment


def _recount_enrollments(course: Course) -> None:
    """Content was published or removed: the totals and percentages of every current enrollment follow, in a
    fixed number of queries whatever the number of learners."""
    total = _published_count(course)
    done = dict(
        ItemProgress.objects.filter(
            course=course, completed_at__isnull=False, item__published_version__isnull=False
        )
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    enrollments = list(
        Enrollment.objects.select_for_update()
        .filter(course=course)
        .exclude(status=Enrollment.Status.WITHDRAWN)
    )
    now = timezone.now()
    for enrollment in enrollments:
        _apply_counts(enrollment, total=total, completed=done.get(enrollment.user_id, 0), now=now)
    Enrollment.objects.bulk_update(enrollments, ROLLUP_FIELDS, batch_size=500)


@dataclass(frozen=True)
class ProgressResult:
    progress: ItemProgress
    enrollment: Enrollment


@transaction.atomic
def progress_record(
    *, actor, item: ContentItem, completed: bool | None = None, time_spent_seconds=None, position_seconds=None
) -> ProgressResult:
    """Record the learner's progress on a published item of a course they are enrolled in.

    Idempotent: `time_spent_seconds` is the total the learner has spent on the item (the larger of the stored
    and the given value is kept), `position_seconds` the last video position, `completed` a state rather than
    a toggle. Concurrent calls for one learner and course are serialized on the enrollment row, so the
    roll-up and the completion event happen once."""
    errors = {}
    time_spent = _seconds(time_spent_seconds, "time_spent_seconds", errors)
    position = _seconds(position_seconds, "position_seconds", errors)
    if completed is not None and not isinstance(completed, bool):
        errors["completed"] = [gettext("Must be true or false.")]
    if errors:
        raise ValidationFailed(errors)
    if completed is not None:
        kind = kind_for(item.kind)
        if kind is not None and not kind.manual_completion:
            raise Conflict(
                f"This lesson cannot be marked complete by hand: {kind.completion_hint}"
                if kind.completion_hint
                else "This lesson cannot be marked complete by hand; it completes when its activity is done."
            )
    return _progress_write(
        user=actor,
        item=item,
        completed=completed,
        time_spent=time_spent,
        position=position,
        actor=actor,
    )


@transaction.atomic
def progress_complete_by_system(*, item: ContentItem, user, source: str) -> ProgressResult:
    """Complete `user`'s lesson `item` on behalf of what decides it (a passed quiz: `source="quiz:<id>"`),
    for kinds whose completion is "external" (and any other): the same roll-up, enrollment completion and
    events, once, as when a learner marks a lesson complete. Refused (409) when the user is not enrolled."""
    if not str(source or "").strip():
        raise ValidationFailed({"source": [gettext("Say what completes the lesson.")]})
    return _progress_write(user=user, item=item, completed=True, time_spent=None, position=None, actor=None)


def _progress_write(*, user, item, completed, time_spent, position, actor) -> ProgressResult:
    if item.published_version_id is None or item.course.status == Course.Status.DRAFT:
        raise NotFound(gettext("No such lesson."))
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("course")
        .filter(course_id=item.course_id, user=user)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .first()
    )
    if enrollment is None:
        raise InvalidState(gettext("Enroll in the course to record progress."))
    progress, _ = ItemProgress.objects.get_or_create(
        user=user, item=item, defaults={"course_id": item.course_id}
    )
    now = timezone.now()
    if time_spent is not None:
        progress.time_spent_seconds = max(progress.time_spent_seconds, time_spent)
    if position is not None:
        progress.last_position_seconds = position
    just_completed = completed is True and progress.completed_at is None
    if just_completed:
        progress.completed_at = now
    elif completed is False:
        progress.completed_at = None
    progress.save()
    if just_completed:
        emit(
            events.LESSON_COMPLETED,
            key=f"{events.LESSON_COMPLETED}:{progress.pk}:{now.isoformat()}",
            payload={
                "item_id": item.pk,
                "kind": item.kind,
                "course_id": item.course_id,
                "enrollment_id": enrollment.pk,
                "user_id": user.pk,
                "completed_at": now.isoformat(),
            },
            actor=actor,
        )
    enrollment.last_activity_at = now
    enrollment.save(update_fields=["last_activity_at"])
    _recompute(enrollment, now=now, actor=actor)
    return ProgressResult(progress, enrollment)


def _seconds(value, field: str, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        errors[field] = [gettext("A whole number of seconds.")]
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = [gettext("A whole number of seconds.")]
        return None
    if number < 0 or number > MAX_TIME_PER_WRITE * 7:
        errors[field] = [gettext("A whole number of seconds, at most a week.")]
        return None
    return number
