"""The audit log's sentences for the question bank, quizzes, attempts and question imports, and the names
and links of those objects (apps.audit.describe, registered from AssessmentsConfig.ready()).

Links go only where the viewer may open the object: a quiz to its overview (quiz_manage) for its course's
editors, a question to its preview and a category to the bank's list for those who may use that bank, an
attempt to its review. A learner is named only to a viewer who may see them (apps.accounts' visible_people,
the rule results and grading use); anyone else reads "a learner". Most quiz entries target the quiz's
lesson (courses.contentitem): their sentences name the quiz through the "item:<pk>" key of QUIZ.
Import jobs are named by apps/assessments/transfer/audit.py (registered from here).
"""

from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Exists, OuterRef, Q, Value
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from apps.accounts.selectors import visible_people
from apps.audit.sentences import (
    Facts,
    Named,
    Ref,
    Sentence,
    and_list,
    humanise,
    pks,
    register_description,
    register_reference,
    short,
    simple,
    visible,
)
from apps.courses.selectors import course_list_editable
from apps.hierarchy.selectors import class_list

from .attempts.selectors import attempt_list
from .bank.selectors import category_list, question_list
from .models import Assessment, Attempt, Override, Question, QuestionCategory
from .qtypes import qtype_for

QUIZ = "assessments.assessment"
QUESTION = "assessments.question"
CATEGORY = "assessments.questioncategory"
ATTEMPT = "assessments.attempt"
OVERRIDE = "assessments.override"
LEARNER = "assessments.learner"  # a person named only to viewers who may see them
COURSE = "courses.course"
CLASS = "hierarchy.schoolclass"

SETTING_LABELS = {
    "title": _("title"),
    "description": _("description"),
    "open_at": _("opening time"),
    "close_at": _("closing time"),
    "time_limit": _("time limit"),
    "overdue_handling": _("handling of overdue attempts"),
    "grace_period": _("grace period"),
    "attempts_allowed": _("attempts allowed"),
    "attempt_delay": _("delay between attempts"),
    "grade_method": _("grading method"),
    "max_grade": _("maximum grade"),
    "pass_grade": _("grade to pass"),
    "questions_per_page": _("questions per page"),
    "navigation": _("navigation"),
    "shuffle_questions": _("question shuffling"),
    "shuffle_answers": _("option shuffling"),
    "behaviour": _("question behaviour"),
    "review": _("review options"),
    "overall_feedback": _("overall feedback"),
    "decimal_points": _("decimal places"),
    "password": _("password"),
    "subnets": _("allowed networks"),
}
SLOT_LABELS = {"mark": _("mark"), "question_version": _("pinned version"), "page": _("page")}
QUESTION_LABELS = {
    "name": _("name"),
    "text": _("text"),
    "general_feedback": _("general feedback"),
    "default_mark": _("default mark"),
    "penalty": _("penalty"),
    "hints": _("hints"),
    "data": _("answers"),
    "tags": _("tags"),
}
CATEGORY_LABELS = {"name": _("name"), "description": _("description"), "parent": _("parent category")}


def _labels(facts: Facts, labels: dict, key: str = "fields") -> Sentence | None:
    """`changes[key]` (field names) worded with `labels` ("time limit and grading method")."""
    names = [labels.get(name) or humanise(name) for name in facts.list(key) if isinstance(name, str)]
    return and_list(names) if names else None


# --- objects: names and links ------------------------------------------------------------------------------


def _editable(viewer, field: str = "course_id"):
    """An Exists() on the courses the viewer may edit, for rows whose `field` is their course."""
    if viewer is None:
        return Value(False, output_field=BooleanField())
    return Exists(course_list_editable(viewer=viewer).filter(pk=OuterRef(field)))


def _people(viewer, field: str):
    if viewer is None:
        return Value(False, output_field=BooleanField())
    return Exists(visible_people(viewer=viewer).filter(pk=OuterRef(field)))


def _quizzes(keys, viewer):
    """By the quiz's pk, or "item:<pk>" (the quiz of that lesson)."""
    items = pks(key[5:] for key in keys if key.startswith("item:"))
    quizzes = (
        Assessment.objects.filter(Q(pk__in=pks(keys)) | Q(item_id__in=items))
        .select_related("item")
        .only("pk", "item_id", "course_id", "item__title")
        .annotate(visible=_editable(viewer))
    )
    found = {}
    for quiz in quizzes:
        named = Named(
            quiz.item.title, reverse("assessments:quiz_manage", args=[quiz.pk]) if quiz.visible else None
        )
        found[str(quiz.pk)] = found[f"item:{quiz.item_id}"] = named
    return found


def _questions(keys, viewer):
    questions = Question.objects.filter(pk__in=pks(keys)).only("pk", "name")
    rows = visible(questions, lambda viewer: question_list(viewer=viewer, hidden=None), viewer)
    return {
        str(q.pk): Named(q.name, reverse("assessments:bank_question", args=[q.pk]) if q.visible else None)
        for q in rows
    }


def _categories(keys, viewer):
    categories = visible(
        QuestionCategory.objects.filter(pk__in=pks(keys)).only("pk", "name"), category_list, viewer
    )
    bank = reverse("assessments:bank_list")
    return {str(c.pk): Named(c.name, f"{bank}?category={c.pk}" if c.visible else None) for c in categories}


def _learners(keys, viewer):
    """People, named (and linked to their page) only for a viewer who may see them."""
    people = get_user_model().objects.filter(pk__in=pks(keys)).only("pk", "full_name", "email")
    return {
        str(u.pk): Named(u.get_full_name(), reverse("hierarchy:person", args=[u.pk]))
        for u in people.annotate(visible=_people(viewer, "pk"))
        if u.visible
    }


def _attempts(keys, viewer):
    """An attempt ("attempt 2", linked to its review), with its "learner" (when the viewer may see them)
    and its "quiz" (linked to its overview for editors)."""
    attempts = (
        Attempt.objects.filter(pk__in=pks(keys))
        .select_related("user", "assessment__item")
        .annotate(
            learner_visible=_people(viewer, "user_id"), edits=_editable(viewer, "assessment__course_id")
        )
    )
    attempts = visible(attempts, attempt_list, viewer)
    found = {}
    for a in attempts:
        quiz_url = reverse("assessments:quiz_manage", args=[a.assessment_id]) if a.edits else None
        aspects = {"quiz": Named(a.assessment.item.title, quiz_url)}
        if a.learner_visible:
            person = reverse("hierarchy:person", args=[a.user_id])
            aspects["learner"] = Named(a.user.get_full_name(), person)
        found[str(a.pk)] = Named(
            _("attempt %(number)s") % {"number": a.number},
            reverse("assessments:attempt_review", args=[a.pk]) if a.visible else None,
            aspects,
        )
    return found


def _overrides(keys, viewer):
    """An override, named by whom it is for: a person (when the viewer may see them) or a class."""
    overrides = (
        Override.objects.filter(pk__in=pks(keys))
        .select_related("user", "school_class")
        .annotate(
            person_visible=_people(viewer, "user_id"),
            class_visible=Exists(class_list(viewer=viewer).filter(pk=OuterRef("school_class_id")))
            if viewer is not None
            else Value(False, output_field=BooleanField()),
        )
    )
    found = {}
    for o in overrides:
        if o.user_id is not None:
            name = o.user.get_full_name() if o.person_visible else _("a learner")
            found[str(o.pk)] = Named(name)
        elif o.school_class_id is not None:
            url = reverse("hierarchy:class", args=[o.school_class_id]) if o.class_visible else None
            found[str(o.pk)] = Named(
                _("the class %(name)s") % {"name": o.school_class}, url, {"class": Named(str(o.school_class))}
            )
    return found


# --- shared parts -------------------------------------------------------------------------------------------


def _quiz(facts: Facts) -> Ref:
    """The quiz an entry is about: its target when that is the quiz, else the quiz of the target lesson."""
    entry = facts.entry
    if entry.target_type == QUIZ:
        return facts.ref(QUIZ, entry.target_id, entry.target_repr or _("a deleted quiz"))
    return facts.ref(QUIZ, f"item:{entry.target_id}", entry.target_repr or _("a deleted quiz"))


def _category(facts: Facts, key: str = "category") -> Ref:
    return facts.ref(CATEGORY, facts.int(key), _("a deleted category"))


def _quiz_says(template: str):
    """A describer whose sentence names only the actor and the quiz."""

    def describe(facts: Facts) -> Sentence:
        return Sentence(template, quiz=_quiz(facts))

    return describe


def _learner_of(facts: Facts) -> Ref:
    return facts.target.aspect("learner", _("a learner"))


# --- quizzes ------------------------------------------------------------------------------------------------


def _quiz_created(facts: Facts) -> Sentence:
    quiz = _quiz(facts)
    if facts.int("course") is None:
        return Sentence(_("{actor} created the quiz {quiz}"), quiz=quiz)
    return Sentence(
        _("{actor} created the quiz {quiz} in {course}"),
        quiz=quiz,
        course=facts.ref(COURSE, facts.int("course"), _("a deleted course")),
    )


def _quiz_updated(facts: Facts) -> Sentence:
    changed = _labels(facts, SETTING_LABELS)
    if changed is None:
        return Sentence(_("{actor} changed the quiz {quiz}"), quiz=_quiz(facts))
    return Sentence(_("{actor} changed the {fields} of the quiz {quiz}"), fields=changed, quiz=_quiz(facts))


def _slot_added(facts: Facts) -> Sentence:
    return Sentence(
        _("{actor} added the question {question} to the quiz {quiz}"),
        question=facts.ref(QUESTION, facts.int("question"), _("a deleted question")),
        quiz=_quiz(facts),
    )


def _random_added(facts: Facts) -> Sentence:
    count = facts.int("count") or 1
    return Sentence(
        ngettext_lazy(
            "{actor} added a random question from {category} to the quiz {quiz}",
            "{actor} added {count} random questions from {category} to the quiz {quiz}",
            count,
        ),
        count=count,
        category=_category(facts),
        quiz=_quiz(facts),
    )


def _slot_updated(facts: Facts) -> Sentence:
    changed = _labels(facts, SLOT_LABELS)
    if changed is None:
        return Sentence(_("{actor} changed a question of the quiz {quiz}"), quiz=_quiz(facts))
    return Sentence(
        _("{actor} changed the {fields} of a question of the quiz {quiz}"), fields=changed, quiz=_quiz(facts)
    )


def _page_break(facts: Facts) -> Sentence:
    after = facts.int("after")
    present = facts.value("present") is True
    if after is None:
        return Sentence(_("{actor} changed the page breaks of the quiz {quiz}"), quiz=_quiz(facts))
    if present:
        template = _("{actor} added a page break after question {after} of the quiz {quiz}")
    else:
        template = _("{actor} removed the page break after question {after} of the quiz {quiz}")
    return Sentence(template, after=after, quiz=_quiz(facts))


def _repaginated(facts: Facts) -> Sentence:
    number = facts.int("per_page")
    if number is None:
        return Sentence(_("{actor} repaginated the quiz {quiz}"), quiz=_quiz(facts))
    if number == 0:
        return Sentence(_("{actor} put all the questions of the quiz {quiz} on one page"), quiz=_quiz(facts))
    return Sentence(
        ngettext_lazy(
            "{actor} repaginated the quiz {quiz}: {count} question per page",
            "{actor} repaginated the quiz {quiz}: {count} questions per page",
            number,
        ),
        count=number,
        quiz=_quiz(facts),
    )


def _override_who(facts: Facts) -> Ref | Sentence:
    """Whom an override is for: the recorded person or class (override_created), else the override."""
    if facts.int("user") is not None:
        return facts.ref(LEARNER, facts.int("user"), _("a learner"))
    if facts.int("school_class") is not None:
        return Sentence(_("the class {name}"), name=facts.ref(CLASS, facts.int("school_class"), _("a class")))
    return facts.ref(OVERRIDE, facts.int("override"), _("a learner or class"))


def _override_created(facts: Facts) -> Sentence:
    return Sentence(
        _("{actor} gave {who} their own settings for the quiz {quiz}"),
        who=_override_who(facts),
        quiz=_quiz(facts),
    )


def _override_updated(facts: Facts) -> Sentence:
    changed = _labels(facts, SETTING_LABELS)
    who, quiz = _override_who(facts), _quiz(facts)
    if changed is None:
        return Sentence(_("{actor} changed the settings of {who} for the quiz {quiz}"), who=who, quiz=quiz)
    return Sentence(
        _("{actor} changed the {fields} of {who} for the quiz {quiz}"), fields=changed, who=who, quiz=quiz
    )


def _override_deleted(facts: Facts) -> Sentence:
    return Sentence(
        _("{actor} removed the own settings of {who} for the quiz {quiz}"),
        who=_override_who(facts),
        quiz=_quiz(facts),
    )


def _regraded(facts: Facts) -> Sentence:
    count = facts.int("attempts")
    if count is None:
        return Sentence(_("{actor} regraded the attempts of the quiz {quiz}"), quiz=_quiz(facts))
    return Sentence(
        ngettext_lazy(
            "{actor} regraded {count} attempt of the quiz {quiz}",
            "{actor} regraded {count} attempts of the quiz {quiz}",
            count,
        ),
        count=count,
        quiz=_quiz(facts),
    )


# --- attempts -----------------------------------------------------------------------------------------------


def _attempt_says(template: str, without: str):
    """A sentence naming the attempt's learner, number and quiz while it exists; `without` once it is gone."""

    def describe(facts: Facts) -> Sentence:
        if not facts.target.exists:
            return Sentence(without)
        return Sentence(
            template,
            learner=_learner_of(facts),
            attempt=facts.target,
            quiz=facts.target.aspect("quiz"),
        )

    return describe


def _number(text: str) -> str:
    """A recorded decimal ("7.5000") as the reader writes numbers ("7.5", "7,5")."""
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    if not value.is_finite():
        return text
    trimmed = f"{value:f}"
    if "." in trimmed:
        trimmed = trimmed.rstrip("0").rstrip(".")
    return number_format(Decimal(trimmed))


def _attempt_graded(facts: Facts) -> Sentence:
    mark = _number(facts.text("mark")) if facts.text("mark") else ""
    if mark and facts.text("max"):
        mark = _("%(mark)s / %(max)s") % {"mark": mark, "max": _number(facts.text("max"))}
    slot = facts.int("slot")
    if not facts.target.exists:
        return Sentence(_("{actor} graded a question of a deleted attempt: {mark}"), mark=short(mark))
    parts = {"learner": _learner_of(facts), "attempt": facts.target, "quiz": facts.target.aspect("quiz")}
    if slot is None or not mark:
        return Sentence(_("{actor} graded {learner}'s {attempt} at {quiz}"), **parts)
    return Sentence(
        _("{actor} graded question {slot} of {learner}'s {attempt} at {quiz}: {mark}"),
        slot=slot,
        mark=short(mark),
        **parts,
    )


# --- the question bank --------------------------------------------------------------------------------------


def _question_created(facts: Facts) -> Sentence:
    qtype = qtype_for(facts.text("qtype"))
    label = qtype.label if qtype is not None else humanise(facts.text("qtype"))
    if facts.int("category") is None:
        return Sentence(_("{actor} created the question {target} ({qtype})"), qtype=label)
    return Sentence(
        _("{actor} created the question {target} ({qtype}) in {category}"),
        qtype=label,
        category=_category(facts),
    )


def _question_updated(facts: Facts) -> Sentence:
    names = [name for name in facts.list("fields") if isinstance(name, str)]
    if facts.value("tags") is True:
        names.append("tags")
    labels = [QUESTION_LABELS.get(name) or humanise(name) for name in names]
    moved = facts.int("category") is not None
    if labels:
        sentence = Sentence(
            _("{actor} changed the {fields} of the question {target}"), fields=and_list(labels)
        )
        if moved:
            sentence = Sentence(
                _("{sentence} and moved it to {category}"), sentence=sentence, category=_category(facts)
            )
    elif moved:
        sentence = Sentence(_("{actor} moved the question {target} to {category}"), category=_category(facts))
    else:
        sentence = Sentence(_("{actor} saved the question {target} unchanged"))
    if facts.int("new_version") is not None:
        sentence = Sentence(
            _("{sentence} (as version {version}: attempts keep the earlier one)"),
            sentence=sentence,
            version=facts.int("new_version"),
        )
    return sentence


def _question_duplicated(facts: Facts) -> Sentence:
    source = facts.ref(QUESTION, facts.int("from"), _("a deleted question"))
    return Sentence(_("{actor} copied the question {source} as {target}"), source=source)


def _question_deleted(facts: Facts) -> Sentence:
    if facts.int("category") is None:
        return Sentence(_("{actor} deleted the question {target}"))
    return Sentence(_("{actor} deleted the question {target} from {category}"), category=_category(facts))


def _bank(facts: Facts) -> Ref | str:
    if facts.int("course") is None:
        return _("the shared question bank")
    return Sentence(
        _("the question bank of {course}"),
        course=facts.ref(COURSE, facts.int("course"), _("a deleted course")),
    )


def _category_created(facts: Facts) -> Sentence:
    if facts.int("parent") is not None:
        return Sentence(
            _("{actor} created the question category {target} in {parent}"), parent=_category(facts, "parent")
        )
    return Sentence(_("{actor} created the question category {target} in {bank}"), bank=_bank(facts))


def _category_updated(facts: Facts) -> Sentence:
    changed = _labels(facts, CATEGORY_LABELS)
    if changed is None:
        return Sentence(_("{actor} changed the question category {target}"))
    return Sentence(_("{actor} changed the {fields} of the question category {target}"), fields=changed)


def _category_deleted(facts: Facts) -> Sentence:
    return Sentence(_("{actor} deleted the question category {target} from {bank}"), bank=_bank(facts))


# --- imports ------------------------------------------------------------------------------------------------


def _import_created(facts: Facts) -> Sentence:
    name = facts.text("filename") or facts.target
    sentence = Sentence(
        _("{actor} started importing questions from {file} into {category}"),
        file=name,
        category=_category(facts),
    )
    if facts.int("assessment") is not None:
        quiz = facts.ref(QUIZ, facts.int("assessment"), _("a deleted quiz"))
        sentence = Sentence(_("{sentence} and the quiz {quiz}"), sentence=sentence, quiz=quiz)
    return sentence


def register() -> None:
    from .transfer.audit import register as register_transfer

    register_transfer()  # import jobs' names and links, their completed and failed sentences
    reference = register_reference
    reference(QUIZ, _quizzes)
    reference(QUESTION, _questions)
    reference(CATEGORY, _categories)
    reference(ATTEMPT, _attempts)
    reference(OVERRIDE, _overrides)
    reference(LEARNER, _learners)

    d = register_description
    # quizzes
    d("assessment.created", _quiz_created)
    d("assessment.updated", _quiz_updated)
    d("assessment.slot_added", _slot_added)
    d("assessment.random_added", _random_added)
    d("assessment.slot_updated", _slot_updated)
    d("assessment.slot_removed", _quiz_says(_("{actor} removed a question from the quiz {quiz}")))
    d("assessment.slots_reordered", _quiz_says(_("{actor} reordered the questions of the quiz {quiz}")))
    d("assessment.page_break", _page_break)
    d("assessment.repaginated", _repaginated)
    d("assessment.override_created", _override_created)
    d("assessment.override_updated", _override_updated)
    d("assessment.override_deleted", _override_deleted)
    d("assessment.regraded", _regraded)
    # attempts
    d("assessment.attempt_graded", _attempt_graded)
    d(
        "assessment.attempt_regraded",
        _attempt_says(
            _("{actor} regraded {learner}'s {attempt} at {quiz}"), _("{actor} regraded an attempt")
        ),
    )
    d(
        "assessment.attempt_reopened",
        _attempt_says(
            _("{actor} reopened {learner}'s {attempt} at {quiz}"), _("{actor} reopened an attempt")
        ),
    )
    # the question bank
    d("question.created", _question_created)
    d("question.updated", _question_updated)
    d("question.duplicated", _question_duplicated)
    d("question.hidden", simple(_("{actor} hid the question {target} from the bank")))
    d("question.unhidden", simple(_("{actor} brought the question {target} back to the bank")))
    d("question.deleted", _question_deleted)
    d("question_category.created", _category_created)
    d("question_category.updated", _category_updated)
    d("question_category.deleted", _category_deleted)
    # imports (completed and failed: apps/assessments/transfer/audit.py)
    d("question_import.created", _import_created)
