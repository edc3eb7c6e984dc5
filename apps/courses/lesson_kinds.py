"""The lesson kinds of the courses app, registered from CoursesConfig.ready (see kinds.py for the registry).
Each one names its editor form, its player template and the checks its versions get; all of them are
completed by the learner ("Mark as complete"). The assessments module will register "quiz" again, with
completion "external", when a passed quiz completes its lesson."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import pgettext_lazy

from . import forms
from . import media as media_checks
from .kinds import LessonKind, register_kind
from .rendering import VIDEO_PROVIDERS, embed_url_for


def clean_video(fields: dict, course, errors: dict) -> None:
    """An embed of an allowed provider, or an uploaded video file of the course."""
    if fields["video_url"]:
        embed = embed_url_for(fields["video_url"])
        if embed is None:
            errors["video_url"] = [f"Use a video page on {', '.join(VIDEO_PROVIDERS)}, or upload the video."]
        fields["embed_url"] = embed or ""
    elif fields["media"] is None and "media" not in errors:
        errors["video_url"] = ["Give a video URL or upload a video file."]
    elif fields["media"] is not None and fields["media"].content_type not in media_checks.VIDEO_TYPES:
        errors["media"] = ["This file is not a video."]


def clean_link(fields: dict, course, errors: dict) -> None:
    try:
        URLValidator(schemes=["http", "https"])(fields["url"])
    except ValidationError:
        errors["url"] = ["Enter a full http(s) address."]


def clean_file(fields: dict, course, errors: dict) -> None:
    if fields["media"] is None and "media" not in errors:
        errors["media"] = ["Upload the file first, then choose it."]


def clean_quiz(fields: dict, course, errors: dict) -> None:
    data = fields.get("data")
    assessment = data.get("assessment_id") if isinstance(data, dict) else None
    if assessment is not None and (isinstance(assessment, bool) or not str(assessment).isdigit()):
        errors["data"] = ["assessment_id must be an id."]


KIND_TEMPLATES = "courses/kinds/"


def register() -> None:
    register_kind(
        LessonKind(
            code="text",
            label=pgettext_lazy("lesson kind", "Text"),
            editor_form=forms.TextLessonForm,
            icon="text",
        )
    )
    register_kind(
        LessonKind(
            code="video",
            label=pgettext_lazy("lesson kind", "Video"),
            editor_form=forms.VideoLessonForm,
            player_template=KIND_TEMPLATES + "video.html",
            clean=clean_video,
            icon="video",
        )
    )
    register_kind(
        LessonKind(
            code="file",
            label=pgettext_lazy("lesson kind", "File"),
            editor_form=forms.FileLessonForm,
            player_template=KIND_TEMPLATES + "file.html",
            clean=clean_file,
            icon="file",
        )
    )
    register_kind(
        LessonKind(
            code="link",
            label=pgettext_lazy("lesson kind", "Link"),
            editor_form=forms.LinkLessonForm,
            player_template=KIND_TEMPLATES + "link.html",
            clean=clean_link,
            icon="link",
        )
    )
    # Made through the API (data.assessment_id) until the assessments module takes this kind over.
    register_kind(
        LessonKind(
            code="quiz",
            label=pgettext_lazy("lesson kind", "Quiz"),
            editor_form=forms.QuizLessonForm,
            clean=clean_quiz,
            offered=False,
            icon="quiz",
        )
    )
