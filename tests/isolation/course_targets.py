"""Course objects of one organization for the isolation and role matrices, with ids no other organization
uses (1,000,000 + the organization's id, as in registry._hierarchy_ids), made once per test database.

In each org: an organization-wide published course owned by the Org Admin (so every role of the org can see
it) with a module, a published text lesson and a published file lesson with its media file; a category and
a tag; the named student (if any) and the isolation person enrolled; the isolation person's progress; an
enrollment rule for the isolation class; and a second published course with no learner history, for
endpoints that delete. Names start with the org's name, so a leak of globex's shows "Globex".
"""

from django.core.files.base import ContentFile

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def course_ids(organization) -> dict[str, str]:
    """Call inside the organization's schema (registry.targets does)."""
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

    pk = 1_000_000 + organization.pk
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
        spare = Course.objects.create(
            pk=pk + 1,
            title=f"{name} spare course",
            slug="isolation-spare",
            status=Course.Status.PUBLISHED,
            owner=admin,
        )
        spare_module = Module.objects.create(pk=pk + 1, course=spare, title=f"{name} spare module")
        spare_item = ContentItem.objects.create(
            pk=pk + 2, module=spare_module, course=spare, kind="text", title=f"{name} spare lesson"
        )
        spare_version = ContentVersion.objects.create(
            pk=pk + 2, item=spare_item, number=1, title=f"{name} spare lesson", author=admin
        )
        ContentItem.objects.filter(pk=spare_item.pk).update(
            latest_version=spare_version, published_version=spare_version
        )
        isolation_person = User.objects.get(pk=pk)
        isolation_class = SchoolClass.objects.get(pk=pk)
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
        "learner_id": str(pk),
    }
