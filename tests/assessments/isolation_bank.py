"""Isolation and role rows of the question bank (apps/assessments/bank): the API, the pages and their form
actions.

The targets, in each org (made through the bank's services, found again by name, so a second call in the same
test gives the same objects): a course of the north branch owned by the named Teacher, so its bank is used by
the Teacher (owner), the north Branch Manager (every branch of the course is theirs) and the Org Admin, and
refused to the Student by role (403 before any lookup); in it {bank_category_id} with {bank_question_id} (a
choice question), and {bank_spare_category_id} (empty) and {bank_spare_question_id} (unused) for the deletes.
Names start with the org's name, so a leak of globex's shows "Globex".

API keys need the `assessments` scope.
"""

from tests.isolation.entries import Endpoint, Page, PageAction, scoped

STAFF = ("org_admin", "branch_manager", "teacher")

CATEGORIES = "/api/v1/question-categories"
CATEGORY = CATEGORIES + "/{bank_category_id}"
QUESTIONS = "/api/v1/questions"
QUESTION = QUESTIONS + "/{bank_question_id}"
CHOICE = {
    "options": [
        {"id": "a", "text": "<p>Matrix right</p>", "fraction": 1, "feedback": ""},
        {"id": "b", "text": "<p>Matrix wrong</p>", "fraction": 0, "feedback": ""},
    ],
    "shuffle": True,
}

API_ENDPOINTS: list[Endpoint] = scoped(
    "assessments",
    [
        Endpoint("GET", CATEGORIES, allowed_roles=STAFF),
        Endpoint("GET", CATEGORIES + "?course={bank_course_id}&sort=-name", allowed_roles=STAFF),
        Endpoint(
            "POST", CATEGORIES, {"course": "{bank_course_id}", "name": "Matrix category"}, allowed_roles=STAFF
        ),
        Endpoint(
            "POST", CATEGORIES, {"parent": "{bank_category_id}", "name": "Matrix child"}, allowed_roles=STAFF
        ),
        Endpoint("GET", CATEGORY, allowed_roles=STAFF, has_object=True),
        Endpoint("PUT", CATEGORY, {"name": "Renamed category"}, allowed_roles=STAFF, has_object=True),
        Endpoint("PATCH", CATEGORY, {"description": "Matrix"}, allowed_roles=STAFF, has_object=True),
        Endpoint("DELETE", CATEGORIES + "/{bank_spare_category_id}", allowed_roles=STAFF, has_object=True),
        Endpoint("GET", QUESTIONS, allowed_roles=STAFF),
        Endpoint(
            "GET",
            QUESTIONS + "?category={bank_category_id}&subcategories=true&search=Matrix&hidden=all",
            allowed_roles=STAFF,
        ),
        Endpoint(
            "POST",
            QUESTIONS,
            {"category": "{bank_category_id}", "qtype": "choice", "name": "Matrix question", "data": CHOICE},
            allowed_roles=STAFF,
        ),
        Endpoint("GET", QUESTION, allowed_roles=STAFF, has_object=True),
        Endpoint(
            "PUT",
            QUESTION,
            {"name": "Renamed question", "data": CHOICE},
            allowed_roles=STAFF,
            has_object=True,
        ),
        Endpoint("PATCH", QUESTION, {"default_mark": "2"}, allowed_roles=STAFF, has_object=True),
        Endpoint("DELETE", QUESTIONS + "/{bank_spare_question_id}", allowed_roles=STAFF, has_object=True),
        Endpoint("GET", QUESTION + "/versions", allowed_roles=STAFF, has_object=True),
        Endpoint("POST", QUESTION + "/duplicate", allowed_roles=STAFF, has_object=True),
        Endpoint("GET", "/api/v1/question-types", allowed_roles=STAFF),
    ],
)

PAGES = [
    Page("/questions/"),
    Page("/questions/?q=Matrix&qtype=choice&hidden=on"),
    Page("/questions/?category={bank_category_id}&sub=on", has_object=True),
    Page("/questions/new/choice/"),
    Page("/questions/new/numeric/?rows=5"),
    Page("/questions/new/choice/?category={bank_category_id}", has_object=True),
    Page("/questions/{bank_question_id}/", has_object=True),
    Page("/questions/{bank_question_id}/edit/", has_object=True),
    Page("/questions/{bank_question_id}/delete/", has_object=True),
    Page("/questions/categories/new/"),
    Page("/questions/categories/new/?parent={bank_category_id}", has_object=True),
    Page("/questions/categories/{bank_category_id}/edit/", has_object=True),
    Page("/questions/categories/{bank_category_id}/delete/", has_object=True),
]

_QUESTION_FORM = {
    "category": "{bank_category_id}",
    "name": "Hijacked",
    "text": "<p>Hijacked</p>",
    "default_mark": "1",
    "options-0-text": "Hijacked",
    "options-0-grade": "100",
    "options-1-text": "Other",
    "options-1-grade": "0",
}

PAGE_ACTIONS = [
    PageAction("/questions/new/choice/", _QUESTION_FORM),
    PageAction("/questions/{bank_question_id}/edit/", _QUESTION_FORM),
    PageAction("/questions/{bank_question_id}/duplicate/"),
    PageAction("/questions/{bank_question_id}/hide/"),
    PageAction("/questions/{bank_question_id}/unhide/"),
    PageAction("/questions/{bank_spare_question_id}/delete/"),
    PageAction("/questions/categories/new/", {"bank": "course:{bank_course_id}", "name": "Hijacked"}),
    PageAction("/questions/categories/new/", {"parent": "{bank_category_id}", "name": "Hijacked"}),
    PageAction("/questions/categories/{bank_category_id}/edit/", {"name": "Hijacked"}),
    PageAction("/questions/categories/{bank_spare_category_id}/delete/"),
]


def targets(organization) -> dict[str, str]:
    """Call inside the organization's schema (tests/isolation/registry.py: targets does)."""
    from django.contrib.auth import get_user_model
    from model_bakery import baker

    from apps.assessments.bank import services
    from apps.assessments.models import Question, QuestionCategory
    from apps.courses.models import Course
    from apps.hierarchy.models import Branch

    name = organization.name
    teacher = get_user_model().objects.get(email=f"teacher@{organization.slug}.example.com")
    course = Course.objects.filter(title=f"{name} bank course").first()
    if course is None:
        course = baker.make_recipe("courses.course", title=f"{name} bank course", owner=teacher)
        course.branches.set([Branch.objects.get(code="north")])
    category = QuestionCategory.objects.filter(course=course, name=f"{name} bank category").first()
    if category is None:
        category = services.category_create(actor=teacher, course=course, name=f"{name} bank category")
        services.category_create(actor=teacher, course=course, name=f"{name} spare category")
        for question_name in (f"{name} bank question", f"{name} spare question"):
            services.question_create(
                actor=teacher, category=category, qtype="choice", name=question_name, data=CHOICE
            )
    spare_category = QuestionCategory.objects.get(course=course, name=f"{name} spare category")
    questions = dict(Question.objects.filter(category=category).values_list("name", "pk"))
    return {
        "bank_course_id": str(course.pk),
        "bank_category_id": str(category.pk),
        "bank_spare_category_id": str(spare_category.pk),
        "bank_question_id": str(questions[f"{name} bank question"]),
        "bank_spare_question_id": str(questions[f"{name} spare question"]),
    }
