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
    n import jobs and n audit entries.

`targets()` names the base objects for the cost table's placeholders.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

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
    }
