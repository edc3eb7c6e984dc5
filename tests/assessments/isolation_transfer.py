"""Isolation and role rows of question imports and exports (apps/assessments/transfer). Placeholders:
{transfer_category_id}, {transfer_quiz_id}, {transfer_job_id}, filled inside the organization's schema.

The targets, in each org: a published course owned by teacher@ in the north branch (so teacher@, the north
Branch Manager and the Org Admin may all edit it and use its bank; students may not), a category of its bank
with one question, a quiz in the course using it, and a completed import job into the category uploaded by
teacher@ (jobs are seen by their uploader, the editors of the target bank and Org Admins). Ids are
7,100,000 + 10 x the organization's id (below both orgs' sequence ranges; see tests/conftest.py), and names
start with the org's name, so a leak of globex's shows "Globex".

The upload row sends the matrix's small PNG as `file`: it is stored as a queued GIFT job (the file is read
by the job, which never runs inside the matrix's transaction)."""

from tests.isolation.entries import Endpoint, Page, PageAction, scoped

STAFF = ("org_admin", "branch_manager", "teacher")

API_ENDPOINTS = scoped(
    "assessments",
    [
        Endpoint("GET", "/api/v1/question-imports", allowed_roles=STAFF),
        Endpoint(
            "POST",
            "/api/v1/question-imports",
            {"category_id": "{transfer_category_id}"},
            allowed_roles=STAFF,
            upload="file",
        ),
        Endpoint("GET", "/api/v1/question-imports/{transfer_job_id}", allowed_roles=STAFF, has_object=True),
        Endpoint(
            "GET",
            "/api/v1/assessments/{transfer_quiz_id}/export?format=gift",
            allowed_roles=STAFF,
            has_object=True,
        ),
        Endpoint(
            "GET",
            "/api/v1/assessments/{transfer_quiz_id}/export?format=qti",
            allowed_roles=STAFF,
            has_object=True,
        ),
        Endpoint(
            "GET",
            "/api/v1/question-categories/{transfer_category_id}/export?format=gift",
            allowed_roles=STAFF,
            has_object=True,
        ),
        Endpoint(
            "GET",
            "/api/v1/question-categories/{transfer_category_id}/export?format=qti",
            allowed_roles=STAFF,
            has_object=True,
        ),
    ],
)

PAGES = [
    Page("/questions/import/"),
    Page("/questions/import/{transfer_job_id}/", has_object=True),
    Page("/quizzes/{transfer_quiz_id}/export/", has_object=True),
    Page("/quizzes/{transfer_quiz_id}/export/gift/", has_object=True),
    Page("/quizzes/{transfer_quiz_id}/export/qti/", has_object=True),
    Page("/questions/categories/{transfer_category_id}/export/", has_object=True),
    Page("/questions/categories/{transfer_category_id}/export/gift/", has_object=True),
    Page("/questions/categories/{transfer_category_id}/export/qti/", has_object=True),
]

PAGE_ACTIONS = [
    PageAction("/questions/import/upload/", {"category": "{transfer_category_id}"}),
]


def targets(organization) -> dict[str, str]:
    """Call inside the organization's schema (tests/isolation/registry.py: targets does)."""
    from apps.accounts.models import User
    from apps.assessments.baker_recipes import make_question, make_quiz
    from apps.assessments.models import Assessment, QuestionCategory, TransferJob
    from apps.courses.models import Course, Module
    from apps.hierarchy.models import Branch

    pk = 7_100_000 + organization.pk * 10
    name = organization.name
    course = Course.objects.filter(pk=pk).first()
    if course is None:
        teacher = User.objects.get(email=f"teacher@{organization.slug}.example.com")
        course = Course.objects.create(
            pk=pk,
            title=f"{name} transfer course",
            slug="transfer-isolation",
            status=Course.Status.PUBLISHED,
            owner=teacher,
        )
        course.branches.set(Branch.objects.filter(code="north"))
        category = QuestionCategory.objects.create(pk=pk, course=course, name=f"{name} transfer category")
        question = make_question(category=category, name=f"{name} transfer question", created_by=teacher)
        module = Module.objects.create(pk=pk, course=course, title=f"{name} transfer module", position=0)
        make_quiz(module=module, questions=[question], title=f"{name} transfer quiz")
        TransferJob.objects.create(
            pk=pk,
            file_format="gift",
            status=TransferJob.Status.COMPLETED,
            filename=f"{organization.slug}-questions.gift.txt",
            size_bytes=4,
            data=b"Q{T}",
            category=category,
            course=course,
            total=1,
            processed=1,
            created_count=1,
            report=[
                {
                    "kind": "question",
                    "ref": "line 1",
                    "name": f"{name} transfer question",
                    "outcome": "created",
                    "reason": "",
                    "question_id": question.pk,
                }
            ],
            created_by=teacher,
        )
    quiz = Assessment.objects.filter(course_id=pk).order_by("pk").first()
    return {
        "transfer_category_id": str(pk),
        "transfer_quiz_id": str(quiz.pk),
        "transfer_job_id": str(pk),
    }
