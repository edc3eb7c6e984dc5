"""`manage.py seed_demo` (what `make run` runs) gives acme realistic courses and learners part-way through
them, through the services; running it again changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from apps.audit.models import AuditEntry
from apps.courses import selectors
from apps.courses.media import inspect_upload
from apps.courses.models import (
    ContentItem,
    ContentVersion,
    Course,
    Enrollment,
    EnrollmentRule,
    ItemProgress,
    MediaFile,
)
from apps.demo.courses import DEMO_COURSES, worksheet_pdf
from apps.events.models import Event
from tests.conftest import in_org, person

from .conftest import upload

pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture
def seeded(demo_seed, acme, globex):
    """The demo, seeded once for this module (tests/conftest.py: demo_seed); each test's changes are undone."""
    return demo_seed


def snapshot(organization) -> dict:
    with in_org(organization):
        return {
            "courses": sorted(Course.objects.values_list("slug", "status", "updated_at")),
            "items": sorted(
                ContentItem.objects.values_list("pk", "position", "updated_at", "published_version_id")
            ),
            "versions": ContentVersion.objects.count(),
            "media": sorted(MediaFile.objects.values_list("file", "size")),
            "rules": sorted(EnrollmentRule.objects.values_list("course__slug", "school_class_id", "due_at")),
            "enrollments": sorted(
                Enrollment.objects.values_list(
                    "course__slug", "user__email", "status", "progress_percent", "due_at", "last_activity_at"
                )
            ),
            "progress": sorted(
                ItemProgress.objects.values_list("pk", "completed_at", "time_spent_seconds", "updated_at")
            ),
            "events": sorted(Event.objects.values_list("key", "dispatched_at")),
            "audit": AuditEntry.objects.count(),
        }


def test_acme_gets_published_courses_with_mixed_content(acme, seeded):
    with in_org(acme):
        courses = {
            c.slug: c
            for c in Course.objects.prefetch_related("branches", "tags").select_related("category", "owner")
        }
        demo = {spec.slug: spec for spec in DEMO_COURSES["acme"]}
        assert set(demo) <= set(courses)
        published = [slug for slug in demo if courses[slug].status == "published"]
        assert len(published) == 4
        assert courses["quadratic-equations"].status == "draft"
        assert courses["quadratic-equations"].owner.email == "teacher@acme.example.com"
        assert list(courses["quadratic-equations"].prerequisites.values_list("slug", flat=True)) == [
            "algebra-foundations"
        ]
        assert {b.code for b in courses["algebra-foundations"].branches.all()} == {"north"}
        assert {b.code for b in courses["cells-the-units-of-life"].branches.all()} == {"south"}
        assert list(courses["study-skills-that-stick"].branches.all()) == []  # the whole organization
        assert courses["algebra-foundations"].category.name == "Mathematics"
        assert {t.name for t in courses["algebra-foundations"].tags.all()} == {
            "algebra",
            "equations",
            "year 7",
        }

        kinds = set(ContentItem.objects.filter(course__slug__in=published).values_list("kind", flat=True))
        assert kinds == {"text", "video", "file", "link", "quiz"}  # the quiz: apps/demo/assessments.py
        for slug in published:
            course = courses[slug]
            outline = selectors.course_outline(course=course, viewer=course.owner, as_learner=True)
            assert len(outline) >= 2
            assert all(i.is_published for m in outline for i in m.items.all())

        video = ContentItem.objects.get(course__slug="algebra-foundations", kind="video").published_version
        assert video.embed_url.startswith("https://www.youtube-nocookie.com/embed/")
        lesson = ContentItem.objects.get(title="Balancing both sides").published_version
        assert "<table>" in lesson.body_html
        assert len(lesson.body) > 500


def test_uploaded_demo_files_are_real_files_of_their_type_in_acmes_storage(acme, seeded):
    with in_org(acme):
        files = {m.original_name: m for m in MediaFile.objects.all()}

        assert {name: m.content_type for name, m in files.items()} == {
            "equations-worksheet.pdf": "application/pdf",
            "animal-cell.png": "image/png",
        }
        for media in files.values():
            assert media.file.name.startswith("acme/media/")
            data = media.file.read()
            assert len(data) == media.size
            assert data.startswith((b"%PDF-1.4", b"\x89PNG"))
            assert media.versions.filter(item__published_version__media=media).exists()


def test_the_worksheet_pdf_is_well_formed():
    pdf = worksheet_pdf("Title (with brackets)", ["Line one", "x + 9 = 21"])

    assert inspect_upload(upload("w.pdf", pdf)).content_type == "application/pdf"
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref:].startswith(b"xref\n0 6\n")
    for line in pdf[xref:].split(b"\n")[3:8]:  # each object's offset points at its header
        offset, number = int(line[:10]), pdf[xref:].split(b"\n")[3:8].index(line) + 1
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
    assert b"(Title \\(with brackets\\)) Tj" in pdf
    assert pdf.endswith(b"%%EOF\n")


def test_learners_are_part_way_through(acme, seeded):
    with in_org(acme):
        student = person(acme, "student")
        mine = {e.course.slug: e for e in selectors.my_learning(viewer=student)}

        algebra = mine["algebra-foundations"]
        # 4 of its 9 lessons: the 8 of the course and the quiz closing it (apps/demo/assessments.py)
        assert (algebra.status, algebra.source, algebra.progress_percent) == ("active", "class", 44)
        assert algebra.due_at is not None
        rule = EnrollmentRule.objects.get(course__slug="algebra-foundations")
        assert rule.school_class.name == "Algebra 1"
        assert rule.due_at == algebra.due_at

        skills = Enrollment.objects.get(course__slug="study-skills-that-stick", user=student)
        assert (skills.status, skills.progress_percent, skills.source) == ("completed", 100, "self")
        # The certificates step has three classmates finish Algebra Foundations too (apps/demo/certificates.py).
        event = Event.objects.get(name="course.completed", payload__user_id=student.pk)
        assert event.payload["enrollment_id"] == skills.pk
        assert event.actor_id == student.pk

        south = person(acme, "south-student")
        cells = Enrollment.objects.get(course__slug="cells-the-units-of-life", user=south)
        assert (cells.status, cells.source, cells.completed_items) == ("active", "class", 1)
        assert 0 < cells.progress_percent < 100
        assert not Enrollment.objects.filter(course__slug="cells-the-units-of-life", user=student).exists()

        # the teacher sees their class's progress; the course is where a student resumes
        outline = selectors.course_outline(course=algebra.course, viewer=student)
        resume = selectors.resume_item(user=student, course=algebra.course, outline=outline)
        assert resume.title == "Worksheet: one- and two-step equations"
        assert (
            selectors.course_analytics(viewer=person(acme, "teacher"), course=algebra.course).average_progress
            > 0
        )


def test_globex_gets_its_own_course(globex, seeded):
    with in_org(globex):
        assert list(Course.objects.values_list("slug", "status")) == [("laboratory-safety", "published")]
        assert Enrollment.objects.filter(
            course__slug="laboratory-safety", user__email="student@globex.example.com"
        ).exists()


def test_the_command_says_what_it_created(seeded):
    assert "acme: course 'Algebra Foundations'" in seeded
    assert "globex: course 'Laboratory Safety'" in seeded


def test_running_it_again_changes_nothing(acme, globex, seeded):
    before = {org.slug: snapshot(org) for org in (acme, globex)}

    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert {org.slug: snapshot(org) for org in (acme, globex)} == before
    assert "course '" not in out.getvalue()


def test_a_course_someone_renamed_is_left_alone(acme, acme_admin, seeded):
    from apps.courses import services

    with in_org(acme):
        course = Course.objects.get(slug="physics-motion-and-forces")
        services.course_update(actor=acme_admin, course=course, title="Physics (our version)")

    call_command("seed_demo", stdout=StringIO())

    with in_org(acme):
        assert Course.objects.get(slug="physics-motion-and-forces").title == "Physics (our version)"
        assert Course.objects.filter(title__startswith="Physics").count() == 1


def test_a_demo_lesson_is_written_in_the_rich_text_editor_and_kept_as_written(acme, seeded):
    from apps.courses.rendering import sanitize_html

    with in_org(acme):
        version = ContentVersion.objects.get(
            item__title="A sample timetable", item__course__slug="study-skills-that-stick"
        )

    assert version.body_format == "html"
    assert sanitize_html(version.body) == version.body
    for tag in ("<table>", "<th>", "<ol>", "<ul>", "<h2>", "<a href="):
        assert tag in version.body
