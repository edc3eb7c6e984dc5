"""Writes on the question bank: categories (nested, per course bank or the organization's shared bank) and
questions with their versions. Each service checks that the actor may use the bank (apps.assessments.
permissions), validates, writes in one transaction and records an audit entry. `actor=None` is the system
(imports run as their author; demo data).

Versions: a question's latest version is changed in place while no attempt has used it; once an attempt
has (a QuestionAttempt names it), an edit makes a new version and the attempt keeps the one it was given.
Question data is validated by its type (apps.assessments.qtypes: clean) after its HTML is sanitized.
"""

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext

from apps.audit.services import audit_record
from apps.core.errors import Conflict, PermissionDenied, ValidationFailed
from apps.courses.models import Course
from apps.courses.rendering import sanitize_html
from apps.courses.services import tags_named

from ..models import DEFAULT_PENALTY, Question, QuestionAttempt, QuestionCategory, QuestionVersion, Slot
from ..permissions import can_use_bank_of
from ..qtypes import qtype_for

MAX_TAGS = 20
MAX_HINTS = 10
MAX_HTML = 100_000
MAX_PATH_DEPTH = 20
MAX_MARK = Decimal("9999")
VERSION_FIELDS = ("name", "text", "general_feedback", "default_mark", "penalty", "hints", "data")
QUESTION_FIELDS = (*VERSION_FIELDS, "tags", "category", "qtype")
DEFAULT_CATEGORY = "Default"

# The HTML inside each type's data (what a browser renders): sanitized before the type validates it.
# (list key or None for the top level, the keys of each row). Short answers and matching answers are
# plain text compared with what learners type: never HTML.
HTML_IN_DATA = {
    "choice": [("options", ("text", "feedback"))],
    "multiple": [("options", ("text", "feedback"))],
    "truefalse": [(None, ("feedback_true", "feedback_false"))],
    "shortanswer": [("answers", ("feedback",))],
    "numeric": [("answers", ("feedback",))],
    "matching": [("pairs", ("prompt",))],
    "ordering": [("items", ("text",))],
    "essay": [(None, ("grader_info",))],
}


# --- permission helpers ----------------------------------------------------------------------------------


def _bank_forbidden() -> PermissionDenied:
    return PermissionDenied(
        gettext(
            "Only the teachers of this course, its branches' managers and Org Admins may use its question "
            "bank; the organization's shared bank is for Org Admins."
        )
    )


def _require_bank(actor, course: Course | None) -> None:
    if actor is not None and not can_use_bank_of(actor, course):
        raise _bank_forbidden()


def _course_of(category: QuestionCategory) -> Course | None:
    return category.course if category.course_id else None


# --- values ----------------------------------------------------------------------------------------------


def _clean_name(value, field: str = "name", max_length: int = 200) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        raise ValidationFailed({field: [gettext("This field is required.")]})
    if len(name) > max_length:
        raise ValidationFailed({field: [gettext("At most %(count)s characters.") % {"count": max_length}]})
    return name


def _html(value, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed({field: [gettext("Enter text.")]})
    if len(value) > MAX_HTML:
        raise ValidationFailed({field: [gettext("At most %(count)s characters.") % {"count": MAX_HTML}]})
    return sanitize_html(value)


def _mark(value) -> Decimal:
    try:
        mark = Decimal(str(value)).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed({"default_mark": [gettext("Enter a number.")]}) from None
    if not mark.is_finite() or mark < 0 or mark > MAX_MARK:
        raise ValidationFailed(
            {"default_mark": [gettext("Enter a mark from 0 to %(max)s.") % {"max": MAX_MARK}]}
        )
    return mark


def _penalty(value, qtype: str) -> float:
    if value is None or value == "":
        return 1.0 if qtype == "truefalse" else DEFAULT_PENALTY
    try:
        penalty = float(value)
    except (TypeError, ValueError):
        raise ValidationFailed({"penalty": [gettext("Enter a number from 0 to 1.")]}) from None
    if not 0 <= penalty <= 1:
        raise ValidationFailed({"penalty": [gettext("Enter a number from 0 to 1.")]})
    return penalty


def _hints(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValidationFailed({"hints": [gettext("Give a list of hints.")]})
    hints = [_html(value, "hints") for value in values]
    hints = [hint for hint in hints if hint.strip()]
    if len(hints) > MAX_HINTS:
        raise ValidationFailed({"hints": [gettext("At most %(count)s hints.") % {"count": MAX_HINTS}]})
    return hints


def _sanitized_data(qtype: str, data) -> dict:
    """A copy of `data` with its HTML fields sanitized (anything else left for the type to judge)."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    for list_key, keys in HTML_IN_DATA.get(qtype, ()):
        if list_key is None:
            for key in keys:
                if isinstance(data.get(key), str):
                    data[key] = sanitize_html(data[key])
            continue
        rows = data.get(list_key)
        if isinstance(rows, list):
            data[list_key] = [
                {k: sanitize_html(v) if k in keys and isinstance(v, str) else v for k, v in row.items()}
                if isinstance(row, dict)
                else row
                for row in rows
            ]
    if qtype == "essay" and isinstance(data.get("template"), str) and data.get("format", "html") == "html":
        data["template"] = sanitize_html(data["template"])
    return data


def _clean_data(qtype: str, data) -> dict:
    """The type's cleaned data; its field errors come back under `data.<path>`."""
    kind = qtype_for(qtype)
    if kind is None:
        raise ValidationFailed({"qtype": [gettext("Unknown question type.")]})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationFailed({"data": [gettext("Give the question's data as an object.")]})
    cleaned, errors = kind.clean(_sanitized_data(qtype, data))
    if errors:
        raise ValidationFailed({f"data.{key}" if key else "data": list(msgs) for key, msgs in errors.items()})
    return cleaned


# --- categories ------------------------------------------------------------------------------------------


def _same_bank(category: QuestionCategory, course_id) -> bool:
    return category.course_id == course_id


def _require_unique_name(course_id, parent_id, name: str, exclude_pk=None) -> None:
    siblings = QuestionCategory.objects.filter(course_id=course_id, parent_id=parent_id, name__iexact=name)
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    if siblings.exists():
        raise ValidationFailed({"name": [gettext("Another category here already has this name.")]})


def ancestor_ids(category: QuestionCategory) -> list[int]:
    """The ids of the category's parents, nearest first (one query)."""
    table = connection.ops.quote_name(QuestionCategory._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE up(id, parent_id, depth) AS (
                SELECT id, parent_id, 0 FROM {table} WHERE id = %s
                UNION ALL
                SELECT c.id, c.parent_id, up.depth + 1 FROM {table} c JOIN up ON c.id = up.parent_id
                WHERE up.depth < 1000
            )
            SELECT id FROM up WHERE depth > 0 ORDER BY depth
            """,  # noqa: S608 - the only interpolation is the model's own table name
            [category.pk],
        )
        return [row[0] for row in cursor.fetchall()]


def _check_parent(category_course_id, parent, *, moving: QuestionCategory | None = None) -> None:
    if parent is None:
        return
    if not _same_bank(parent, category_course_id):
        raise ValidationFailed({"parent": [gettext("The parent must be a category of the same bank.")]})
    if moving is not None and (parent.pk == moving.pk or moving.pk in ancestor_ids(parent)):
        raise ValidationFailed(
            {"parent": [gettext("A category cannot be moved under itself or its own subcategories.")]}
        )


@transaction.atomic
def category_create(
    *, actor, course: Course | None, name: str, parent: QuestionCategory | None = None, description: str = ""
) -> QuestionCategory:
    """A category of `course`'s bank (None: the organization's shared bank), under `parent` if given."""
    _require_bank(actor, course)
    course_id = course.pk if course is not None else None
    name = _clean_name(name)
    _check_parent(course_id, parent)
    _require_unique_name(course_id, parent.pk if parent else None, name)
    category = QuestionCategory(
        course=course, parent=parent, name=name, description=str(description or "").strip()[:2000]
    )
    category.full_clean()
    category.save()
    audit_record(
        actor=actor,
        action="question_category.created",
        target=category,
        changes={"course": course_id, "parent": parent.pk if parent else None},
    )
    return category


@transaction.atomic
def category_update(*, actor, category: QuestionCategory, **values) -> QuestionCategory:
    """Rename, describe, or move under another parent of the same bank (`parent=None`: to the top)."""
    _require_bank(actor, _course_of(category))
    unknown = set(values) - {"name", "description", "parent"}
    if unknown:
        raise ValidationFailed({field: [gettext("Unknown field.")] for field in sorted(unknown)})
    QuestionCategory.objects.select_for_update().filter(pk=category.pk).first()
    changed = []
    if "parent" in values:
        parent = values["parent"]
        _check_parent(category.course_id, parent, moving=category)
        if (parent.pk if parent else None) != category.parent_id:
            category.parent = parent
            changed.append("parent")
    if "name" in values:
        name = _clean_name(values["name"])
        if name != category.name:
            category.name = name
            changed.append("name")
    if "description" in values:
        category.description = str(values["description"] or "").strip()[:2000]
        changed.append("description")
    if "name" in changed or "parent" in changed:
        _require_unique_name(category.course_id, category.parent_id, category.name, exclude_pk=category.pk)
    category.save()
    audit_record(
        actor=actor, action="question_category.updated", target=category, changes={"fields": sorted(changed)}
    )
    return category


def category_move(*, actor, category: QuestionCategory, parent: QuestionCategory | None) -> QuestionCategory:
    return category_update(actor=actor, category=category, parent=parent)


@transaction.atomic
def category_delete(*, actor, category: QuestionCategory) -> None:
    """Only an empty category: no questions (hidden ones too), no subcategories, no quiz drawing from it."""
    _require_bank(actor, _course_of(category))
    QuestionCategory.objects.select_for_update().filter(pk=category.pk).first()
    if category.children.exists():
        raise Conflict(gettext("This category has subcategories: move or delete them first."))
    if Question.objects.filter(category=category).exists():
        raise Conflict(gettext("This category holds questions: move or delete them first."))
    if Slot.objects.filter(random_category=category).exists():
        raise Conflict(
            gettext("Quizzes draw random questions from this category: change those quizzes first.")
        )
    audit_record(
        actor=actor,
        action="question_category.deleted",
        target=category,
        changes={"course": category.course_id},
    )
    category.delete()


def category_default(*, actor, course: Course | None) -> QuestionCategory:
    """The bank's "Default" top category, made when the bank has none."""
    course_id = course.pk if course is not None else None
    found = (
        QuestionCategory.objects.filter(course_id=course_id, parent=None, name__iexact=DEFAULT_CATEGORY)
        .order_by("pk")
        .first()
    )
    if found is not None:
        _require_bank(actor, course)
        return found
    return category_create(actor=actor, course=course, name=DEFAULT_CATEGORY)


_PATH_SEPARATOR = re.compile(r"(?<!/)/(?!/)")
_CONTEXT = re.compile(r"^\$[a-z]+\$$")


def path_parts(path: str) -> list[str]:
    """ "$course$/top/Unit 1/Either//or" -> ["Unit 1", "Either/or"]."""
    parts = [" ".join(part.replace("//", "/").split()) for part in _PATH_SEPARATOR.split(str(path or ""))]
    parts = [part for part in parts if part]
    if parts and _CONTEXT.match(parts[0]):
        parts = parts[1:]
    if parts and parts[0].lower() == "top":
        parts = parts[1:]
    return parts


@transaction.atomic
def category_for_path(
    *, actor, course: Course | None, path: str, parent: QuestionCategory | None = None
) -> QuestionCategory:
    """The category at "a/b/c" below `parent` (the bank's top when None) in `course`'s bank, each missing
    level created (names matched case-insensitively). As in Moodle's GIFT and XML exports, "//" is a slash
    inside a name, and a leading context ("$course$", "$system$", ...) and "top" are left out. An empty path
    is `parent`, or the bank's Default category."""
    _require_bank(actor, course)
    course_id = course.pk if course is not None else None
    if parent is not None and not _same_bank(parent, course_id):
        raise ValidationFailed({"parent": [gettext("The parent must be a category of the same bank.")]})
    parts = path_parts(path)
    if len(parts) > MAX_PATH_DEPTH:
        raise ValidationFailed(
            {"category": [gettext("At most %(count)s levels of categories.") % {"count": MAX_PATH_DEPTH}]}
        )
    if not parts:
        return parent if parent is not None else category_default(actor=actor, course=course)
    current = parent
    for part in parts:
        name = _clean_name(part, "category")
        found = (
            QuestionCategory.objects.filter(
                course_id=course_id, parent_id=current.pk if current else None, name__iexact=name
            )
            .order_by("pk")
            .first()
        )
        current = found or category_create(actor=actor, course=course, name=name, parent=current)
    return current


# --- questions -------------------------------------------------------------------------------------------


def _require_category(actor, category) -> QuestionCategory:
    if not isinstance(category, QuestionCategory):
        raise ValidationFailed({"category": [gettext("Choose a category.")]})
    _require_bank(actor, _course_of(category))
    return category


def _version_values(qtype: str, values: dict, previous: QuestionVersion | None) -> dict:
    """Complete, validated version fields: those given, the rest carried over from `previous`."""
    fields = {f: getattr(previous, f) for f in VERSION_FIELDS} if previous else {}
    fields.update({k: v for k, v in values.items() if k in VERSION_FIELDS})
    cleaned = {
        "name": _clean_name(fields.get("name"), "name", 255),
        "text": _html(fields.get("text"), "text"),
        "general_feedback": _html(fields.get("general_feedback"), "general_feedback"),
        "default_mark": _mark(fields.get("default_mark", 1) if fields.get("default_mark") is not None else 1),
        "penalty": _penalty(fields.get("penalty"), qtype),
        "hints": _hints(fields.get("hints")),
        "data": _clean_data(qtype, fields.get("data")),
    }
    if qtype == "description":
        cleaned["default_mark"] = Decimal("0")
    return cleaned


@transaction.atomic
def question_create(
    *,
    actor,
    category: QuestionCategory,
    qtype: str,
    name: str,
    text: str = "",
    general_feedback: str = "",
    default_mark=1,
    penalty=None,
    hints=(),
    data: dict,
    tags=(),
) -> Question:
    """A question of `category` with its version 1 (HTML sanitized, data validated by its type)."""
    _require_category(actor, category)
    if qtype_for(qtype) is None:
        raise ValidationFailed({"qtype": [gettext("Unknown question type.")]})
    values = _version_values(
        qtype,
        {
            "name": name,
            "text": text,
            "general_feedback": general_feedback,
            "default_mark": default_mark,
            "penalty": penalty,
            "hints": list(hints or ()),
            "data": data,
        },
        None,
    )
    tag_list = tags_named(tags)
    creator = actor if getattr(actor, "pk", None) else None
    question = Question.objects.create(
        category=category, course_id=category.course_id, qtype=qtype, name=values["name"], created_by=creator
    )
    version = QuestionVersion.objects.create(
        question=question, number=1, qtype=qtype, created_by=creator, **values
    )
    question.latest_version = version
    question.save(update_fields=["latest_version"])
    if tag_list:
        question.tags.set(tag_list)
    audit_record(
        actor=actor,
        action="question.created",
        target=question,
        changes={"category": category.pk, "qtype": qtype, "version": 1},
    )
    return question


def version_in_use(version: QuestionVersion | None) -> bool:
    """Whether an attempt was given this version (then it may never change)."""
    return version is not None and QuestionAttempt.objects.filter(question_version=version).exists()


def _differs(version: QuestionVersion, values: dict) -> list[str]:
    return [field for field in VERSION_FIELDS if getattr(version, field) != values[field]]


@transaction.atomic
def question_update(*, actor, question: Question, **fields) -> Question:
    """Change a question: its version fields (name, text, general_feedback, default_mark, penalty, hints,
    data), its tags, its category (a move). The latest version is changed in place unless an attempt used
    it; then a new version is made and the attempt keeps the old one."""
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown:
        raise ValidationFailed({field: [gettext("Unknown field.")] for field in sorted(unknown)})
    _require_bank(actor, question.course)
    question = (
        Question.objects.select_for_update(of=("self",)).select_related("latest_version").get(pk=question.pk)
    )
    if "qtype" in fields and fields["qtype"] != question.qtype:
        raise ValidationFailed(
            {"qtype": [gettext("A question's type cannot change; make a new question instead.")]}
        )
    changes: dict = {}
    if "category" in fields and fields["category"] != question.category:
        target = _require_category(actor, fields["category"])
        question.category = target
        question.course_id = target.course_id
        changes["category"] = target.pk
    latest = question.latest_version
    given = {k: v for k, v in fields.items() if k in VERSION_FIELDS}
    if given:
        values = _version_values(question.qtype, given, latest)
        changed = _differs(latest, values) if latest is not None else list(VERSION_FIELDS)
        if changed:
            creator = actor if getattr(actor, "pk", None) else None
            if latest is None or version_in_use(latest):
                number = (question.versions.aggregate(top=Max("number"))["top"] or 0) + 1
                latest = QuestionVersion.objects.create(
                    question=question, number=number, qtype=question.qtype, created_by=creator, **values
                )
                question.latest_version = latest
                changes["new_version"] = number
            else:
                for field, value in values.items():
                    setattr(latest, field, value)
                latest.save()
                changes["version"] = latest.number
            changes["fields"] = sorted(changed)
            question.name = values["name"]
    question.save()
    if "tags" in fields:
        question.tags.set(tags_named(fields["tags"]))
        changes["tags"] = True
    audit_record(actor=actor, action="question.updated", target=question, changes=changes)
    return question


@transaction.atomic
def question_move(*, actor, question: Question, category: QuestionCategory) -> Question:
    return question_update(actor=actor, question=question, category=category)


@transaction.atomic
def question_duplicate(
    *, actor, question: Question, category: QuestionCategory | None = None, name: str | None = None
) -> Question:
    """A new question (version 1) copying the latest version and the tags, in `category` (the same one by
    default), named "<name> (copy)" unless told otherwise."""
    _require_bank(actor, question.course)
    target = _require_category(actor, category or question.category)
    latest = question.latest_version
    if latest is None:
        raise Conflict(gettext("This question has no version to copy."))
    copy = question_create(
        actor=actor,
        category=target,
        qtype=question.qtype,
        name=name or gettext("%(name)s (copy)") % {"name": latest.name},
        text=latest.text,
        general_feedback=latest.general_feedback,
        default_mark=latest.default_mark,
        penalty=latest.penalty,
        hints=latest.hints,
        data=latest.data,
        tags=list(question.tags.all()),
    )
    audit_record(actor=actor, action="question.duplicated", target=copy, changes={"from": question.pk})
    return copy


def _set_hidden(actor, question: Question, hidden: bool) -> Question:
    _require_bank(actor, question.course)
    Question.objects.filter(pk=question.pk).update(hidden=hidden)
    question.hidden = hidden
    audit_record(actor=actor, action="question.hidden" if hidden else "question.unhidden", target=question)
    return question


@transaction.atomic
def question_hide(*, actor, question: Question) -> Question:
    """Out of the bank's lists and random draws; attempts and quizzes that use it keep it."""
    return _set_hidden(actor, question, True)


@transaction.atomic
def question_unhide(*, actor, question: Question) -> Question:
    return _set_hidden(actor, question, False)


def question_in_use(question: Question) -> bool:
    return (
        Slot.objects.filter(question=question).exists()
        or QuestionAttempt.objects.filter(question_version__question=question).exists()
    )


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    """Only a question no quiz and no attempt uses (409 otherwise: hide it instead)."""
    _require_bank(actor, question.course)
    Question.objects.select_for_update().filter(pk=question.pk).first()
    if question_in_use(question):
        raise Conflict(gettext("A quiz or an attempt uses this question; hide it instead."))
    audit_record(
        actor=actor, action="question.deleted", target=question, changes={"category": question.category_id}
    )
    Question.objects.filter(pk=question.pk).update(latest_version=None)
    question.delete()
