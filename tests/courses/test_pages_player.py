"""The lesson player (/courses/<id>/learn/...): resuming, each kind of lesson rendered safely, previous and
next, marking complete without JavaScript, the progress heartbeats of lesson_player.js, the editors'
preview (nothing recorded), and the files lessons open (never from another organization's host)."""

import json

import pytest

from apps.courses import services
from apps.courses.models import ContentItem, Enrollment, ItemProgress
from tests.conftest import browser_for, in_org, person
from tests.courses.conftest import MP4_BYTES, PDF_BYTES, PNG_BYTES, build_course, upload

pytestmark = pytest.mark.django_db

HOSTILE = (
    "Intro <script>alert('xss')</script> text\n\n"
    '<img src="x" onerror="alert(1)"> <a href="javascript:alert(2)">click</a> '
    '<iframe src="https://evil.example.com"></iframe> <svg onload="alert(3)"></svg> '
    "<style>body{display:none}</style> [md link](javascript:alert(4)) **safe bold**"
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def page_as(acme, local):
    return browser_for(acme, person(acme, local))


def body_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def lessons_of(acme, course):
    with in_org(acme):
        return list(
            ContentItem.objects.filter(course=course, published_version__isnull=False)
            .select_related("published_version")
            .order_by("module__position", "position")
        )


@pytest.fixture
def enrolled(acme, acme_course, acme_student):
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
    return page_as(acme, "student")


def lesson_url(course, item, suffix=""):
    return f"/courses/{course.pk}/learn/{item.pk}/{suffix}"


def add_lesson(acme, course, kind, title, **values):
    teacher = person(acme, "teacher")
    with in_org(acme):
        module = course.modules.order_by("position").first()
        item = services.content_create(actor=teacher, module=module, kind=kind, title=title, **values)
        services.version_publish(actor=teacher, item=item, version=item.latest_version)
        return item


# --- opening lessons ---------------------------------------------------------------------------------------


def test_learn_opens_the_first_lesson_then_where_the_learner_left_off(
    acme, acme_course, acme_student, enrolled
):
    lessons = lessons_of(acme, acme_course)

    first = enrolled.get(f"/courses/{acme_course.pk}/learn/")
    with in_org(acme):
        services.progress_record(actor=acme_student, item=lessons[0], completed=True)
        services.progress_record(actor=acme_student, item=lessons[2], time_spent_seconds=10)
    later = enrolled.get(f"/courses/{acme_course.pk}/learn/")

    assert first["Location"] == lesson_url(acme_course, lessons[0])
    assert later["Location"] == lesson_url(acme_course, lessons[2])


def test_a_learner_who_is_not_enrolled_is_sent_to_the_course_page(acme, acme_course):
    lesson = lessons_of(acme, acme_course)[0]
    student = page_as(acme, "student")

    response = student.get(lesson_url(acme_course, lesson))
    resume = student.get(f"/courses/{acme_course.pk}/learn/")

    assert response.status_code == 302
    assert response["Location"] == f"/courses/{acme_course.pk}/"
    assert resume["Location"] == f"/courses/{acme_course.pk}/"


def test_another_branch_learner_gets_404(acme, acme_course):
    lesson = lessons_of(acme, acme_course)[0]

    response = page_as(acme, "south-student").get(lesson_url(acme_course, lesson))

    assert response.status_code == 404


def test_an_unpublished_lesson_or_another_courses_lesson_is_404(acme, acme_course, acme_teacher, enrolled):
    other = build_course(acme, title="Other course")
    with in_org(acme):
        draft = services.content_create(
            actor=acme_teacher, module=acme_course.modules.first(), kind="text", title="Draft lesson"
        )
    foreign = lessons_of(acme, other)[0]

    assert enrolled.get(lesson_url(acme_course, draft)).status_code == 404
    assert enrolled.get(lesson_url(acme_course, foreign)).status_code == 404
    assert enrolled.get(f"/courses/{acme_course.pk}/learn/999999/").status_code == 404


def test_the_player_shows_outline_position_progress_and_previous_next(acme, acme_course, enrolled):
    lessons = lessons_of(acme, acme_course)

    body = body_of(enrolled.get(lesson_url(acme_course, lessons[1])))

    assert "Lesson 2 of 4" in body
    assert '<h1 id="lesson-title">Lesson 1.2</h1>' in body
    assert f'rel="prev" href="{lesson_url(acme_course, lessons[0])}"' in body
    assert f'rel="next" href="{lesson_url(acme_course, lessons[2])}"' in body
    assert f'href="{lesson_url(acme_course, lessons[1])}" aria-current="page"' in body
    assert 'id="course-progress" max="100" value="0"' in body
    assert "Mark as complete and continue" in body
    assert f'data-progress-url="/courses/{acme_course.pk}/learn/{lessons[1].pk}/progress"' in body


def test_the_player_shows_the_published_version_not_the_latest_draft(
    acme, acme_course, acme_teacher, enrolled
):
    lesson = lessons_of(acme, acme_course)[0]
    with in_org(acme):
        services.content_update(actor=acme_teacher, item=lesson, body="Unpublished rewrite")

    body = body_of(enrolled.get(lesson_url(acme_course, lesson)))

    assert "Some <em>text</em>." in body
    assert "Unpublished rewrite" not in body


# --- each kind, rendered safely ----------------------------------------------------------------------------


def test_hostile_html_in_a_lesson_never_reaches_the_page_as_script(acme, acme_course, enrolled):
    markdown = add_lesson(acme, acme_course, "text", "Hostile markdown", body=HOSTILE)
    html = add_lesson(acme, acme_course, "text", "Hostile HTML", body=HOSTILE, body_format="html")

    for item in (markdown, html):
        body = body_of(enrolled.get(lesson_url(acme_course, item)))
        lesson = body.split('id="lesson-title"')[1].split('class="lesson-footer"')[0]
        assert "<script>alert" not in lesson
        assert "onerror" not in lesson
        assert "onload" not in lesson
        assert 'href="javascript:' not in lesson.replace(" ", "")
        assert "evil.example.com" not in lesson
        assert "<iframe" not in lesson
        assert "<style>" not in lesson
        assert "<svg" not in lesson
        assert "Intro" in lesson
    assert "<strong>safe bold</strong>" in body_of(enrolled.get(lesson_url(acme_course, markdown)))


def test_a_video_with_an_allowed_url_is_an_iframe_of_the_providers_player(acme, acme_course, enrolled):
    item = add_lesson(
        acme, acme_course, "video", "Watch this", video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    )

    body = body_of(enrolled.get(lesson_url(acme_course, item)))

    assert '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in body
    assert "youtube.com/watch" not in body
    assert body.count("<iframe") == 1


def test_an_uploaded_video_is_a_video_element_that_resumes(
    acme, acme_course, acme_teacher, acme_student, enrolled
):
    with in_org(acme):
        media = services.media_upload(
            actor=acme_teacher, course=acme_course, upload=upload("clip.mp4", MP4_BYTES)
        )
    item = add_lesson(acme, acme_course, "video", "Uploaded clip", media=media.pk, duration_seconds=60)
    with in_org(acme):
        services.progress_record(actor=acme_student, item=item, position_seconds=42)

    body = body_of(enrolled.get(lesson_url(acme_course, item)))

    assert f'src="/courses/{acme_course.pk}/media/{media.pk}/" data-resume="42"' in body
    assert "<iframe" not in body
    assert 'data-position="42"' in body


def test_a_file_lesson_links_to_its_download(acme, acme_course, acme_teacher, enrolled):
    with in_org(acme):
        media = services.media_upload(
            actor=acme_teacher, course=acme_course, upload=upload("worksheet.pdf", PDF_BYTES)
        )
    item = add_lesson(acme, acme_course, "file", "Worksheet", media=media.pk, body="Print it.")

    body = body_of(enrolled.get(lesson_url(acme_course, item)))
    download = enrolled.get(f"/courses/{acme_course.pk}/media/{media.pk}/?download=1")

    assert (
        f'href="/courses/{acme_course.pk}/media/{media.pk}/?download=1" download>Download worksheet.pdf'
        in body
    )
    assert "<p>Print it.</p>" in body
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_a_link_lesson_opens_outside_without_the_referrer(acme, acme_course, enrolled):
    item = add_lesson(acme, acme_course, "link", "Read more", url="https://example.org/reading")

    body = body_of(enrolled.get(lesson_url(acme_course, item)))

    assert (
        '<a class="button primary" href="https://example.org/reading" target="_blank" rel="noopener noreferrer">'
        in body
    )


def test_a_quiz_lesson_shows_its_text(acme, acme_course, acme_teacher, enrolled):
    item = add_lesson(acme, acme_course, "quiz", "Check yourself", body="Answer the questions on paper.")

    body = body_of(enrolled.get(lesson_url(acme_course, item)))

    assert "<p>Answer the questions on paper.</p>" in body
    assert "assessment" not in body.lower()


# --- marking complete (a plain form) -----------------------------------------------------------------------


def test_marking_complete_moves_on_and_the_last_one_completes_the_course(
    acme, acme_course, acme_student, enrolled
):
    lessons = lessons_of(acme, acme_course)

    steps = [
        enrolled.post(lesson_url(acme_course, lesson, "complete/"), {"completed": "true"})
        for lesson in lessons
    ]

    assert [step["Location"] for step in steps] == [
        lesson_url(acme_course, lessons[1]),
        lesson_url(acme_course, lessons[2]),
        lesson_url(acme_course, lessons[3]),
        f"/courses/{acme_course.pk}/",
    ]
    with in_org(acme):
        enrollment = Enrollment.objects.get(course=acme_course, user=acme_student)
    assert (enrollment.status, enrollment.progress_percent) == ("completed", 100)
    body = body_of(enrolled.get(f"/courses/{acme_course.pk}/"))
    assert "You have completed Algebra Basics." in body
    done = body_of(enrolled.get(lesson_url(acme_course, lessons[0])))
    assert '<span class="status status-active" id="lesson-status">Completed</span>' in done
    assert "Mark as not complete" in done


def test_marking_not_complete_undoes_it(acme, acme_course, acme_student, enrolled):
    lesson = lessons_of(acme, acme_course)[0]
    enrolled.post(lesson_url(acme_course, lesson, "complete/"), {"completed": "true"})

    response = enrolled.post(lesson_url(acme_course, lesson, "complete/"), {"completed": "false"})

    assert response["Location"] == lesson_url(acme_course, lesson)
    with in_org(acme):
        assert ItemProgress.objects.get(user=acme_student, item=lesson).completed_at is None
        assert Enrollment.objects.get(course=acme_course, user=acme_student).progress_percent == 0


def test_marking_complete_without_an_enrollment_records_nothing(acme, acme_course):
    lesson = lessons_of(acme, acme_course)[0]

    response = page_as(acme, "student").post(lesson_url(acme_course, lesson, "complete/"))

    assert response["Location"] == f"/courses/{acme_course.pk}/"
    with in_org(acme):
        assert not ItemProgress.objects.exists()


# --- the heartbeat endpoint of lesson_player.js ------------------------------------------------------------


def test_heartbeats_record_time_and_position_as_json_or_form(acme, acme_course, acme_student, enrolled):
    lesson = lessons_of(acme, acme_course)[0]
    url = lesson_url(acme_course, lesson, "progress")

    as_json = enrolled.post(
        url, json.dumps({"time_spent_seconds": 40, "position_seconds": 12}), content_type="application/json"
    )
    as_form = enrolled.post(url, {"time_spent_seconds": "25", "position_seconds": "30"})

    assert as_json.status_code == 200
    assert as_json.json() == {
        "recorded": True,
        "completed": False,
        "time_spent_seconds": 40,
        "position_seconds": 12,
        "progress_percent": 0,
        "status": "active",
    }
    # Time is a running total: a smaller one (an older tab) never lowers it; the position follows.
    assert (as_form.json()["time_spent_seconds"], as_form.json()["position_seconds"]) == (40, 30)
    with in_org(acme):
        progress = ItemProgress.objects.get(user=acme_student, item=lesson)
    assert (progress.time_spent_seconds, progress.last_position_seconds) == (40, 30)


def test_a_heartbeat_may_complete_the_lesson(acme, acme_course, enrolled):
    lesson = lessons_of(acme, acme_course)[0]

    response = enrolled.post(
        lesson_url(acme_course, lesson, "progress"),
        json.dumps({"completed": True}),
        content_type="application/json",
    )

    assert response.json()["completed"] is True
    assert response.json()["progress_percent"] == 25


@pytest.mark.parametrize(
    "payload",
    [
        {"time_spent_seconds": -5},
        {"position_seconds": "soon"},
        {"completed": "maybe"},
        {"time_spent_seconds": True},
    ],
)
def test_bad_heartbeats_answer_400_and_change_nothing(acme, acme_course, payload, enrolled):
    lesson = lessons_of(acme, acme_course)[0]

    response = enrolled.post(
        lesson_url(acme_course, lesson, "progress"), json.dumps(payload), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    with in_org(acme):
        assert not ItemProgress.objects.exists()


def test_a_heartbeat_that_is_not_json_is_400(acme, acme_course, enrolled):
    lesson = lessons_of(acme, acme_course)[0]

    response = enrolled.post(
        lesson_url(acme_course, lesson, "progress"), "{nope", content_type="application/json"
    )

    assert response.status_code == 400


def test_a_heartbeat_without_an_enrollment_is_409(acme, acme_course):
    lesson = lessons_of(acme, acme_course)[0]

    response = page_as(acme, "student").post(
        lesson_url(acme_course, lesson, "progress"), {"time_spent_seconds": 5}
    )

    assert response.status_code == 409
    with in_org(acme):
        assert not ItemProgress.objects.exists()


# --- the editors' preview ----------------------------------------------------------------------------------


def test_an_editor_previews_the_learner_view_and_nothing_is_recorded(acme, acme_course, acme_teacher):
    lessons = lessons_of(acme, acme_course)
    with in_org(acme):
        services.content_update(actor=acme_teacher, item=lessons[0], body="Not yet published")
        services.content_create(
            actor=acme_teacher, module=acme_course.modules.first(), kind="text", title="Hidden draft"
        )
    teacher = page_as(acme, "teacher")

    start = teacher.get(f"/courses/{acme_course.pk}/learn/?preview=1")
    body = body_of(teacher.get(lesson_url(acme_course, lessons[0]) + "?preview=1"))
    complete = teacher.post(lesson_url(acme_course, lessons[0], "complete/?preview=1"), {"preview": "1"})
    beat = teacher.post(lesson_url(acme_course, lessons[0], "progress?preview=1"), {"time_spent_seconds": 9})

    assert start["Location"] == lesson_url(acme_course, lessons[0]) + "?preview=1"
    assert "Preview as learner." in body
    assert 'data-preview="1"' in body
    assert "Not yet published" not in body
    assert "Hidden draft" not in body
    assert "Mark as complete" not in body
    assert f'href="{lesson_url(acme_course, lessons[1])}?preview=1"' in body
    assert complete.status_code == 302
    assert beat.json() == {"recorded": False, "preview": True}
    with in_org(acme):
        assert not ItemProgress.objects.exists()
        assert not Enrollment.objects.filter(user=acme_teacher).exists()


def test_an_editor_who_is_not_enrolled_always_previews(acme, acme_course):
    lesson = lessons_of(acme, acme_course)[0]

    body = body_of(page_as(acme, "manager").get(lesson_url(acme_course, lesson)))

    assert "Preview as learner." in body


def test_preview_is_not_offered_to_learners(acme, acme_course, enrolled):
    lesson = lessons_of(acme, acme_course)[0]

    body = body_of(enrolled.get(lesson_url(acme_course, lesson) + "?preview=1"))

    assert "Preview as learner." not in body
    assert "Mark as complete" in body


# --- files ---------------------------------------------------------------------------------------------------


def test_learners_open_only_files_of_published_lessons(acme, acme_course, acme_teacher, enrolled):
    with in_org(acme):
        published = services.media_upload(
            actor=acme_teacher, course=acme_course, upload=upload("a.png", PNG_BYTES)
        )
        unpublished = services.media_upload(
            actor=acme_teacher, course=acme_course, upload=upload("b.png", PNG_BYTES)
        )
        services.content_create(
            actor=acme_teacher,
            module=acme_course.modules.first(),
            kind="file",
            title="Draft",
            media=unpublished.pk,
        )
    add_lesson(acme, acme_course, "file", "Picture", media=published.pk)

    shown = enrolled.get(f"/courses/{acme_course.pk}/media/{published.pk}/")
    hidden = enrolled.get(f"/courses/{acme_course.pk}/media/{unpublished.pk}/")
    as_editor = page_as(acme, "teacher").get(f"/courses/{acme_course.pk}/media/{unpublished.pk}/")

    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/png"
    assert "sandbox" in shown["Content-Security-Policy"]
    assert hidden.status_code == 404
    assert as_editor.status_code == 200


def test_a_file_is_404_under_another_course(acme, acme_course, acme_teacher, acme_admin):
    other = build_course(acme, title="Other")
    with in_org(acme):
        media = services.media_upload(
            actor=acme_teacher, course=acme_course, upload=upload("a.png", PNG_BYTES)
        )

    response = browser_for(acme, acme_admin).get(f"/courses/{other.pk}/media/{media.pk}/")

    assert response.status_code == 404


def test_acme_media_and_covers_never_load_on_globex_host(acme, globex, globex_admin, acme_teacher):
    course = build_course(acme, title="With cover", cover=upload("cover.png", PNG_BYTES))
    with in_org(acme):
        media = services.media_upload(actor=acme_teacher, course=course, upload=upload("a.png", PNG_BYTES))
    own_host = browser_for(acme, person(acme, "orgadmin"))
    intruder = browser_for(globex, globex_admin)

    assert own_host.get(f"/courses/{course.pk}/cover").status_code == 200
    assert own_host.get(f"/courses/{course.pk}/media/{media.pk}/").status_code == 200
    assert intruder.get(f"/courses/{course.pk}/cover").status_code == 404
    assert intruder.get(f"/courses/{course.pk}/media/{media.pk}/").status_code == 404


def test_a_courses_cover_is_served_to_those_who_see_the_course(acme):
    course = build_course(acme, title="With cover", cover=upload("cover.png", PNG_BYTES))

    student = page_as(acme, "student").get(f"/courses/{course.pk}/cover")
    south = page_as(acme, "south-student").get(f"/courses/{course.pk}/cover")
    catalog = body_of(page_as(acme, "student").get("/courses/"))

    assert student.status_code == 200
    assert student["Content-Type"] == "image/png"
    assert south.status_code == 404
    assert f'src="/courses/{course.pk}/cover?v=' in catalog
