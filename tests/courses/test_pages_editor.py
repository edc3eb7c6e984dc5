"""The teacher's course editor: creating and changing a course, modules and lessons (added, renamed, moved
with buttons or by the drag-and-drop endpoint, deleted), uploads with the services' clear refusals,
publishing, and the lesson editor's versions (view, diff, publish, revert). Bad input shows errors and
changes nothing; people who may not change a course get 403 (or 404 when they may not see it)."""

import json

import pytest
from django.test import override_settings

from apps.audit.models import AuditEntry
from apps.courses import services
from apps.courses.models import ContentItem, ContentVersion, Course, MediaFile, Module
from tests.conftest import browser_for, in_org, person
from tests.courses.conftest import ELF_BYTES, MP4_BYTES, PDF_BYTES, PNG_BYTES, build_course, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def page_as(acme, local):
    return browser_for(acme, person(acme, local))


def body_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def counts(acme) -> dict:
    with in_org(acme):
        return {
            "courses": Course.objects.count(),
            "modules": Module.objects.count(),
            "items": ContentItem.objects.count(),
            "versions": ContentVersion.objects.count(),
            "media": MediaFile.objects.count(),
        }


def fresh(acme, obj):
    with in_org(acme):
        obj.refresh_from_db()
        return obj


def north_id(acme):
    with in_org(acme):
        from apps.hierarchy.models import Branch

        return Branch.objects.get(code="north").pk, Branch.objects.get(code="south").pk


# --- who may open the editor -------------------------------------------------------------------------------

ROLES = ("orgadmin", "manager", "teacher", "student", "south-teacher")


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("/courses/new/", (200, 200, 200, 403, 200)),
        ("/courses/{pk}/edit/", (200, 200, 200, 403, 404)),
        ("/courses/{pk}/archive/", (200, 200, 200, 403, 404)),
        ("/courses/{pk}/delete/", (200, 200, 200, 403, 404)),
        ("/courses/{pk}/modules/{module}/content/new/text/", (200, 200, 200, 403, 404)),
        ("/courses/{pk}/modules/{module}/content/new/quiz/", (404, 404, 404, 403, 404)),
        ("/courses/{pk}/content/{item}/edit/", (200, 200, 200, 403, 404)),
        ("/courses/{pk}/content/{item}/versions/1/", (200, 200, 200, 403, 404)),
        ("/courses/{pk}/content/{item}/versions/1/diff/", (200, 200, 200, 403, 404)),
        ("/courses/{pk}/content/{item}/versions/9/", (404, 404, 404, 403, 404)),
    ],
)
def test_each_role_gets_exactly_the_expected_answer(acme, acme_course, template, expected):
    with in_org(acme):
        module = acme_course.modules.first()
        item = module.items.first()
    path = template.format(pk=acme_course.pk, module=module.pk, item=item.pk)

    answers = tuple(page_as(acme, local).get(path).status_code for local in ROLES)

    assert answers == expected


def test_a_teacher_may_not_change_an_org_wide_course_of_the_org_admin(acme, acme_admin):
    course = build_course(acme, owner=acme_admin, title="Org-wide")

    response = page_as(acme, "teacher").post(f"/courses/{course.pk}/edit/", {"title": "Mine now"})

    assert response.status_code == 403
    assert "Only this course&#x27;s teachers, its branches&#x27; managers and Org Admins may change it." in (
        response.content.decode()
    )
    assert fresh(acme, course).title == "Org-wide"


def test_a_learner_posting_to_the_editor_changes_nothing(acme, acme_course):
    before = counts(acme)
    student = page_as(acme, "student")
    with in_org(acme):
        module = acme_course.modules.first()

    answers = [
        student.post(f"/courses/{acme_course.pk}/edit/", {"title": "Hacked"}).status_code,
        student.post(f"/courses/{acme_course.pk}/modules/new/", {"title": "Hacked"}).status_code,
        student.post(f"/courses/{acme_course.pk}/modules/{module.pk}/delete/").status_code,
        student.post(f"/courses/{acme_course.pk}/unpublish/").status_code,
        student.post("/courses/new/", {"title": "Mine"}).status_code,
    ]

    assert answers == [403] * 5
    assert counts(acme) == before
    assert fresh(acme, acme_course).status == "published"


# --- creating and changing a course ------------------------------------------------------------------------


def test_a_teacher_creates_a_course_in_their_branch(acme, acme_teacher):
    north, _ = north_id(acme)
    teacher = page_as(acme, "teacher")

    form = body_of(teacher.get("/courses/new/"))
    response = teacher.post(
        "/courses/new/",
        {
            "title": "Geometry",
            "summary": "Shapes",
            "description": "All about **shapes**.",
            "tags": "maths, shapes",
            "branches": [north],
            "self_enrollment": "on",
            "estimated_minutes": "120",
        },
    )

    assert f'value="{north}" id="id_branches_0" checked' in form.replace("\n", "")
    with in_org(acme):
        course = Course.objects.get(title="Geometry")
        assert response["Location"] == f"/courses/{course.pk}/edit/#content"
        assert (course.owner_id, course.status, course.estimated_minutes) == (acme_teacher.pk, "draft", 120)
        assert [b.pk for b in course.branches.all()] == [north]
        assert sorted(t.name for t in course.tags.all()) == ["maths", "shapes"]
        assert course.description_html == "<p>All about <strong>shapes</strong>.</p>\n"
        assert AuditEntry.objects.filter(action="course.created", target_id=str(course.pk)).exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"title": ""}, "This field is required."),
        ({"title": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"title": "Ok", "estimated_minutes": "-3"}, "Ensure this value is greater than or equal to 1."),
        ({"title": "Ok", "branches": ["{south}"]}, "Select a valid choice."),
        (
            {"title": "Ok", "branches": []},
            "Choose at least one branch; only Org Admins make organization-wide courses.",
        ),
        ({"title": "Ok", "tags": ",".join(f"t{n}" for n in range(25))}, "At most 20 tags."),
    ],
)
def test_bad_input_shows_errors_and_creates_nothing(acme, data, error):
    north, south = north_id(acme)
    data = {
        key: [v.format(south=south) for v in value] if isinstance(value, list) else value
        for key, value in data.items()
    }
    data.setdefault("branches", [north])
    before = counts(acme)

    response = page_as(acme, "teacher").post("/courses/new/", data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert counts(acme) == before


def test_an_org_admin_makes_an_org_wide_course(acme, acme_admin):
    browser_for(acme, acme_admin).post("/courses/new/", {"title": "For everyone"})

    with in_org(acme):
        assert Course.objects.get(title="For everyone").branches.count() == 0


def test_the_details_form_saves_only_what_changed(acme, acme_course, acme_teacher):
    teacher = page_as(acme, "teacher")
    editor = body_of(teacher.get(f"/courses/{acme_course.pk}/edit/"))
    north, _ = north_id(acme)
    data = {
        "title": "Algebra Basics",
        "summary": "New summary",
        "tags": "",
        "branches": [north],
        "slug": acme_course.slug,
    }

    response = teacher.post(f"/courses/{acme_course.pk}/edit/", {**data, "self_enrollment": "on"})
    unchanged = teacher.post(
        f"/courses/{acme_course.pk}/edit/", {**data, "self_enrollment": "on"}, follow=True
    )

    assert 'value="Algebra Basics"' in editor
    assert response["Location"] == f"/courses/{acme_course.pk}/edit/#details"
    assert fresh(acme, acme_course).summary == "New summary"
    assert "Nothing changed." in unchanged.content.decode()
    with in_org(acme):
        entry = AuditEntry.objects.filter(action="course.updated").latest("pk")
        assert entry.changes == {"fields": ["summary"]}


def test_a_duplicate_slug_is_refused_on_the_form(acme, acme_course):
    other = build_course(acme, title="Other")
    north, _ = north_id(acme)

    response = page_as(acme, "teacher").post(
        f"/courses/{other.pk}/edit/", {"title": "Other", "slug": acme_course.slug, "branches": [north]}
    )

    assert "Another course already uses this slug." in response.content.decode()
    assert fresh(acme, other).slug != acme_course.slug


def test_a_cover_is_uploaded_checked_and_removed(acme, acme_course):
    north, _ = north_id(acme)
    teacher = page_as(acme, "teacher")
    base = {"title": "Algebra Basics", "branches": [north], "self_enrollment": "on"}

    liar = teacher.post(f"/courses/{acme_course.pk}/edit/", {**base, "cover": upload("cover.png", PDF_BYTES)})
    teacher.post(f"/courses/{acme_course.pk}/edit/", {**base, "cover": upload("cover.png", PNG_BYTES)})
    served = teacher.get(f"/courses/{acme_course.pk}/cover")
    teacher.post(f"/courses/{acme_course.pk}/edit/", {**base, "remove_cover": "on"})

    assert "Files of type application/pdf are not accepted here." in liar.content.decode()
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PNG_BYTES
    assert not fresh(acme, acme_course).cover


# --- publishing ----------------------------------------------------------------------------------------------


def test_publish_unpublish_archive_and_publish_again(acme):
    course = build_course(acme, title="Lifecycle", publish=False)
    teacher = page_as(acme, "teacher")
    steps = []

    for path in ("publish/", "unpublish/", "archive/", "publish/"):
        response = teacher.post(f"/courses/{course.pk}/{path}", follow=True)
        steps.append((fresh(acme, course).status, response.redirect_chain[-1][0]))

    assert [status for status, _ in steps] == ["published", "draft", "archived", "published"]
    assert {url for _, url in steps} == {f"/courses/{course.pk}/edit/"}


def test_publishing_an_empty_course_says_why_not(acme, acme_teacher):
    with in_org(acme):
        course = services.course_create(actor=acme_teacher, title="Empty")

    response = page_as(acme, "teacher").post(f"/courses/{course.pk}/publish/", follow=True)

    assert "Add at least one lesson before publishing the course." in response.content.decode()
    assert fresh(acme, course).status == "draft"


def test_publish_changes_publishes_the_latest_versions(acme, acme_course, acme_teacher):
    with in_org(acme):
        item = acme_course.items.first()
        services.content_update(actor=acme_teacher, item=item, body="Rewritten")
    teacher = page_as(acme, "teacher")

    editor = body_of(teacher.get(f"/courses/{acme_course.pk}/edit/"))
    teacher.post(f"/courses/{acme_course.pk}/publish/")

    assert "1 lesson has changes learners do not see yet." in editor
    assert ">Publish changes</button>" in editor
    item = fresh(acme, item)
    assert item.published_version_id == item.latest_version_id


def test_deleting_a_course_asks_first_and_refuses_one_with_learners(acme, acme_course, acme_student):
    spare = build_course(acme, title="Spare")
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
    teacher = page_as(acme, "teacher")

    confirm = body_of(teacher.get(f"/courses/{spare.pk}/delete/"))
    deleted = teacher.post(f"/courses/{spare.pk}/delete/")
    refused = teacher.post(f"/courses/{acme_course.pk}/delete/", follow=True)

    assert "Delete Spare?" in confirm
    assert ">Delete course</button>" in confirm
    assert deleted["Location"] == "/courses/teaching/"
    assert "Learners have taken this course; archive it instead" in refused.content.decode()
    with in_org(acme):
        assert not Course.objects.filter(pk=spare.pk).exists()
        assert Course.objects.filter(pk=acme_course.pk).exists()


# --- modules -------------------------------------------------------------------------------------------------


def modules_of(acme, course):
    with in_org(acme):
        return list(Module.objects.filter(course=course).order_by("position").values_list("title", flat=True))


def test_modules_are_added_renamed_moved_and_deleted(acme):
    course = build_course(acme, title="Modules", modules=2, items_per_module=0, publish=False)
    teacher = page_as(acme, "teacher")

    added = teacher.post(f"/courses/{course.pk}/modules/new/", {"title": "Module 3", "description": "Last"})
    with in_org(acme):
        third = Module.objects.get(course=course, title="Module 3")
    teacher.post(f"/courses/{course.pk}/modules/{third.pk}/rename/", {"title": "Finale"})
    teacher.post(f"/courses/{course.pk}/modules/{third.pk}/move/", {"direction": "up"})
    order_after_move = modules_of(acme, course)
    confirm = body_of(teacher.get(f"/courses/{course.pk}/modules/{third.pk}/delete/"))
    teacher.post(f"/courses/{course.pk}/modules/{third.pk}/delete/")

    assert added["Location"] == f"/courses/{course.pk}/edit/#module-{third.pk}"
    assert order_after_move == ["Module 1", "Finale", "Module 2"]
    assert "Delete the module Finale?" in confirm
    assert modules_of(acme, course) == ["Module 1", "Module 2"]


def test_an_empty_module_title_shows_the_error_and_changes_nothing(acme, acme_course):
    before = modules_of(acme, acme_course)
    with in_org(acme):
        module = acme_course.modules.first()
    teacher = page_as(acme, "teacher")

    added = teacher.post(f"/courses/{acme_course.pk}/modules/new/", {"title": "  "})
    renamed = teacher.post(f"/courses/{acme_course.pk}/modules/{module.pk}/rename/", {"title": ""})

    assert "This field is required." in added.content.decode()
    assert f'id="rename-{module.pk}-title"' in renamed.content.decode()
    assert "This field is required." in renamed.content.decode()
    assert '<details class="inline-details" open>' in renamed.content.decode()
    assert modules_of(acme, acme_course) == before


def test_a_module_with_learner_progress_is_not_deleted(acme, acme_course, acme_student):
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        module = acme_course.modules.first()
        services.progress_record(actor=acme_student, item=module.items.first(), completed=True)

    response = page_as(acme, "teacher").post(
        f"/courses/{acme_course.pk}/modules/{module.pk}/delete/", follow=True
    )

    assert "Learners have progress in this module" in response.content.decode()
    assert len(modules_of(acme, acme_course)) == 2


def test_the_drag_and_drop_endpoint_reorders_modules_json_or_form(acme):
    course = build_course(acme, title="Drag", modules=3, items_per_module=0, publish=False)
    with in_org(acme):
        ids = list(Module.objects.filter(course=course).order_by("position").values_list("pk", flat=True))
    teacher = page_as(acme, "teacher")
    url = f"/courses/{course.pk}/modules/reorder/"

    as_json = teacher.post(url, json.dumps({"order": ids[::-1]}), content_type="application/json")
    order_json = modules_of(acme, course)
    as_form = teacher.post(url, {"order": ",".join(map(str, ids))})

    assert as_json.status_code == 200
    assert as_json.json() == {"order": ids[::-1]}
    assert order_json == ["Module 3", "Module 2", "Module 1"]
    assert as_form.status_code == 302
    assert modules_of(acme, course) == ["Module 1", "Module 2", "Module 3"]


@pytest.mark.parametrize("order", [[], "not a list", [1, 2, 3], ["x"]])
def test_a_bad_order_is_400_and_changes_nothing(acme, acme_course, order):
    before = modules_of(acme, acme_course)

    response = page_as(acme, "teacher").post(
        f"/courses/{acme_course.pk}/modules/reorder/",
        json.dumps({"order": order}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert modules_of(acme, acme_course) == before


def test_lessons_are_reordered_and_moved_between_modules_by_dragging(acme, acme_course):
    with in_org(acme):
        first, second = list(acme_course.modules.order_by("position"))
        a, b = list(first.items.order_by("position"))
        c, d = list(second.items.order_by("position"))
    teacher = page_as(acme, "teacher")

    response = teacher.post(
        f"/courses/{acme_course.pk}/modules/{second.pk}/reorder/",
        json.dumps({"order": [d.pk, b.pk, c.pk]}),
        content_type="application/json",
    )

    assert response.json() == {"order": [d.pk, b.pk, c.pk]}
    with in_org(acme):
        assert list(second.items.order_by("position").values_list("pk", flat=True)) == [d.pk, b.pk, c.pk]
        assert list(first.items.order_by("position").values_list("pk", flat=True)) == [a.pk]


def test_lessons_move_with_the_up_and_down_buttons(acme, acme_course):
    with in_org(acme):
        a, b = list(acme_course.modules.order_by("position").first().items.order_by("position"))

    response = page_as(acme, "teacher").post(
        f"/courses/{acme_course.pk}/content/{b.pk}/move/", {"direction": "up"}
    )

    assert response["Location"] == f"/courses/{acme_course.pk}/edit/#item-{b.pk}"
    assert (fresh(acme, a).position, fresh(acme, b).position) == (1, 0)


def test_the_editor_lists_modules_lessons_and_their_state(acme, acme_course, acme_teacher):
    with in_org(acme):
        services.content_create(
            actor=acme_teacher, module=acme_course.modules.first(), kind="text", title="New one"
        )

    body = body_of(page_as(acme, "teacher").get(f"/courses/{acme_course.pk}/edit/"))

    assert body.count('class="editor-module"') == 2
    assert body.count('class="editor-item"') == 5
    assert '<span class="badge badge-draft">Not published</span>' in body
    assert body.count('<span class="badge badge-live">Published</span>') == 4
    assert f'data-reorder-url="/courses/{acme_course.pk}/modules/reorder/"' in body
    for kind in ("text", "video", "file", "link"):
        assert f"/content/new/{kind}/" in body


# --- lessons -------------------------------------------------------------------------------------------------


def new_lesson(acme, course, kind, data, *, publish=False):
    with in_org(acme):
        module = course.modules.order_by("position").first()
    if publish:
        data = {**data, "publish": "1"}
    return page_as(acme, "teacher").post(
        f"/courses/{course.pk}/modules/{module.pk}/content/new/{kind}/", data
    )


def test_a_text_lesson_is_added_as_a_draft_or_published(acme, acme_course):
    draft = new_lesson(
        acme, acme_course, "text", {"title": "Draft", "body": "# Hi", "body_format": "markdown"}
    )
    live = new_lesson(
        acme,
        acme_course,
        "text",
        {"title": "Live", "body": "<b>Hi</b>", "body_format": "html", "note": "First"},
        publish=True,
    )

    with in_org(acme):
        draft_item = ContentItem.objects.get(title="Draft")
        live_item = ContentItem.objects.get(title="Live")
        assert draft_item.published_version_id is None
        assert live_item.published_version_id == live_item.latest_version_id
        assert live_item.latest_version.note == "First"
        assert live_item.latest_version.body_html == "<b>Hi</b>"
    assert draft["Location"] == f"/courses/{acme_course.pk}/edit/#item-{draft_item.pk}"
    assert live.status_code == 302


@pytest.mark.parametrize(
    ("kind", "data", "error"),
    [
        ("text", {"title": "", "body_format": "markdown"}, "This field is required."),
        (
            "video",
            {"title": "V", "video_url": "https://evil.example.com/v", "body_format": "markdown"},
            "Use a video page on YouTube, Vimeo, Loom, or upload the video.",
        ),
        ("video", {"title": "V", "body_format": "markdown"}, "Give a video URL or upload a video file."),
        ("file", {"title": "F", "body_format": "markdown"}, "Upload the file first, then choose it."),
        (
            "link",
            {"title": "L", "url": "ftp://example.com/x", "body_format": "markdown"},
            "Enter a full http(s) address.",
        ),
        ("link", {"title": "L", "body_format": "markdown"}, "Enter the address of the page."),
    ],
)
def test_bad_lessons_show_errors_and_create_nothing(acme, acme_course, kind, data, error):
    before = counts(acme)

    response = new_lesson(acme, acme_course, kind, data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert counts(acme) == before


def test_a_video_lesson_from_a_youtube_page_gets_its_embed(acme, acme_course):
    new_lesson(
        acme,
        acme_course,
        "video",
        {"title": "Clip", "video_url": "https://youtu.be/dQw4w9WgXcQ", "body_format": "markdown"},
    )

    with in_org(acme):
        version = ContentItem.objects.get(title="Clip").latest_version
    assert version.embed_url == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


def test_a_file_lesson_uploads_its_file(acme, acme_course):
    response = new_lesson(
        acme,
        acme_course,
        "file",
        {"title": "Handout", "upload": upload("handout.pdf", PDF_BYTES), "body_format": "markdown"},
    )

    assert response.status_code == 302
    with in_org(acme):
        item = ContentItem.objects.get(title="Handout")
        media = item.latest_version.media
        assert (media.original_name, media.content_type, media.item_id) == (
            "handout.pdf",
            "application/pdf",
            item.pk,
        )


def test_a_video_lesson_uploads_its_video(acme, acme_course):
    new_lesson(
        acme,
        acme_course,
        "video",
        {"title": "Own clip", "upload": upload("clip.mp4", MP4_BYTES), "body_format": "markdown"},
    )

    with in_org(acme):
        assert ContentItem.objects.get(title="Own clip").latest_version.media.content_type == "video/mp4"


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("notes.pdf", ELF_BYTES, "Programs and scripts cannot be uploaded."),
        (
            "photo.pdf",
            PNG_BYTES,
            "The file&#x27;s name says .pdf but its contents are image/png; rename it to match what it is.",
        ),
    ],
)
def test_a_refused_upload_says_why_and_leaves_nothing(acme, acme_course, settings, name, data, error):
    before = counts(acme)

    response = new_lesson(
        acme, acme_course, "file", {"title": "Bad", "upload": upload(name, data), "body_format": "markdown"}
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert counts(acme) == before
    assert not any(settings.MEDIA_ROOT.rglob("*.pdf"))


def test_a_video_lesson_refuses_a_file_that_is_not_a_video(acme, acme_course):
    before = counts(acme)

    response = new_lesson(
        acme,
        acme_course,
        "video",
        {"title": "Not video", "upload": upload("a.png", PNG_BYTES), "body_format": "markdown"},
    )

    assert "This file is not a video." in response.content.decode()
    assert counts(acme) == before


@override_settings(MEDIA_MAX_UPLOAD_MB=1)
def test_an_oversized_upload_in_the_files_section_is_refused(acme, acme_course):
    before = counts(acme)
    big = upload("big.txt", b"a" * (1024 * 1024 + 1))

    response = page_as(acme, "teacher").post(f"/courses/{acme_course.pk}/media/upload/", {"file": big})

    assert response.status_code == 200
    assert "The file is 1.0 MB; files may be at most 1 MB." in response.content.decode()
    assert counts(acme) == before


def test_the_files_section_uploads_lists_and_deletes(acme, acme_course):
    teacher = page_as(acme, "teacher")

    uploaded = teacher.post(
        f"/courses/{acme_course.pk}/media/upload/", {"file": upload("notes.txt", b"hello")}
    )
    with in_org(acme):
        media = MediaFile.objects.get(original_name="notes.txt")
    listed = body_of(teacher.get(f"/courses/{acme_course.pk}/edit/"))
    teacher.post(f"/courses/{acme_course.pk}/media/{media.pk}/delete/")

    assert uploaded["Location"] == f"/courses/{acme_course.pk}/edit/#files"
    assert f'href="/courses/{acme_course.pk}/media/{media.pk}/">notes.txt</a>' in listed
    with in_org(acme):
        assert not MediaFile.objects.filter(pk=media.pk).exists()


def test_a_file_in_use_is_not_deleted(acme, acme_course):
    new_lesson(
        acme,
        acme_course,
        "file",
        {"title": "Handout", "upload": upload("h.pdf", PDF_BYTES), "body_format": "markdown"},
    )
    with in_org(acme):
        media = MediaFile.objects.get(original_name="h.pdf")

    response = page_as(acme, "teacher").post(
        f"/courses/{acme_course.pk}/media/{media.pk}/delete/", follow=True
    )

    assert "A version of a lesson uses this file" in response.content.decode()
    with in_org(acme):
        assert MediaFile.objects.filter(pk=media.pk).exists()


# --- the lesson editor and versions --------------------------------------------------------------------------


@pytest.fixture
def lesson(acme, acme_course):
    with in_org(acme):
        return acme_course.items.order_by("module__position", "position").first()


def edit(acme, course, item, data, *, publish=False):
    data = {"title": item.title, "body_format": "markdown", **data}
    if publish:
        data["publish"] = "1"
    return page_as(acme, "teacher").post(f"/courses/{course.pk}/content/{item.pk}/edit/", data, follow=True)


def test_saving_a_change_makes_a_version_and_saving_nothing_does_not(acme, acme_course, lesson):
    saved = edit(acme, acme_course, lesson, {"body": "Version two", "note": "Clearer"})
    again = edit(acme, acme_course, lesson, {"body": "Version two"})

    assert "Saved as version 2." in saved.content.decode()
    assert "Nothing changed." in again.content.decode()
    with in_org(acme):
        versions = list(lesson.versions.order_by("number").values_list("number", "note", "author__email"))
    assert versions == [
        (1, "Created", "teacher@acme.example.com"),
        (2, "Clearer", "teacher@acme.example.com"),
    ]
    item = fresh(acme, lesson)
    assert item.published_version.number == 1  # learners still see version 1


def test_save_and_publish_shows_learners_the_new_version(acme, acme_course, lesson):
    response = edit(acme, acme_course, lesson, {"body": "Now live"}, publish=True)

    assert "Saved as version 2 and published." in response.content.decode()
    assert fresh(acme, lesson).published_version.number == 2


def test_a_bad_edit_shows_errors_and_changes_nothing(acme, acme_course, lesson):
    before = counts(acme)

    response = edit(acme, acme_course, lesson, {"title": "", "body": "Changed"})

    assert "This field is required." in response.content.decode()
    assert counts(acme) == before


def test_the_versions_list_shows_author_time_note_and_which_is_published(acme, acme_course, lesson):
    edit(acme, acme_course, lesson, {"body": "Second", "note": "Typos"})

    body = body_of(page_as(acme, "teacher").get(f"/courses/{acme_course.pk}/content/{lesson.pk}/edit/"))

    versions = body.split('id="versions-title"')[1]
    assert "Version 2</a>" in versions
    assert "Version 1</a>" in versions
    assert versions.index("Version 2") < versions.index("Version 1")
    assert "Typos" in versions
    assert "Teacher" in versions
    assert versions.count('<span class="badge badge-live">Published</span>') == 1
    assert f'action="/courses/{acme_course.pk}/content/{lesson.pk}/versions/2/publish/"' in versions
    assert f'action="/courses/{acme_course.pk}/content/{lesson.pk}/versions/1/revert/"' in versions


def test_a_version_is_shown_as_learners_would_see_it(acme, acme_course, lesson):
    edit(acme, acme_course, lesson, {"body": "Second <script>x()</script> **bold**"})

    body = body_of(page_as(acme, "teacher").get(f"/courses/{acme_course.pk}/content/{lesson.pk}/versions/2/"))

    assert "<strong>bold</strong>" in body
    assert "<script>x()" not in body
    assert "&lt;script&gt;x()&lt;/script&gt;" in body  # the source, escaped


def test_the_diff_shows_what_changed_between_two_versions(acme, acme_course, lesson):
    edit(acme, acme_course, lesson, {"title": "Renamed lesson", "body": "# Lesson 1.1\n\nOther *text*."})
    teacher = page_as(acme, "teacher")

    default = body_of(teacher.get(f"/courses/{acme_course.pk}/content/{lesson.pk}/versions/2/diff/"))
    chosen = body_of(teacher.get(f"/courses/{acme_course.pk}/content/{lesson.pk}/versions/1/diff/?against=2"))
    first = body_of(teacher.get(f"/courses/{acme_course.pk}/content/{lesson.pk}/versions/1/diff/"))
    missing = teacher.get(f"/courses/{acme_course.pk}/content/{lesson.pk}/versions/2/diff/?against=7")

    assert "2 fields changed" in default
    assert '<del class="diff-del">-Some *text*.</del>' in default
    assert '<ins class="diff-add">+Other *text*.</ins>' in default
    assert '<del class="diff-del">Lesson 1.1</del>' in default
    assert '<ins class="diff-add">Renamed lesson</ins>' in default
    assert '<ins class="diff-add">+Some *text*.</ins>' in chosen
    assert "there is nothing before it to compare with" in first
    assert missing.status_code == 404


def test_publishing_an_older_version_and_reverting_to_it(acme, acme_course, lesson):
    edit(acme, acme_course, lesson, {"body": "Second"}, publish=True)
    teacher = page_as(acme, "teacher")

    published = teacher.post(
        f"/courses/{acme_course.pk}/content/{lesson.pk}/versions/1/publish/", follow=True
    )
    reverted = teacher.post(f"/courses/{acme_course.pk}/content/{lesson.pk}/versions/1/revert/", follow=True)

    assert "Learners now see version 1 of Lesson 1.1." in published.content.decode()
    assert "Version 1 is back as version 3." in reverted.content.decode()
    item = fresh(acme, lesson)
    with in_org(acme):
        assert (item.latest_version.number, item.latest_version.body) == (3, "# Lesson 1.1\n\nSome *text*.")
        assert item.published_version.number == 1


def test_unpublishing_and_deleting_a_lesson(acme, acme_course, lesson, acme_student):
    with in_org(acme):
        other = acme_course.items.exclude(pk=lesson.pk).first()
        services.enroll_self(actor=acme_student, course=acme_course)
        services.progress_record(actor=acme_student, item=other, completed=True)
    teacher = page_as(acme, "teacher")

    teacher.post(f"/courses/{acme_course.pk}/content/{lesson.pk}/unpublish/")
    unpublished = fresh(acme, lesson).published_version_id
    teacher.post(f"/courses/{acme_course.pk}/content/{lesson.pk}/delete/")
    refused = teacher.post(f"/courses/{acme_course.pk}/content/{other.pk}/delete/", follow=True)

    assert unpublished is None
    assert "Learners have progress on this lesson; unpublish it instead" in refused.content.decode()
    with in_org(acme):
        assert not ContentItem.objects.filter(pk=lesson.pk).exists()
        assert ContentItem.objects.filter(pk=other.pk).exists()


def test_the_lesson_form_offers_the_fields_of_its_kind(acme, acme_course):
    with in_org(acme):
        module = acme_course.modules.first()
    teacher = page_as(acme, "teacher")

    text = body_of(teacher.get(f"/courses/{acme_course.pk}/modules/{module.pk}/content/new/text/"))
    video = body_of(teacher.get(f"/courses/{acme_course.pk}/modules/{module.pk}/content/new/video/"))
    link = body_of(teacher.get(f"/courses/{acme_course.pk}/modules/{module.pk}/content/new/link/"))

    assert 'name="body"' in text
    assert 'name="video_url"' not in text
    assert 'name="upload"' not in text
    assert 'name="video_url"' in video
    assert 'name="upload"' in video
    assert 'accept="video/mp4' in video
    assert 'name="url"' in link
    assert 'name="upload"' not in link


def test_saving_details_keeps_branches_and_co_teachers_the_editor_could_not_choose(acme, acme_admin):
    north, south = north_id(acme)
    south_teacher = person(acme, "south-teacher")
    teacher = person(acme, "teacher")
    with in_org(acme):
        course = services.course_create(
            actor=acme_admin,
            title="Shared",
            branches=[north, south],
            co_teachers=[teacher.pk, south_teacher.pk],
        )
    client = page_as(acme, "teacher")
    form = body_of(client.get(f"/courses/{course.pk}/edit/"))

    client.post(
        f"/courses/{course.pk}/edit/",
        {
            "title": "Shared",
            "summary": "Changed by the north teacher",
            "slug": course.slug,
            "branches": [north, south],
            "co_teachers": [teacher.pk, south_teacher.pk],
        },
    )

    assert "South Campus" in form
    with in_org(acme):
        course.refresh_from_db()
        assert course.summary == "Changed by the north teacher"
        assert sorted(b.pk for b in course.branches.all()) == sorted([north, south])
        assert sorted(u.pk for u in course.co_teachers.all()) == sorted([teacher.pk, south_teacher.pk])


def test_a_teacher_cannot_add_a_branch_outside_their_own(acme, acme_course):
    north, south = north_id(acme)

    response = page_as(acme, "teacher").post(
        f"/courses/{acme_course.pk}/edit/",
        {"title": "Algebra Basics", "slug": acme_course.slug, "branches": [north, south]},
    )

    assert "Select a valid choice." in response.content.decode()
    with in_org(acme):
        assert [b.pk for b in acme_course.branches.all()] == [north]


def test_a_course_past_the_plans_limit_is_refused_on_the_form(acme):
    from tenants import services as tenant_services
    from tenants.models import Plan

    north, _ = north_id(acme)
    with in_org(acme):
        existing = Course.objects.exclude(status="archived").count()
    plan = Plan.objects.create(code="tight", name="Tight", max_courses=existing)
    tenant_services.subscription_change_plan(organization=acme, plan=plan)
    before = counts(acme)

    response = page_as(acme, "teacher").post("/courses/new/", {"title": "One too many", "branches": [north]})

    assert response.status_code == 200
    assert (
        f"The Tight plan allows {existing} courses; this would make {existing + 1}."
        in response.content.decode()
    )
    assert counts(acme) == before
