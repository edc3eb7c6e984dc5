"""Isolation and role rows of attempts (apps/assessments/attempts): taking a quiz through the API and the
pages, results, the grading queue, manual marks, regrading and reopening.

The targets, in each org, sit in a course of their own: published, in the north branch, owned by the Org
Admin with the north Teacher as co-teacher, so the Org Admin, the north Branch Manager and the Teacher all
edit it (and see the north Student's attempts); the Student is enrolled, the staff are not (they start
previews). {att_quiz_id} is an interactive quiz in which the Student has an open attempt ({att_open_id});
{att_graded_id} a quiz with a choice question and an essay: the Student's submitted attempt
{att_done_id} waits for the essay's mark (slot 2), and {att_abandoned_id} was never submitted. Only the
Student answers their attempt (the staff, who see it, get 403 from the services); only staff reach the
teachers' endpoints (the Student gets 403 by role before any lookup). Each matrix case runs in its own
rolled-back transaction. Names start with the org's name, so a leak of globex's shows "Globex".

API keys need the `assessments` scope.
"""

from tests.isolation.entries import Endpoint, Page, PageAction, scoped

STAFF = ("org_admin", "branch_manager", "teacher")
STUDENT = ("student",)
TAKE = "/api/v1/assessments/{att_quiz_id}"
GRADED = "/api/v1/assessments/{att_graded_id}"
OPEN = "/api/v1/attempts/{att_open_id}"
DONE = "/api/v1/attempts/{att_done_id}"

API_ENDPOINTS: list[Endpoint] = scoped(
    "assessments",
    [
        Endpoint("GET", TAKE + "/attempts", has_object=True),
        Endpoint("GET", TAKE + "/attempts?sort=-started_at", has_object=True),
        Endpoint("POST", TAKE + "/attempts", {"preview": False}, has_object=True),
        Endpoint("POST", TAKE + "/submit", {"responses": {"1": {"choice": "a"}}}, has_object=True),
        Endpoint("GET", OPEN, has_object=True),
        Endpoint("GET", OPEN + "/pages/0", has_object=True),
        Endpoint(
            "POST",
            OPEN + "/answers",
            {"responses": {"1": {"choice": "b"}}},
            allowed_roles=STUDENT,
            has_object=True,
        ),
        Endpoint(
            "POST",
            OPEN + "/check",
            {"slot": 1, "response": {"choice": "b"}},
            allowed_roles=STUDENT,
            has_object=True,
        ),
        Endpoint("POST", OPEN + "/submit", {"responses": {}}, allowed_roles=STUDENT, has_object=True),
        Endpoint("GET", OPEN + "/review", has_object=True),
        Endpoint("GET", DONE + "/review", has_object=True),
        Endpoint("POST", "/api/v1/attempts/{att_abandoned_id}/reopen", allowed_roles=STAFF, has_object=True),
        Endpoint("POST", DONE + "/regrade", {"dry_run": True}, allowed_roles=STAFF, has_object=True),
        Endpoint(
            "POST",
            DONE + "/questions/2/grade",
            {"mark": "1", "comment": "Matrix"},
            allowed_roles=STAFF,
            has_object=True,
        ),
        Endpoint("GET", GRADED + "/results", allowed_roles=STAFF, has_object=True),
        Endpoint("GET", GRADED + "/results?format=csv", allowed_roles=STAFF, has_object=True),
        Endpoint("GET", GRADED + "/results?state=finished", allowed_roles=STAFF, has_object=True),
        Endpoint("GET", GRADED + "/grading", allowed_roles=STAFF, has_object=True),
        Endpoint("POST", GRADED + "/regrade", {"dry_run": True}, allowed_roles=STAFF, has_object=True),
        Endpoint("GET", "/api/v1/grading", allowed_roles=STAFF),
    ],
)

PAGE_OPEN = "/attempts/{att_open_id}/"
PAGE_DONE = "/attempts/{att_done_id}/"

PAGES: list[Page] = [
    Page(PAGE_OPEN, has_object=True),
    Page(PAGE_OPEN + "?page=0", has_object=True),
    Page(PAGE_OPEN + "summary/", has_object=True),
    Page(PAGE_OPEN + "review/", has_object=True),
    Page(PAGE_OPEN + "time", has_object=True),
    Page(PAGE_DONE + "review/", has_object=True),
    Page(PAGE_DONE + "grade/2/", has_object=True),
    Page("/quizzes/{att_graded_id}/results/", has_object=True),
    Page("/quizzes/{att_graded_id}/results/?format=csv", has_object=True),
    Page("/quizzes/{att_graded_id}/grading/", has_object=True),
    Page("/quizzes/{att_graded_id}/regrade/", has_object=True),
    Page("/grading/"),
]

PAGE_ACTIONS: list[PageAction] = [
    PageAction("/quizzes/{att_quiz_id}/start/"),
    PageAction(PAGE_OPEN + "save/", {"page": "0", "slots": "1", "q1-choice": "b", "go": "summary"}),
    PageAction(PAGE_OPEN + "check/1/", {"page": "0", "slots": "1", "q1-choice": "b"}),
    PageAction(PAGE_OPEN + "submit/"),
    PageAction("/attempts/{att_abandoned_id}/reopen/"),
    PageAction(PAGE_DONE + "grade/2/", {"mark": "1", "comment": "Hijacked"}),
    PageAction("/quizzes/{att_graded_id}/regrade/", {"dry_run": "on"}),
]

ESSAY = {"min_words": None, "max_words": None, "template": "", "grader_info": "", "format": "html"}


def targets(organization) -> dict[str, str]:
    """Call inside the organization's schema (tests/isolation/registry.py: targets does)."""
    from apps.accounts.models import RoleAssignment, User
    from apps.assessments.attempts import services
    from apps.assessments.baker_recipes import make_question, make_quiz
    from apps.assessments.models import Assessment, Attempt, QuestionCategory
    from apps.courses.models import Course, Enrollment, Module
    from apps.hierarchy.models import Branch

    name = organization.name
    course = Course.objects.filter(slug="isolation-attempts").first()
    if course is None:
        admin = RoleAssignment.objects.filter(role="org_admin").select_related("user").first().user
        teacher = User.objects.get(email=f"teacher@{organization.slug}.example.com")
        student = User.objects.get(email=f"student@{organization.slug}.example.com")
        course = Course.objects.create(
            title=f"{name} attempts course",
            slug="isolation-attempts",
            status=Course.Status.PUBLISHED,
            owner=admin,
        )
        course.branches.set([Branch.objects.get(code="north")])
        course.co_teachers.set([teacher])
        module = Module.objects.create(course=course, title=f"{name} attempts module", position=0)
        Enrollment.objects.create(course=course, user=student, source="self")
        category = QuestionCategory.objects.create(course=course, name=f"{name} attempts bank")
        capital = make_question(category=category, name=f"{name} attempts capital", hints=["<p>Seine</p>"])
        other = make_question(category=category, name=f"{name} attempts other")
        essay = make_question(category=category, qtype="essay", data=ESSAY, name=f"{name} attempts essay")
        take = make_quiz(
            module=module, questions=[capital, other], title=f"{name} attempts quiz", behaviour="interactive"
        )
        graded = make_quiz(module=module, questions=[capital, essay], title=f"{name} graded quiz")
        services.attempt_start(actor=student, assessment=take)
        done = services.attempt_start(actor=student, assessment=graded).attempt
        services.attempt_submit(
            actor=student, attempt=done, responses={1: {"choice": "a"}, 2: {"text": f"<p>{name} essay</p>"}}
        )
        left = services.attempt_start(actor=student, assessment=graded).attempt
        Attempt.objects.filter(pk=left.pk).update(state=Attempt.State.ABANDONED, check_state_at=None)
    take = Assessment.objects.get(course=course, item__title=f"{name} attempts quiz")
    graded = Assessment.objects.get(course=course, item__title=f"{name} graded quiz")
    attempts = {a.state: a for a in Attempt.objects.filter(assessment__course=course, preview=False)}
    return {
        "att_quiz_id": str(take.pk),
        "att_graded_id": str(graded.pk),
        "att_open_id": str(attempts[Attempt.State.IN_PROGRESS].pk),
        "att_done_id": str(attempts[Attempt.State.FINISHED].pk),
        "att_abandoned_id": str(attempts[Attempt.State.ABANDONED].pk),
    }
