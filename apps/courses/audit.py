"""The audit log's sentences for the catalogue, courses and their content, files and enrollments, and the
names and links of those objects (apps.audit.describe, registered from CoursesConfig.ready())."""

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.audit.sentences import (
    Facts,
    Named,
    Sentence,
    and_list,
    date,
    fields,
    link,
    named,
    pks,
    register_description,
    register_reference,
    simple,
    visible,
)

from .models import ContentItem, Course, Enrollment, MediaFile, Module
from .selectors import course_list, course_list_editable

BRANCH = "hierarchy.branch"  # whom an assignment enrolled, named by apps.hierarchy's resolvers
CLASS = "hierarchy.schoolclass"
COURSE = "courses.course"
MAX_NAMED = 3  # name up to this many people of a bulk enrollment, count the rest

KIND_NOUNS = {
    "text": _("lesson"),
    "video": _("video"),
    "file": _("file"),
    "link": _("link"),
    "quiz": _("quiz"),
}


# --- objects: names and links ------------------------------------------------------------------------------


def _courses(keys, viewer):
    courses = Course.objects.filter(pk__in=pks(keys)).only("pk", "title")
    return {
        str(c.pk): Named(c.title, link(c, "courses:course", c.pk))
        for c in visible(courses, course_list, viewer)
    }


def _in_courses(model, name_of, url_of):
    """Objects that belong to a course (modules, lessons, files): linked to the course's editor, for those
    who may change the course."""

    def resolve(keys, viewer):
        objects = model.objects.filter(pk__in=pks(keys))
        return {
            str(o.pk): Named(name_of(o), url_of(o) if o.visible else None)
            for o in visible(objects, course_list_editable, viewer, "course_id")
        }

    return resolve


def _enrollments(keys, viewer):
    enrollments = Enrollment.objects.filter(pk__in=pks(keys)).select_related("user", "course")
    found = {}
    for e in visible(enrollments, course_list_editable, viewer, "course_id"):
        learner = Named(e.user.get_full_name())
        course = Named(e.course.title, reverse("courses:course", args=[e.course_id]) if viewer else None)
        url = reverse("courses:enrollments", args=[e.course_id]) if e.visible else None
        found[str(e.pk)] = Named(
            _("%(learner)s in %(course)s") % {"learner": learner.name, "course": course.name},
            url,
            {"learner": learner, "course": course},
        )
    return found


# --- courses, modules, lessons, files ------------------------------------------------------------------------


def _with_course(with_course: str, without: str):
    """A sentence naming the course in `changes["course"]` when the entry has one."""

    def describe(facts: Facts) -> Sentence:
        if facts.int("course") is None:
            return Sentence(without)
        return Sentence(with_course, course=facts.ref(COURSE, facts.int("course"), _("a deleted course")))

    return describe


def _course_updated(facts: Facts) -> Sentence:
    changed = fields(facts)
    if changed is None:
        return Sentence(_("{actor} changed the course {target}"))
    return Sentence(_("{actor} changed the {fields} of the course {target}"), fields=changed)


def _content_created(facts: Facts) -> Sentence:
    noun = KIND_NOUNS.get(facts.text("kind"), _("item"))
    if facts.int("course") is None:
        return Sentence(_("{actor} added the {kind} {target}"), kind=noun)
    return Sentence(
        _("{actor} added the {kind} {target} to {course}"),
        kind=noun,
        course=facts.ref(COURSE, facts.int("course"), _("a deleted course")),
    )


def _content_updated(facts: Facts) -> Sentence:
    changed = fields(facts)
    if changed is None:
        return Sentence(_("{actor} changed {target}"))
    return Sentence(_("{actor} changed the {fields} of {target}"), fields=changed)


def _version(template: str, without: str):
    def describe(facts: Facts) -> Sentence:
        if facts.int("version") is None:
            return Sentence(without)
        return Sentence(template, version=facts.int("version"))

    return describe


def _content_reverted(facts: Facts) -> Sentence:
    to, saved_as = facts.int("to"), facts.int("as")
    if to is None:
        return Sentence(_("{actor} restored an earlier version of {target}"))
    if saved_as is None:
        return Sentence(_("{actor} restored version {to} of {target}"), to=to)
    return Sentence(_("{actor} restored version {to} of {target} as version {new}"), to=to, new=saved_as)


def _media_uploaded(facts: Facts) -> Sentence:
    size = facts.int("size")
    details = [
        part for part in (facts.text("type"), filesizeformat(size) if size is not None else "") if part
    ]
    course = facts.ref(COURSE, facts.int("course"), _("a deleted course")) if facts.int("course") else None
    if course is not None and details:
        return Sentence(
            _("{actor} uploaded {target} ({details}) to {course}"), details=", ".join(details), course=course
        )
    if course is not None:
        return Sentence(_("{actor} uploaded {target} to {course}"), course=course)
    return Sentence(_("{actor} uploaded {target}"))


# --- enrollments ---------------------------------------------------------------------------------------------


def _enrolled_self(facts: Facts) -> Sentence:
    return Sentence(
        _("{actor} enrolled in {course}"), course=facts.target.aspect("course", facts.entry.target_repr)
    )


def _enrollment_assigned(facts: Facts) -> Sentence:
    users = [key for key in facts.list("users") if isinstance(key, int | str) and not isinstance(key, bool)]
    who: list = []
    if 0 < len(users) <= MAX_NAMED:
        who += [facts.user(key, _("someone")) for key in users]
    elif users:
        who.append(_("%(count)d people") % {"count": len(users)})
    who += [
        Sentence(_("the class {name}"), name=facts.ref(CLASS, key, _("a class")))
        for key in facts.list("classes")
    ]
    who += [
        Sentence(_("the branch {name}"), name=facts.ref(BRANCH, key, _("a branch")))
        for key in facts.list("branches")
    ]
    if not who:
        sentence = Sentence(_("{actor} assigned the course {target}"))
    else:
        sentence = Sentence(_("{actor} enrolled {who} in {target}"), who=and_list(who))
    due = date(facts.text("due_at"))
    if due:
        sentence = Sentence(_("{sentence}, due {due}"), sentence=sentence, due=due)
    enrolled = facts.int("enrolled")
    if enrolled is not None and (len(users) != 1 or enrolled != 1):
        sentence = Sentence(_("{sentence} ({count} newly enrolled)"), sentence=sentence, count=enrolled)
    return sentence


def _enrollment_of(with_parts: str, without: str, **extra):
    """A sentence about one enrollment: its learner and course when it still exists, its recorded name
    otherwise."""

    def describe(facts: Facts) -> Sentence:
        parts = {key: value(facts) for key, value in extra.items()}
        if facts.target.exists:
            return Sentence(
                with_parts,
                learner=facts.target.aspect("learner"),
                course=facts.target.aspect("course"),
                **parts,
            )
        return Sentence(without, **parts)

    return describe


def _due(facts: Facts) -> str:
    return date(facts.text("due_at"))


def _enrollment_updated(facts: Facts) -> Sentence:
    due = _due(facts)
    if due:
        return _enrollment_of(
            _("{actor} set the due date of {learner} in {course} to {due}"),
            _("{actor} set the due date of {target} to {due}"),
            due=_due,
        )(facts)
    return _enrollment_of(
        _("{actor} removed the due date of {learner} in {course}"),
        _("{actor} removed the due date of {target}"),
    )(facts)


def register() -> None:
    reference = register_reference
    reference(COURSE, _courses)
    reference(
        "courses.module",
        _in_courses(Module, lambda m: m.title, lambda m: reverse("courses:edit", args=[m.course_id])),
    )
    reference(
        "courses.contentitem",
        _in_courses(
            ContentItem,
            lambda i: i.title,
            lambda i: reverse("courses:content_edit", args=[i.course_id, i.pk]),
        ),
    )
    reference(
        "courses.mediafile",
        _in_courses(
            MediaFile, lambda f: f.original_name, lambda f: reverse("courses:edit", args=[f.course_id])
        ),
    )
    reference("courses.enrollment", _enrollments)
    reference("courses.category", named("courses.Category"))
    reference("courses.tag", named("courses.Tag"))

    d = register_description
    # the catalogue
    d("category.created", simple(_("{actor} created the category {target}")))
    d("category.updated", simple(_("{actor} changed the category {target}")))
    d("category.deleted", simple(_("{actor} deleted the category {target}")))
    d("tag.renamed", simple(_("{actor} renamed a tag to {target}")))
    d("tag.deleted", simple(_("{actor} deleted the tag {target}")))
    # courses, modules, lessons, files
    d("course.created", simple(_("{actor} created the course {target}")))
    d("course.updated", _course_updated)
    d("course.published", simple(_("{actor} published the course {target}")))
    d("course.unpublished", simple(_("{actor} moved the course {target} back to draft")))
    d("course.archived", simple(_("{actor} archived the course {target}")))
    d("course.deleted", simple(_("{actor} deleted the course {target}")))
    d("course.modules_reordered", simple(_("{actor} reordered the modules of {target}")))
    d(
        "module.created",
        _with_course(
            _("{actor} added the module {target} to {course}"), _("{actor} added the module {target}")
        ),
    )
    d("module.updated", simple(_("{actor} changed the module {target}")))
    d("module.items_reordered", simple(_("{actor} reordered the lessons of the module {target}")))
    d(
        "module.deleted",
        _with_course(
            _("{actor} deleted the module {target} from {course}"), _("{actor} deleted the module {target}")
        ),
    )
    d("content.created", _content_created)
    d("content.updated", _content_updated)
    d(
        "content.deleted",
        _with_course(_("{actor} deleted {target} from {course}"), _("{actor} deleted {target}")),
    )
    d(
        "content.version_created",
        _version(
            _("{actor} saved version {version} of {target}"), _("{actor} saved a new version of {target}")
        ),
    )
    d(
        "content.version_published",
        _version(_("{actor} published version {version} of {target}"), _("{actor} published {target}")),
    )
    d("content.unpublished", simple(_("{actor} unpublished {target}")))
    d("content.reverted", _content_reverted)
    d("media.uploaded", _media_uploaded)
    d(
        "media.deleted",
        _with_course(
            _("{actor} deleted the file {target} from {course}"), _("{actor} deleted the file {target}")
        ),
    )
    # enrollments
    d("enrollment.self", _enrolled_self)
    d("enrollment.assigned", _enrollment_assigned)
    d(
        "enrollment.rule_deleted",
        simple(_("{actor} stopped enrolling new members automatically in {target}")),
    )
    d("enrollment.updated", _enrollment_updated)
    d(
        "enrollment.withdrawn",
        _enrollment_of(_("{actor} withdrew {learner} from {course}"), _("{actor} withdrew {target}")),
    )
