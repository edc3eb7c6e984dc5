"""Isolation and role rows of item analysis (apps/assessments/analytics): the API, the page and its POST.

{stats_quiz_id} is a quiz in a course of its own (published, organization-wide, owned by the Org Admin,
everyone enrolled: like the courses' isolation course, whose modules the courses' rows count), with two
finished attempts of a choice and a
true/false question. Only the Org Admin edits that course, so only they read its statistics; the Branch
Manager and the Teacher see the quiz (enrolled) but do not manage it: 403, like the Student (refused by role
before any lookup). Names start with the org's name, so a leak of globex's shows "Globex".

API keys need the `assessments` scope.
"""

from decimal import Decimal

from tests.isolation.entries import Endpoint, Page, PageAction, scoped

ADMIN = ("org_admin",)
API = "/api/v1/assessments/{stats_quiz_id}/analytics"
PAGE = "/quizzes/{stats_quiz_id}/statistics/"

API_ENDPOINTS: list[Endpoint] = scoped(
    "assessments",
    [
        Endpoint("GET", API, allowed_roles=ADMIN, has_object=True),
        Endpoint("GET", API + "?attempts=all", allowed_roles=ADMIN, has_object=True),
        Endpoint("POST", API + "/refresh", {"attempts": "first"}, allowed_roles=ADMIN, has_object=True),
    ],
)
PAGES = [
    Page(PAGE, has_object=True),
    Page(PAGE + "?attempts=highest", has_object=True),
    Page(PAGE + "?format=csv", has_object=True),
]
PAGE_ACTIONS = [PageAction(PAGE + "refresh/", {"attempts": "first"})]


def targets(organization) -> dict[str, str]:
    """Call inside the organization's schema (tests/isolation/registry.py: targets does)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from apps.accounts.models import RoleAssignment, User
    from apps.assessments.baker_recipes import make_question, make_quiz
    from apps.assessments.models import Assessment, Attempt, QuestionAttempt, QuestionCategory
    from apps.courses.models import Course, Enrollment

    course = Course.objects.filter(slug="isolation-statistics").first()
    if course is None:
        admin = RoleAssignment.objects.filter(role="org_admin").select_related("user").first().user
        course = Course.objects.create(
            title=f"{organization.name} statistics course",
            slug="isolation-statistics",
            status=Course.Status.PUBLISHED,
            owner=admin,
        )
        emails = [f"{local}@{organization.slug}.example.com" for local in ("manager", "teacher", "student")]
        for user in [admin, *User.objects.filter(email__in=emails)]:
            Enrollment.objects.get_or_create(course=course, user=user)
    title = f"{organization.name} statistics quiz"
    quiz = Assessment.objects.filter(course=course, item__title=title).first()
    if quiz is None:
        category = QuestionCategory.objects.create(course=course, name=f"{organization.name} statistics")
        choice = make_question(category=category, name=f"{organization.name} capital")
        truefalse = make_question(
            category=category, qtype="truefalse", name=f"{organization.name} sky", data={"correct": True}
        )
        quiz = make_quiz(course=course, questions=[choice, truefalse], title=title)
        people = list(get_user_model().objects.order_by("pk")[:2])
        for number, user in enumerate(people):
            right = number % 2 == 0
            attempt = Attempt.objects.create(
                assessment=quiz,
                user=user,
                number=1,
                state=Attempt.State.FINISHED,
                finished_at=timezone.now(),
                sum_marks=Decimal(2 if right else 1),
                grade=Decimal(100 if right else 50),
            )
            for slot, question, response, fraction in (
                (1, choice, {"choice": "a" if right else "b"}, 1.0 if right else 0.0),
                (2, truefalse, {"answer": True}, 1.0),
            ):
                QuestionAttempt.objects.create(
                    attempt=attempt,
                    slot=slot,
                    question_version=question.latest_version,
                    max_mark=Decimal(1),
                    response=response,
                    state="right" if fraction else "wrong",
                    fraction=fraction,
                    mark=Decimal(str(fraction)),
                )
    return {"stats_quiz_id": str(quiz.pk)}
