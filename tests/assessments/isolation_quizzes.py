"""Isolation and role rows of quizzes (apps/assessments/quizzes): the /api/v1/assessments endpoints (quizzes,
slots, overrides), the editors' quiz pages and their form POSTs.

The targets, in each org, sit in a course of their own (not the courses' isolation course, whose module and
lesson lists other rows name in full): published, organization-wide, owned by the Org Admin, with the named
people and the isolation person enrolled. {quiz_module_id} is its module; {quiz_id} is a published quiz
with two slots ({quiz_slot_id} and {quiz_spare_slot_id}, questions of {quiz_question_id}'s category) and an
override for the isolation person ({quiz_override_id}); {quiz_spare_id} is a second quiz with no attempts,
for DELETE. Every role sees the quizzes (enrolled); only the Org Admin edits the course, so only they manage
them: the Branch Manager and the Teacher get 403 from the services or the manage check, the Student by role
before any lookup. Each matrix case runs in its own rolled-back transaction, so what one call deletes is
back for the next. Names start with the org's name, so a leak of globex's shows "Globex".

API keys need the `assessments` scope.
"""

from tests.isolation.entries import Endpoint, Page, PageAction, scoped

ADMIN = ("org_admin",)
QUIZ = "/api/v1/assessments/{quiz_id}"
PAGE = "/quizzes/{quiz_id}/"

API_ENDPOINTS: list[Endpoint] = scoped(
    "assessments",
    [
        Endpoint("GET", "/api/v1/assessments"),
        Endpoint("GET", "/api/v1/assessments?sort=-created_at"),
        Endpoint(
            "POST",
            "/api/v1/assessments",
            {"module_id": "{quiz_module_id}", "title": "Matrix quiz", "time_limit": 600},
            allowed_roles=ADMIN,
        ),
        Endpoint("GET", QUIZ, has_object=True),
        Endpoint(
            "PUT",
            QUIZ,
            {"title": "Matrix renamed", "attempts_allowed": 3},
            allowed_roles=ADMIN,
            has_object=True,
        ),
        Endpoint("PATCH", QUIZ, {"grade_method": "last"}, allowed_roles=ADMIN, has_object=True),
        Endpoint("DELETE", "/api/v1/assessments/{quiz_spare_id}", allowed_roles=ADMIN, has_object=True),
        Endpoint("GET", QUIZ + "/slots", allowed_roles=ADMIN, has_object=True),
        Endpoint(
            "POST",
            QUIZ + "/slots",
            {"question_id": "{quiz_question_id}"},
            allowed_roles=ADMIN,
            has_object=True,
        ),
        Endpoint("GET", QUIZ + "/slots/{quiz_slot_id}", allowed_roles=ADMIN, has_object=True),
        Endpoint(
            "PATCH", QUIZ + "/slots/{quiz_slot_id}", {"mark": "2"}, allowed_roles=ADMIN, has_object=True
        ),
        Endpoint("DELETE", QUIZ + "/slots/{quiz_spare_slot_id}", allowed_roles=ADMIN, has_object=True),
        Endpoint(
            "POST",
            QUIZ + "/slots/order",
            {"order": ["{quiz_spare_slot_id}", "{quiz_slot_id}"]},
            allowed_roles=ADMIN,
            has_object=True,
        ),
        Endpoint("GET", QUIZ + "/overrides", allowed_roles=ADMIN, has_object=True),
        Endpoint(
            "POST",
            QUIZ + "/overrides",
            {"school_class_id": "{class_id}", "attempts_allowed": 5},
            allowed_roles=ADMIN,
            has_object=True,
        ),
        Endpoint("GET", QUIZ + "/overrides/{quiz_override_id}", allowed_roles=ADMIN, has_object=True),
        Endpoint(
            "PATCH",
            QUIZ + "/overrides/{quiz_override_id}",
            {"time_limit": 1200},
            allowed_roles=ADMIN,
            has_object=True,
        ),
        Endpoint("DELETE", QUIZ + "/overrides/{quiz_override_id}", allowed_roles=ADMIN, has_object=True),
    ],
)

PAGES = [
    Page("/quizzes/new/{quiz_module_id}/", has_object=True),
    Page(PAGE, has_object=True),
    Page(PAGE + "settings/", has_object=True),
    Page(PAGE + "builder/", has_object=True),
    Page(PAGE + "builder/?q=capital&qtype=choice", has_object=True),
    Page(PAGE + "overrides/", has_object=True),
    Page(PAGE + "overrides/{quiz_override_id}/", has_object=True),
]

SETTINGS_FORM = {
    "title": "Hijacked",
    "overdue_handling": "autosubmit",
    "grace_period_minutes": "1440",
    "attempts_allowed": "0",
    "attempt_delay_minutes": "0",
    "grade_method": "highest",
    "max_grade": "100",
    "decimal_points": "2",
    "questions_per_page": "1",
    "navigation": "free",
    "behaviour": "deferred",
}

PAGE_ACTIONS = [
    PageAction("/quizzes/new/{quiz_module_id}/", SETTINGS_FORM),
    PageAction(PAGE + "settings/", SETTINGS_FORM),
    PageAction(PAGE + "builder/add/", {"questions": "{quiz_question_id}"}),
    PageAction(PAGE + "builder/random/", {"category": "{quiz_category_id}", "count": "1"}),
    PageAction(PAGE + "builder/breaks/", {"after": "1", "present": "0"}),
    PageAction(PAGE + "builder/repaginate/", {"per_page": "0"}),
    PageAction(PAGE + "builder/{quiz_slot_id}/mark/", {"mark": "5"}),
    PageAction(PAGE + "builder/{quiz_slot_id}/move/", {"direction": "down"}),
    PageAction(PAGE + "builder/{quiz_spare_slot_id}/remove/"),
    PageAction(PAGE + "overrides/", {"school_class": "{class_id}", "attempts_allowed": "9"}),
    PageAction(PAGE + "overrides/{quiz_override_id}/", {"attempts_allowed": "9"}),
    PageAction(PAGE + "overrides/{quiz_override_id}/delete/"),
]


def targets(organization) -> dict[str, str]:
    """Call inside the organization's schema (tests/isolation/registry.py: targets does)."""
    from apps.accounts.models import RoleAssignment, User
    from apps.assessments.baker_recipes import make_question, make_quiz
    from apps.assessments.models import Assessment, Override, QuestionCategory, Slot
    from apps.courses.models import Course, Enrollment, Module
    from tests.hierarchy.isolation import hierarchy_ids

    person = int(hierarchy_ids(organization)["user_id"])
    name = organization.name
    course = Course.objects.filter(title=f"{name} quiz course", slug="isolation-quizzes").first()
    if course is None:
        admin = RoleAssignment.objects.filter(role="org_admin").select_related("user").first().user
        course = Course.objects.create(
            title=f"{name} quiz course", slug="isolation-quizzes", status=Course.Status.PUBLISHED, owner=admin
        )
        module = Module.objects.create(course=course, title=f"{name} quiz module", position=0)
        learners = User.objects.filter(
            email__in=[
                f"{local}@{organization.slug}.example.com" for local in ("manager", "teacher", "student")
            ]
        )
        for user in [admin, *learners, User.objects.get(pk=person)]:
            Enrollment.objects.get_or_create(course=course, user=user)
        category = QuestionCategory.objects.create(course=course, name=f"{name} quiz bank")
        questions = [make_question(category=category, name=f"{name} capital {i}") for i in range(3)]
        make_quiz(module=module, questions=questions[:2], title=f"{name} matrix quiz")
        make_quiz(module=module, title=f"{name} spare quiz")
    module = course.modules.order_by("position", "pk").first()
    quiz = Assessment.objects.get(course=course, item__title=f"{name} matrix quiz")
    spare = Assessment.objects.get(course=course, item__title=f"{name} spare quiz")
    slots = list(Slot.objects.filter(assessment=quiz).order_by("position"))
    category = slots[0].question.category
    override, _ = Override.objects.get_or_create(
        assessment=quiz, user_id=person, defaults={"attempts_allowed": 2}
    )
    extra = category.questions.exclude(slots__assessment=quiz).order_by("pk").first()
    return {
        "quiz_module_id": str(module.pk),
        "quiz_id": str(quiz.pk),
        "quiz_spare_id": str(spare.pk),
        "quiz_slot_id": str(slots[0].pk),
        "quiz_spare_slot_id": str(slots[1].pk),
        "quiz_question_id": str(extra.pk),
        "quiz_category_id": str(category.pk),
        "quiz_override_id": str(override.pk),
    }
