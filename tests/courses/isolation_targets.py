"""Course objects of one organization for the isolation and role matrices, with ids no other organization
uses (2,000,000 + 10 x the organization's id; see course_ids), made once per test database.

In each org: an organization-wide published course owned by the Org Admin (so every role of the org can see
it) with a module, a published text lesson and a published file lesson with its media file; a category and
a tag; the named student (if any), the org's staff and the isolation person enrolled; the isolation person's
progress; an enrollment rule for the isolation class; and a second published course with no learner history,
for endpoints that delete, whose objects (see _spares) are put back before every call. Names start with the
org's name, so a leak of globex's shows "Globex".
"""

from django.core.files.base import ContentFile
from django.db.models import F

from tests.isolation.entries import PNG


def course_ids(organization) -> dict[str, str]:
    """Call inside the organization's schema (tests/isolation/registry.py: targets does)."""
    from apps.accounts.models import RoleAssignment, User
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
    from apps.hierarchy.models import SchoolClass
    from tests.hierarchy.isolation import hierarchy_ids

    # The hierarchy's isolation person and class have 1,000,000 + the org's id (tests/hierarchy/isolation.py);
    # course objects take ids 10 apart per org, so an org's "pk + 1" and "pk + 2" objects never carry the
    # id of another org's object (acme's spare course must not be globex's course_id).
    person_pk = int(hierarchy_ids(organization)["user_id"])  # the isolation person and class, made first
    pk = 2_000_000 + organization.pk * 10
    name = organization.name
    admin = RoleAssignment.objects.filter(role="org_admin").select_related("user").first().user
    category, _ = Category.objects.get_or_create(
        pk=pk, defaults={"name": f"{name} category", "slug": "isolation"}
    )
    tag, _ = Tag.objects.get_or_create(pk=pk, defaults={"name": f"{name} tag"})
    course = Course.objects.filter(pk=pk).first()
    if course is None:
        course = Course.objects.create(
            pk=pk,
            title=f"{name} isolation course",
            slug="isolation-course",
            summary=f"{name} summary",
            category=category,
            status=Course.Status.PUBLISHED,
            owner=admin,
        )
        course.tags.set([tag])
        module = Module.objects.create(pk=pk, course=course, title=f"{name} module", position=0)
        text = ContentItem.objects.create(
            pk=pk, module=module, course=course, kind="text", title=f"{name} lesson", position=0
        )
        version = ContentVersion.objects.create(
            pk=pk,
            item=text,
            number=1,
            title=f"{name} lesson",
            body=f"{name} secret text",
            body_html=f"<p>{name} secret text</p>",
            author=admin,
        )
        ContentItem.objects.filter(pk=text.pk).update(latest_version=version, published_version=version)
        document = ContentItem.objects.create(
            pk=pk + 1, module=module, course=course, kind="file", title=f"{name} handout", position=1
        )
        media = MediaFile(
            pk=pk,
            course=course,
            item=document,
            original_name=f"{organization.slug}-handout.png",
            content_type="image/png",
            size=len(PNG),
            sha256="0" * 64,
            uploaded_by=admin,
        )
        media.file.save("handout.png", ContentFile(PNG), save=False)
        media.save()
        file_version = ContentVersion.objects.create(
            pk=pk + 1, item=document, number=1, title=f"{name} handout", media=media, author=admin
        )
        ContentItem.objects.filter(pk=document.pk).update(
            latest_version=file_version, published_version=file_version
        )
        isolation_person = User.objects.get(pk=person_pk)
        isolation_class = SchoolClass.objects.get(pk=person_pk)
        EnrollmentRule.objects.create(pk=pk, course=course, school_class=isolation_class, created_by=admin)
        Enrollment.objects.create(
            pk=pk,
            course=course,
            user=isolation_person,
            source="class",
            total_items=2,
            completed_items=1,
            progress_percent=50,
        )
        ItemProgress.objects.create(
            pk=pk, user=isolation_person, item=text, course=course, time_spent_seconds=60
        )
        student = User.objects.filter(email=f"student@{organization.slug}.example.com").first()
        if student is not None:
            Enrollment.objects.create(pk=pk + 1, course=course, user=student, source="self", total_items=2)
        # The org's staff are enrolled too, so every role of the role matrix may record progress on it.
        staff = [
            admin,
            *User.objects.filter(
                email__in=[f"{local}@{organization.slug}.example.com" for local in ("manager", "teacher")]
            ),
        ]
        Enrollment.objects.bulk_create(
            [Enrollment(course=course, user=user, source="self", total_items=2) for user in staff]
        )
    return {
        "category_id": str(pk),
        "tag_id": str(pk),
        "course_id": str(pk),
        "spare_course_id": str(pk + 1),
        "module_id": str(pk),
        "content_id": str(pk),
        "file_content_id": str(pk + 1),
        "version_number": "1",
        "media_id": str(pk),
        "enrollment_id": str(pk),
        "student_enrollment_id": str(pk + 1),
        "rule_id": str(pk),
        "learner_id": str(person_pk),
        **_spares(organization, pk, admin),
    }


def _spares(organization, pk: int, admin) -> dict[str, str]:
    """What a call of the matrices uses up or changes, put back as it was before each call (a test that calls
    twice, or calls after the Org Admin deleted, unpublished or archived the spare course, still finds it
    published): a published organization-wide course with a cover, a module holding a published lesson, a
    course-level file no version uses, and an enrollment rule for the student's class."""
    from apps.accounts.models import RoleAssignment
    from apps.courses.models import ContentItem, ContentVersion, Course, EnrollmentRule, MediaFile, Module

    name = organization.name
    cover = _stored(f"{organization.schema_name}/isolation/cover.png")
    spare, _ = Course.objects.get_or_create(
        pk=pk + 1,
        defaults={
            "title": f"{name} spare course",
            "slug": "isolation-spare",
            "status": Course.Status.PUBLISHED,
            "owner": admin,
            "cover": cover,
        },
    )
    Course.objects.filter(pk=spare.pk).update(status=Course.Status.PUBLISHED, cover=cover)
    module, _ = Module.objects.get_or_create(
        pk=pk + 1, defaults={"course": spare, "title": f"{name} spare module"}
    )
    item = ContentItem.objects.filter(pk=pk + 2).first()
    if item is None:
        item = ContentItem.objects.create(
            pk=pk + 2, module=module, course=spare, kind="text", title=f"{name} spare lesson"
        )
        version = ContentVersion.objects.create(
            pk=pk + 2, item=item, number=1, title=f"{name} spare lesson", author=admin
        )
        ContentItem.objects.filter(pk=item.pk).update(latest_version=version)
    ContentItem.objects.filter(pk=item.pk).update(published_version=F("latest_version"))
    MediaFile.objects.get_or_create(
        pk=pk + 1,
        defaults={
            "course": spare,
            "file": _stored(f"{organization.schema_name}/isolation/spare.png"),
            "original_name": f"{organization.slug}-spare.png",
            "content_type": "image/png",
            "size": len(PNG),
            "sha256": "0" * 64,
            "uploaded_by": admin,
        },
    )
    home = (
        RoleAssignment.objects.filter(
            user__email=f"student@{organization.slug}.example.com", role="student", school_class__isnull=False
        )
        .order_by("pk")
        .first()
    )
    values = {
        "spare_module_id": str(pk + 1),
        "spare_content_id": str(pk + 2),
        "spare_media_id": str(pk + 1),
    }
    if home is not None:
        EnrollmentRule.objects.get_or_create(
            pk=pk + 1,
            defaults={"course": spare, "school_class_id": home.school_class_id, "created_by": admin},
        )
        values["spare_rule_id"] = str(pk + 1)
    return values


def _stored(name: str) -> str:
    """A small PNG at `name` in the default storage (written once, kept between test runs)."""
    from django.core.files.storage import default_storage

    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(PNG))
    return name
