"""Lesson kinds are registrations (apps.courses.kinds): a kind registered here, with its own editor form,
player template, data serializer and completion "external", is offered by the editor, created through the
page and the API, shown by the player without "Mark as complete", refused when marked complete by hand and
completed by progress_complete_by_system, all without a migration. And services.lesson_save, which the
lesson editor and the API share, is all or nothing: a refused save leaves no lesson and no stored file."""

import pytest
from django import forms
from django.core.management import call_command
from drf_spectacular.plumbing import _load_enum_name_overrides
from rest_framework import serializers

from apps.core.errors import Conflict, InvalidState, ValidationFailed
from apps.courses import services
from apps.courses.forms import LessonForm
from apps.courses.kinds import EXTERNAL, LessonKind, kind_for, register_kind, unregister_kind
from apps.courses.models import ContentItem, Enrollment, ItemProgress, MediaFile
from apps.events.models import Event
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import browser_for, client_for, in_org, jwt_for, person
from tests.events import conftest as events_conftest

from .conftest import PDF_BYTES, upload

pytestmark = pytest.mark.django_db
listen = events_conftest.listen

CODE = "checkpoint"
HINT = "it completes when the learner passes the checkpoint."


class CheckpointForm(LessonForm):
    kind_fields = ("body", "body_format")
    body_label = "Instructions"
    passing_score = forms.IntegerField(min_value=1, max_value=100, label="Passing score (%)")

    @classmethod
    def initial_for(cls, item) -> dict:
        return {**super().initial_for(item), "passing_score": item.latest_version.data.get("passing_score")}

    def values(self) -> dict:
        return {**super().values(), "data": {"passing_score": self.cleaned_data["passing_score"]}}


class CheckpointData(serializers.Serializer):
    passing_score = serializers.IntegerField(min_value=1, max_value=100)


def clean_checkpoint(fields, course, errors) -> None:
    score = fields["data"].get("passing_score") if isinstance(fields.get("data"), dict) else None
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 100:
        errors["data"] = ["passing_score: a whole number from 1 to 100."]


@pytest.fixture
def checkpoint(settings, tmp_path):
    """The throwaway kind, with its player template in a template folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = tmp_path / "templates"
    (folder / "checkpoints").mkdir(parents=True)
    (folder / "checkpoints" / "player.html").write_text(
        '<p id="checkpoint">Pass with {{ version.data.passing_score }}% to go on.</p>'
    )
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], folder]
    settings.TEMPLATES = templates
    kind = register_kind(
        LessonKind(
            code=CODE,
            label="Checkpoint",
            editor_form=CheckpointForm,
            player_template="checkpoints/player.html",
            clean=clean_checkpoint,
            completion=EXTERNAL,
            completion_hint=HINT,
            data_serializer=CheckpointData,
        )
    )
    _load_enum_name_overrides.cache_clear()  # the API's kind enum is read from the registry
    yield kind
    unregister_kind(CODE)
    _load_enum_name_overrides.cache_clear()


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


def first_module(acme, course):
    with in_org(acme):
        return course.modules.order_by("position").first()


def add_checkpoint(acme, course, *, score=80):
    teacher = person(acme, "teacher")
    with in_org(acme):
        saved = services.lesson_save(
            actor=teacher,
            module=first_module(acme, course),
            kind=CODE,
            values={
                "title": "Checkpoint 1",
                "body": "Answer *all* questions.",
                "data": {"passing_score": score},
            },
            publish=True,
        )
        return saved.item


@pytest.fixture
def enrolled(acme, acme_course, acme_student):
    with in_org(acme):
        return services.enroll_self(actor=acme_student, course=acme_course)


# --- authoring ---------------------------------------------------------------------------------------------


def test_the_editor_offers_a_registered_kind_and_its_form_creates_the_lesson(acme, acme_course, checkpoint):
    teacher = browser_for(acme, person(acme, "teacher"))
    module = first_module(acme, acme_course)
    new = f"/courses/{acme_course.pk}/modules/{module.pk}/content/new/{CODE}/"

    editor = teacher.get(f"/courses/{acme_course.pk}/edit/").content.decode()
    form_page = teacher.get(new).content.decode()
    refused = teacher.post(new, {"title": "Checkpoint", "body_format": "markdown", "passing_score": "0"})
    created = teacher.post(
        new,
        {
            "title": "Checkpoint",
            "body": "Read first.",
            "body_format": "markdown",
            "passing_score": "75",
            "publish": "1",
        },
    )

    assert new in editor
    assert 'name="passing_score"' in form_page
    assert "Instructions" in form_page
    assert refused.status_code == 200
    assert "passing_score" in refused.context["form"].errors
    assert created.status_code == 302
    with in_org(acme):
        item = ContentItem.objects.select_related("published_version").get(kind=CODE)
        assert item.published_version_id == item.latest_version_id
        assert (item.title, item.published_version.data) == ("Checkpoint", {"passing_score": 75})

    edit = f"/courses/{acme_course.pk}/content/{item.pk}/edit/"
    assert 'value="75"' in teacher.get(edit).content.decode()
    saved = teacher.post(
        edit, {"title": "Checkpoint", "body": "Read first.", "body_format": "markdown", "passing_score": "90"}
    )
    assert saved.status_code == 302
    with in_org(acme):
        item.refresh_from_db()
        assert (item.latest_version.number, item.latest_version.data) == (2, {"passing_score": 90})


def test_the_api_creates_a_registered_kind_validates_its_data_and_says_how_it_completes(
    acme, acme_teacher, acme_course, checkpoint
):
    module = first_module(acme, acme_course)
    client = api(acme, acme_teacher)

    bad = client.post(
        "/api/v1/content",
        {"module": module.pk, "kind": CODE, "title": "Checkpoint", "data": {"passing_score": 500}},
        format="json",
    )
    made = assert_ok(
        client.post(
            "/api/v1/content",
            {
                "module": module.pk,
                "kind": CODE,
                "title": "Checkpoint",
                "data": {"passing_score": 60},
                "publish": True,
            },
            format="json",
        ),
        201,
    )
    schema = client_for("acme").get("/api/v1/schema/", {"format": "json"}).json()

    assert set(assert_error(bad, 400, "VALIDATION_ERROR")["details"]) == {"data.passing_score"}
    assert (made["kind"], made["completion"], made["is_published"], made["data"]) == (
        CODE,
        "external",
        True,
        {"passing_score": 60},
    )
    kinds = {
        tuple(schema["components"]["schemas"][name]["enum"])
        for name in schema["components"]["schemas"]
        if CODE in schema["components"]["schemas"][name].get("enum", [])
    }
    assert kinds
    assert all({"text", "video", "file", "link", CODE} <= set(enum) for enum in kinds)


def test_a_kind_that_is_not_registered_is_refused(acme, acme_teacher, acme_course):
    module = first_module(acme, acme_course)

    response = api(acme, acme_teacher).post(
        "/api/v1/content", {"module": module.pk, "kind": CODE, "title": "x"}, format="json"
    )
    page = browser_for(acme, acme_teacher).get(
        f"/courses/{acme_course.pk}/modules/{module.pk}/content/new/{CODE}/"
    )

    assert set(assert_error(response, 400, "VALIDATION_ERROR")["details"]) == {"kind"}
    assert page.status_code == 404
    assert kind_for(CODE) is None


def test_a_new_kind_needs_no_migration(checkpoint):
    call_command("makemigrations", "courses", "--check", "--dry-run", verbosity=0)  # SystemExit if one is due


# --- learning ----------------------------------------------------------------------------------------------


def test_the_player_shows_the_kinds_template_and_no_mark_complete(
    acme, acme_course, acme_student, enrolled, checkpoint
):
    item = add_checkpoint(acme, acme_course, score=80)
    text_lesson = ContentItem.objects.none()
    with in_org(acme):
        text_lesson = ContentItem.objects.filter(course=acme_course, kind="text").order_by("position").first()
    student = browser_for(acme, acme_student)

    page = student.get(f"/courses/{acme_course.pk}/learn/{item.pk}/").content.decode()
    text_page = student.get(f"/courses/{acme_course.pk}/learn/{text_lesson.pk}/").content.decode()

    assert '<p id="checkpoint">Pass with 80% to go on.</p>' in page
    assert "Answer <em>all</em> questions." in page
    assert 'id="mark-complete"' not in page
    assert "lesson_complete" not in page
    assert "It completes when the learner passes the checkpoint." in page
    assert 'id="mark-complete"' in text_page


def test_an_external_kind_cannot_be_marked_complete_by_hand(
    acme, acme_course, acme_student, enrolled, checkpoint
):
    item = add_checkpoint(acme, acme_course)
    student_api = api(acme, acme_student)

    page = browser_for(acme, acme_student).post(
        f"/courses/{acme_course.pk}/learn/{item.pk}/complete/", {"completed": "true"}
    )
    by_api = student_api.put(f"/api/v1/content/{item.pk}/progress", {"completed": True}, format="json")
    heartbeat = student_api.put(
        f"/api/v1/content/{item.pk}/progress", {"time_spent_seconds": 30}, format="json"
    )

    assert page.status_code == 302
    assert "cannot be marked complete by hand" in assert_error(by_api, 409, "CONFLICT")["message"]
    assert assert_ok(heartbeat)["time_spent_seconds"] == 30
    with in_org(acme):
        assert ItemProgress.objects.get(user=acme_student, item=item).completed_at is None
        with pytest.raises(Conflict):
            services.progress_record(actor=acme_student, item=item, completed=False)


def test_the_system_completes_an_external_lesson_and_the_course_once(
    acme, acme_course, acme_student, enrolled, checkpoint, listen, django_capture_on_commit_callbacks
):
    lessons_done, courses_done = listen("lesson.completed"), listen("course.completed")
    item = add_checkpoint(acme, acme_course)
    with in_org(acme):
        texts = list(
            ContentItem.objects.filter(course=acme_course, kind="text", published_version__isnull=False)
        )
        with django_capture_on_commit_callbacks(execute=True):
            for text in texts:
                services.progress_record(actor=acme_student, item=text, completed=True)
        enrolled.refresh_from_db()
        assert (enrolled.status, enrolled.completed_items, enrolled.total_items) == ("active", 4, 5)

        with django_capture_on_commit_callbacks(execute=True):
            result = services.progress_complete_by_system(item=item, user=acme_student, source="checkpoint:1")
            again = services.progress_complete_by_system(item=item, user=acme_student, source="checkpoint:1")

        assert result.progress.completed_at is not None
        assert again.progress.completed_at == result.progress.completed_at
        enrolled.refresh_from_db()
        assert (enrolled.status, enrolled.progress_percent, enrolled.completed_items) == ("completed", 100, 5)
        assert Event.objects.filter(name="course.completed").count() == 1
        mine = Event.objects.get(name="lesson.completed", payload__item_id=item.pk)
        assert mine.payload["kind"] == CODE
        assert mine.actor_id is None
    assert len(lessons_done.events) == 5
    assert len(courses_done.events) == 1


def test_the_system_cannot_complete_a_lesson_for_someone_not_enrolled(
    acme, acme_course, acme_student, checkpoint
):
    item = add_checkpoint(acme, acme_course)
    with in_org(acme):
        with pytest.raises(InvalidState):
            services.progress_complete_by_system(item=item, user=acme_student, source="checkpoint:1")
        with pytest.raises(ValidationFailed):
            services.progress_complete_by_system(item=item, user=acme_student, source=" ")
        assert not Enrollment.objects.filter(user=acme_student, status="completed").exists()


# --- lesson_save: all or nothing ---------------------------------------------------------------------------


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_failing_publish_leaves_no_lesson_and_no_stored_file(
    acme, acme_teacher, acme_course, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    module = first_module(acme, acme_course)

    def refuse(**kwargs):
        raise InvalidState("Publishing is not possible now.")

    monkeypatch.setattr(services, "version_publish", refuse)
    with in_org(acme):
        before = ContentItem.objects.count()
        with pytest.raises(InvalidState):
            services.lesson_save(
                actor=acme_teacher,
                module=module,
                kind="file",
                values={"title": "Worksheet", "body": ""},
                upload=upload("sheet.pdf", PDF_BYTES),
                publish=True,
            )
        assert ContentItem.objects.count() == before
        assert not MediaFile.objects.exists()
    assert stored_files(settings) == []


def test_the_page_and_the_api_both_save_through_lesson_save(
    acme, acme_teacher, acme_course, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    module = first_module(acme, acme_course)
    teacher = browser_for(acme, acme_teacher)

    page = teacher.post(
        f"/courses/{acme_course.pk}/modules/{module.pk}/content/new/file/",
        {
            "title": "Worksheet",
            "body_format": "markdown",
            "upload": upload("sheet.pdf", PDF_BYTES),
            "publish": "1",
        },
    )
    with in_org(acme):
        item = ContentItem.objects.select_related("published_version__media").get(title="Worksheet")
    edited = assert_ok(
        api(acme, acme_teacher).patch(
            f"/api/v1/content/{item.pk}", {"title": "Worksheet (v2)", "publish": True}, format="json"
        )
    )
    refused = api(acme, acme_teacher).patch(f"/api/v1/content/{item.pk}", {"title": ""}, format="json")

    assert page.status_code == 302
    assert item.published_version.media.original_name == "sheet.pdf"
    assert len(stored_files(settings)) == 1
    assert (edited["title"], edited["version"], edited["published_version"]) == ("Worksheet (v2)", 2, 2)
    assert_error(refused, 400, "VALIDATION_ERROR")


def test_a_refused_upload_or_lesson_keeps_no_file(acme, acme_teacher, acme_course, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    module = first_module(acme, acme_course)

    def save(name):
        return services.lesson_save(
            actor=acme_teacher,
            module=module,
            kind="video",
            values={"title": "Clip", "video_url": ""},
            upload=upload(name, PDF_BYTES),
        )

    with in_org(acme):
        with pytest.raises(ValidationFailed) as bad_upload:
            save("clip.mp4")  # a PDF named as a video: refused before anything is stored
        with pytest.raises(ValidationFailed) as not_a_video:
            save("clip.pdf")  # stored, then refused by the video kind's check: the stored file goes too
        assert not ContentItem.objects.filter(title="Clip").exists()
        assert not MediaFile.objects.exists()
    assert stored_files(settings) == []
    assert set(bad_upload.value.field_errors) == {"upload"}
    assert not_a_video.value.field_errors == {"media": ["This file is not a video."]}
