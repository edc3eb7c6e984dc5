"""model-bakery recipes for assessments:

    baker.make_recipe("assessments.category")             a category of a course's bank (a new course)
    baker.make_recipe("assessments.question")             a single-choice question with version 1 (Paris)
    make_question(category=..., qtype="numeric", data={...}, default_mark=2)
    make_quiz(course=course, questions=[q1, q2], time_limit=600)
                                                          a quiz lesson (published) in a new module of the
                                                          course, one slot per question, with its settings

Test-only helpers: model_bakery imports this module when a test asks for a recipe (model-bakery is a dev
dependency); the product never imports it. They write rows directly, as the services would leave them.
"""

from decimal import Decimal

from model_bakery import baker
from model_bakery.recipe import Recipe, foreign_key, seq

from apps.courses.models import ContentItem, ContentVersion

from .models import Assessment, Question, QuestionCategory, QuestionVersion, Slot

CHOICE_DATA = {
    "options": [
        {"id": "a", "text": "<p>Paris</p>", "fraction": 1.0, "feedback": "<p>Yes.</p>"},
        {"id": "b", "text": "<p>Lyon</p>", "fraction": 0.0, "feedback": "<p>No, that is Lyon.</p>"},
        {"id": "c", "text": "<p>Marseille</p>", "fraction": 0.0, "feedback": ""},
    ],
    "shuffle": True,
}

category = Recipe(QuestionCategory, course=foreign_key("courses.course"), name=seq("Category "))


def make_question(
    *,
    category: QuestionCategory | None = None,
    qtype: str = "choice",
    name: str | None = None,
    text: str = "<p>What is the capital of France?</p>",
    data: dict | None = None,
    default_mark: float | Decimal = 1,
    penalty: float | None = None,
    hints: list | None = None,
    general_feedback: str = "",
    created_by=None,
) -> Question:
    """A question of `category` (a new course's category by default) with version 1 as its latest."""
    category = category or baker.make_recipe("assessments.category")
    question = Question.objects.create(
        category=category,
        course=category.course,
        qtype=qtype,
        name=name or f"Question {Question.objects.count() + 1}",
        created_by=created_by,
    )
    version = QuestionVersion.objects.create(
        question=question,
        number=1,
        qtype=qtype,
        name=question.name,
        text=text,
        general_feedback=general_feedback,
        default_mark=Decimal(str(default_mark)),
        penalty=(1.0 if qtype == "truefalse" else 0.3333333) if penalty is None else penalty,
        hints=hints or [],
        data=CHOICE_DATA if data is None and qtype == "choice" else (data or {}),
        created_by=created_by,
    )
    Question.objects.filter(pk=question.pk).update(latest_version=version)
    question.latest_version = version
    return question


class QuestionRecipe(Recipe):
    def make(self, _quantity=None, **attrs):
        if _quantity is not None:
            return [self.make(**attrs) for _ in range(_quantity)]
        attrs = {key: value for key, value in attrs.items() if not key.startswith("_")}  # baker's own
        return make_question(**attrs)


question = QuestionRecipe(Question)


def make_quiz(
    *, course=None, module=None, questions=(), title: str = "Quiz", marks=None, **settings
) -> Assessment:
    """A published quiz lesson in `module` (a new module of `course` by default) with one slot per question,
    each on its own page unless `questions_per_page` says otherwise."""
    if module is None:
        course = course or baker.make_recipe("courses.course")
        module = baker.make_recipe("courses.module", course=course)
    item = ContentItem.objects.create(
        module=module, course=module.course, kind="quiz", title=title, position=module.items.count()
    )
    version = ContentVersion.objects.create(
        item=item, number=1, title=title, author=module.course.owner, data={}
    )
    assessment = Assessment.objects.create(item=item, course=module.course, **settings)
    version.data = {"assessment_id": assessment.pk}
    version.save(update_fields=["data"])
    ContentItem.objects.filter(pk=item.pk).update(latest_version=version, published_version=version)
    item.latest_version = item.published_version = version
    per_page = assessment.questions_per_page
    for index, one in enumerate(questions):
        mark = marks[index] if marks else one.latest_version.default_mark
        Slot.objects.create(
            assessment=assessment,
            position=index + 1,
            page=(index // per_page) + 1 if per_page else 1,
            question=one,
            mark=Decimal(str(mark)),
        )
    return assessment
