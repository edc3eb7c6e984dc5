"""Rows for the cost benchmark and the list query-count tests: `fill(n, label)` adds n of every object the
organization API lists, in the current schema, with bulk inserts shaped like the services' own rows.

One set of *base* objects is made on the first call and reused by later ones (so a test can fill 5, measure,
fill 45 more and measure again on the same paths): branch `cost-base`, class `Cost base` in it, the course
`cost-base` (published, organization-wide, owned by the Org Admin) with its lesson `cost-base` (a published
version), and the student `cost-student@…` (a student of the base class, enrolled in the base course).
Each call then adds, under its `label`:

    n branches, n classes (in the base branch), n students (of the base class: the class's members and the
    branch's people), n categories, n tags, n courses (published, organization-wide, a category and two
    tags, the base student enrolled in each), n modules of the base course with one text lesson each (the
    base student enrolled and with progress on each), n versions of the base lesson, n media files of the
    base course (of the base lesson), n enrollment rules of the base course (one per new class), n API keys,
    n import jobs and n audit entries; and the assessments' rows (`fill_assessments`).

`targets()` names the base objects for the cost table's placeholders.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from .cost_fill_badges import badge_targets, fill_badges
from .cost_fill_certificates import certificate_targets, fill_certificates
from .cost_fill_templating import fill_templates, template_targets

BASE = "cost-base"
STUDENT_EMAIL = "cost-student@bench.example.com"
BODY = "# {title}\n\nA lesson on **{title}** with a list:\n\n1. read\n2. practise\n"


def _base(admin) -> dict:
    from apps.accounts.models import RoleAssignment
    from apps.courses.models import ContentItem, ContentVersion, Course, Enrollment, Module
    from apps.courses.rendering import render_markdown
    from apps.hierarchy.models import Branch, SchoolClass

    User = get_user_model()
    branch, _ = Branch.objects.get_or_create(code=BASE, defaults={"name": "Cost Base Campus"})
    school_class, _ = SchoolClass.objects.get_or_create(branch=branch, name="Cost base", term="2026")
    student = User.objects.filter(email=STUDENT_EMAIL).first()
    if student is None:
        student = User.objects.create(
            email=STUDENT_EMAIL, full_name="Cost Student", status="active", password=make_password(None)
        )
        RoleAssignment.objects.create(user=student, role="student", branch=branch, school_class=school_class)
    course = Course.objects.filter(slug=BASE).first()
    if course is None:
        course = Course.objects.create(
            title="Cost base course",
            slug=BASE,
            summary="The course the cost benchmark reads.",
            description="About **cost**.",
            description_html="<p>About <strong>cost</strong>.</p>",
            status=Course.Status.PUBLISHED,
            owner=admin,
            estimated_minutes=60,
            published_at=timezone.now(),
        )
        module = Module.objects.create(course=course, title="Module base", position=0)
        item = ContentItem.objects.create(
            module=module, course=course, kind="text", position=0, title="Lesson base", estimated_minutes=10
        )
        body = BODY.format(title="Lesson base")
        version = ContentVersion.objects.create(
            item=item,
            number=1,
            title=item.title,
            body=body,
            body_html=render_markdown(body),
            author=admin,
            note="Created",
        )
        ContentItem.objects.filter(pk=item.pk).update(latest_version=version, published_version=version)
        Enrollment.objects.create(
            course=course, user=student, source=Enrollment.Source.ASSIGNED, assigned_by=admin, total_items=1
        )
    item = ContentItem.objects.filter(course=course).order_by("module__position", "position").first()
    return {
        "branch": branch,
        "school_class": school_class,
        "student": student,
        "course": course,
        "item": item,
    }


def fill(n: int, label: str, *, admin) -> dict:
    """Add n of every listed object (see the module docstring) in the current schema; returns targets()."""
    from apps.accounts.models import RoleAssignment
    from apps.apikeys.models import ApiKey
    from apps.audit.models import AuditEntry
    from apps.courses.models import (
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
    from apps.courses.rendering import render_markdown
    from apps.hierarchy.models import Branch, SchoolClass
    from apps.imports.models import ImportJob

    User = get_user_model()
    base = _base(admin)
    now = timezone.now()
    rng = range(n)
    Branch.objects.bulk_create(Branch(code=f"{label}-b{i:03d}", name=f"Campus {label} {i:03d}") for i in rng)
    classes = SchoolClass.objects.bulk_create(
        SchoolClass(branch=base["branch"], name=f"Class {label} {i:03d}", term="2026") for i in rng
    )
    password = make_password(None)
    students = User.objects.bulk_create(
        User(
            email=f"{label}-s{i:03d}@bench.example.com",
            full_name=f"Student {label} {i:03d}",
            status="active",
            password=password,
        )
        for i in rng
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=s, role="student", branch=base["branch"], school_class=base["school_class"])
        for s in students
    )
    categories = Category.objects.bulk_create(
        Category(name=f"Topic {label} {i:03d}", slug=f"{label}-topic-{i:03d}") for i in rng
    )
    tags = Tag.objects.bulk_create(Tag(name=f"{label}-tag-{i:03d}") for i in rng)
    courses = Course.objects.bulk_create(
        Course(
            title=f"Course {label} {i:03d}",
            slug=f"{label}-course-{i:03d}",
            summary="An introduction with worked examples and practice.",
            description="Everything about **it**.",
            description_html="<p>Everything about <strong>it</strong>.</p>",
            category=categories[i],
            status=Course.Status.PUBLISHED,
            owner=admin,
            estimated_minutes=60,
            published_at=now,
        )
        for i in rng
    )
    through = Course.tags.through
    through.objects.bulk_create(
        through(course_id=c.pk, tag_id=t.pk)
        for i, c in enumerate(courses)
        for t in {tags[i], tags[(i + 1) % n]}
    )
    Enrollment.objects.bulk_create(
        Enrollment(
            course=c,
            user=base["student"],
            source=Enrollment.Source.ASSIGNED,
            assigned_by=admin,
            progress_percent=i % 100,
            total_items=0,
            last_activity_at=now,
        )
        for i, c in enumerate(courses)
    )
    # The base course: n more modules of one lesson each, its students, its rules, files and versions.
    course, item = base["course"], base["item"]
    start = Module.objects.filter(course=course).count()
    modules = Module.objects.bulk_create(
        Module(course=course, title=f"Module {label} {i:03d}", position=start + i) for i in rng
    )
    items = ContentItem.objects.bulk_create(
        ContentItem(module=m, course=course, kind="text", position=0, title=f"Lesson {label} {i:03d}")
        for i, m in enumerate(modules)
    )
    html = render_markdown(BODY.format(title="Lesson"))
    versions = ContentVersion.objects.bulk_create(
        ContentVersion(item=it, number=1, title=it.title, body=BODY, body_html=html, author=admin)
        for it in items
    )
    for it, v in zip(items, versions, strict=True):
        it.latest_version, it.published_version = v, v
    ContentItem.objects.bulk_update(items, ["latest_version", "published_version"])
    total = ContentItem.objects.filter(course=course).count()
    Enrollment.objects.filter(course=course).update(total_items=total)
    Enrollment.objects.bulk_create(
        Enrollment(
            course=course, user=s, source=Enrollment.Source.ASSIGNED, assigned_by=admin, total_items=total
        )
        for s in students
    )
    ItemProgress.objects.bulk_create(
        ItemProgress(
            user=base["student"],
            item=it,
            course=course,
            completed_at=now if i % 2 else None,
            time_spent_seconds=60 + i,
        )
        for i, it in enumerate(items)
    )
    EnrollmentRule.objects.bulk_create(
        EnrollmentRule(course=course, school_class=c, created_by=admin) for c in classes
    )
    number = ContentVersion.objects.filter(item=item).order_by("-number").values_list("number", flat=True)[0]
    ContentVersion.objects.bulk_create(
        ContentVersion(
            item=item,
            number=number + 1 + i,
            title=f"Lesson base (draft {label} {i:03d})",
            body=BODY,
            body_html=html,
            author=admin,
            note=f"Edit {i}",
        )
        for i in rng
    )
    MediaFile.objects.bulk_create(
        MediaFile(
            course=course,
            item=item,
            file=f"courses/{course.pk}/{label}-{i:03d}.png",
            original_name=f"figure-{label}-{i:03d}.png",
            content_type="image/png",
            size=68,
            sha256="0" * 64,
            uploaded_by=admin,
        )
        for i in rng
    )
    ApiKey.objects.bulk_create(
        ApiKey(
            name=f"Key {label} {i:03d}",
            prefix=f"{label[:4]}{i:04d}"[:16],
            key_hash=make_password(None),
            last_four="abcd",
            scopes=["courses:read"],
            created_by=admin,
        )
        for i in rng
    )
    ImportJob.objects.bulk_create(
        ImportJob(
            created_by=admin,
            created_by_email=admin.email,
            filename=f"people-{label}-{i:03d}.csv",
            file_format="csv",
            size_bytes=120,
            source=b"email,full_name\n",
            status="completed",
            total_rows=1,
            processed_rows=1,
            created_count=1,
            finished_at=now,
        )
        for i in rng
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=admin,
            actor_email=admin.email,
            action="course.updated",
            target_type="course",
            target_id=str(course.pk),
            target_repr=course.title,
            changes={"title": ["old", "new"]},
        )
        for _ in rng
    )
    fill_assessments(n, label, admin=admin, base=base, students=students, courses=courses)
    fill_certificates(n, label, admin=admin, base=base, courses=courses)
    fill_templates(n, label, admin=admin)
    fill_badges(n, label, admin=admin, base=base, students=students)
    return targets(admin)


def targets(admin) -> dict:
    """Values for the cost table's placeholders (the base objects), in the current schema."""
    from django.db import connection

    from apps.apikeys.models import ApiKey
    from apps.courses.models import ContentVersion, EnrollmentRule, MediaFile
    from apps.imports.models import ImportJob
    from tenants.models import Organization

    base = _base(admin)
    course, item, student = base["course"], base["item"], base["student"]
    from apps.courses.models import Category, Enrollment, Module, Tag

    return {
        "org_id": Organization.objects.values_list("pk", flat=True).get(schema_name=connection.schema_name),
        "branch_id": base["branch"].pk,
        "class_id": base["school_class"].pk,
        "user_id": student.pk,
        "admin_id": admin.pk,
        "api_key_id": ApiKey.objects.order_by("pk").values_list("pk", flat=True).first(),
        "import_id": ImportJob.objects.order_by("pk").values_list("pk", flat=True).first(),
        "course_id": course.pk,
        "module_id": Module.objects.filter(course=course)
        .order_by("position")
        .values_list("pk", flat=True)[0],
        "content_id": item.pk,
        "version_number": ContentVersion.objects.filter(item=item)
        .order_by("number")
        .values_list("number", flat=True)[0],
        "media_id": MediaFile.objects.filter(course=course)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
        "enrollment_id": Enrollment.objects.get(course=course, user=student).pk,
        "rule_id": EnrollmentRule.objects.filter(course=course).values_list("pk", flat=True).first(),
        "category_id": Category.objects.order_by("pk").values_list("pk", flat=True).first(),
        "tag_id": Tag.objects.order_by("pk").values_list("pk", flat=True).first(),
        "student_id": student.pk,
        **(quiz := assessment_targets(admin, base)),
        **certificate_targets(admin, base, quiz_id=quiz["quiz_id"]),
        **template_targets(admin),
        **badge_targets(admin, base),
    }


ESSAY = {"min_words": None, "max_words": None, "template": "", "grader_info": "", "format": "html"}


def _assessment_base(admin, base) -> dict:
    """The assessments' base objects, made once: the bank category `Cost bank` of the base course with a
    choice and an essay question, the quiz `Cost quiz` (both questions) and the empty quiz `Cost quiz
    builder` in the base module, and the base student's attempts of `Cost quiz`: one finished, one open
    (and the Org Admin's open preview)."""
    from apps.assessments.attempts import services as attempts
    from apps.assessments.baker_recipes import make_question, make_quiz
    from apps.assessments.models import Assessment, Attempt, QuestionCategory
    from apps.courses.models import ContentItem, Enrollment

    course, student = base["course"], base["student"]
    category = QuestionCategory.objects.filter(course=course, name="Cost bank").first()
    if category is None:
        category = QuestionCategory.objects.create(course=course, name="Cost bank")
        capital = make_question(category=category, name="Cost capital", created_by=admin)
        essay = make_question(
            category=category, qtype="essay", data=ESSAY, name="Cost essay", created_by=admin
        )
        module = base["item"].module
        quiz = make_quiz(module=module, questions=[capital, essay], title="Cost quiz")
        make_quiz(module=module, title="Cost quiz builder")
        Enrollment.objects.filter(course=course).update(
            total_items=ContentItem.objects.filter(course=course).count()
        )
        attempt = attempts.attempt_start(actor=student, assessment=quiz).attempt
        attempts.attempt_submit(
            actor=student, attempt=attempt, responses={1: {"choice": "a"}, 2: {"text": "<p>An essay.</p>"}}
        )
        attempts.attempt_start(actor=student, assessment=quiz)  # and a second one, open
        attempts.attempt_start(actor=admin, assessment=quiz, preview=True)  # the Org Admin's preview
    quiz = Assessment.objects.get(course=course, item__title="Cost quiz")
    return {
        "category": category,
        "question": category.questions.order_by("pk").first(),
        "quiz": quiz,
        "builder": Assessment.objects.get(course=course, item__title="Cost quiz builder"),
        "attempt": Attempt.objects.filter(assessment=quiz, user=student).order_by("pk").first(),
        "open": Attempt.objects.filter(
            assessment=quiz, user=student, state=Attempt.State.IN_PROGRESS
        ).first(),
        "preview": Attempt.objects.filter(assessment=quiz, user=admin, preview=True).first(),
    }


def fill_assessments(n: int, label: str, *, admin, base, students, courses) -> None:
    """n question categories of the base course, n questions of `Cost bank` (each a slot of `Cost quiz
    builder`), n versions of its first question, n quizzes (one in a new module of each new course), n
    overrides and n finished attempts of `Cost quiz` (one per new student: an essay to grade each) and n
    import jobs."""
    from apps.assessments.attempts import services as attempts
    from apps.assessments.baker_recipes import make_question, make_quiz
    from apps.assessments.models import Override, QuestionCategory, QuestionVersion, Slot, TransferJob
    from apps.courses.models import Module

    a = _assessment_base(admin, base)
    rng = range(n)
    QuestionCategory.objects.bulk_create(
        QuestionCategory(course=base["course"], name=f"Bank {label} {i:03d}") for i in rng
    )
    questions = [make_question(category=a["category"], name=f"Question {label} {i:03d}") for i in rng]
    start = a["builder"].slots.count()
    Slot.objects.bulk_create(
        Slot(assessment=a["builder"], position=start + 1 + i, page=start + 1 + i, question=q, mark=1)
        for i, q in enumerate(questions)
    )
    question = a["question"]
    latest = question.latest_version
    number = question.versions.order_by("-number").values_list("number", flat=True)[0]
    versions = QuestionVersion.objects.bulk_create(
        QuestionVersion(
            question=question,
            number=number + 1 + i,
            qtype=latest.qtype,
            name=latest.name,
            text=latest.text,
            default_mark=latest.default_mark,
            penalty=latest.penalty,
            hints=latest.hints,
            data=latest.data,
            created_by=admin,
        )
        for i in rng
    )
    type(question).objects.filter(pk=question.pk).update(latest_version=versions[-1])
    modules = Module.objects.bulk_create(Module(course=c, title="Quizzes", position=0) for c in courses)
    for i, module in enumerate(modules):
        make_quiz(module=module, questions=[question], title=f"Quiz {label} {i:03d}")
    Override.objects.bulk_create(
        Override(assessment=a["quiz"], user=s, time_limit=600 + i) for i, s in enumerate(students)
    )
    for s in students:
        attempt = attempts.attempt_start(actor=s, assessment=a["quiz"]).attempt
        attempts.attempt_submit(
            actor=s, attempt=attempt, responses={1: {"choice": "b"}, 2: {"text": f"<p>{s.full_name}</p>"}}
        )
    TransferJob.objects.bulk_create(
        TransferJob(
            file_format="gift",
            status="completed",
            filename=f"bank-{label}-{i:03d}.gift",
            size_bytes=40,
            data=b"::Q:: What is 2+2? {=4 ~3 ~5}\n",
            category=a["category"],
            course=base["course"],
            total=1,
            processed=1,
            created_count=1,
            report=[{"ref": "line 1", "name": "Q", "outcome": "created", "reason": "", "question_id": None}],
            created_by=admin,
            finished_at=timezone.now(),
        )
        for i in rng
    )


def assessment_targets(admin, base) -> dict:
    from apps.assessments.models import Override, TransferJob

    a = _assessment_base(admin, base)
    return {
        "bank_category_id": a["category"].pk,
        "question_id": a["question"].pk,
        "quiz_id": a["quiz"].pk,
        "quiz_builder_id": a["builder"].pk,
        "slot_id": a["quiz"].slots.order_by("position").values_list("pk", flat=True)[0],
        "override_id": Override.objects.filter(assessment=a["quiz"])
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
        "attempt_id": a["attempt"].pk,
        "attempt_open_id": a["open"].pk,
        "attempt_preview_id": a["preview"].pk,
        "question_import_id": TransferJob.objects.order_by("pk").values_list("pk", flat=True).first(),
    }
