"""The registry of lesson kinds. A kind of lesson (text, video, file, link, quiz, ...) is one registration:

    register_kind(LessonKind(code="video", label="Video", editor_form=VideoLessonForm,
                             player_template="courses/kinds/video.html", clean=clean_video))

and everything else asks the registry: the editor's "add a lesson" buttons and its form (`editor_form`),
the player (`player_template`, and "Mark as complete" only for `completion="manual"`), the version
checks of the services (`clean`), the API (`data_serializer` for the kind's `data` object, the kind's
enum) and the model's `kind` choices (a callable, so a new kind needs no migration).

A kind whose `completion` is "external" (a quiz passed, an assignment graded) is never marked complete by
the learner: services.progress_record refuses it, and the module that owns it calls
services.progress_complete_by_system(item=..., user=..., source=...) instead.

The courses app registers its kinds in lesson_kinds.py (CoursesConfig.ready); another app registers its
own from its AppConfig.ready. This module imports nothing of the app, so models can use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from .models import Course

MANUAL = "manual"
EXTERNAL = "external"
COMPLETIONS = (MANUAL, EXTERNAL)

# clean(fields, course, errors): check (and complete) a new version's fields for this kind; `fields` holds
# every version field already cleaned in the common way, `errors` collects {field: [message]}.
Clean = Callable[[dict, "Course", dict], None]


@dataclass(frozen=True)
class LessonKind:
    code: str
    label: str
    # A form class taking (data, files, *, kind, viewer, course) with values() -> the lesson's fields and an
    # optional `upload` field (apps.courses.forms.LessonForm and its subclasses).
    editor_form: type
    # What the player shows of a version above its text ("" for nothing); gets item, version, course, progress.
    player_template: str = ""
    clean: Clean | None = None
    # "manual": the learner marks it complete; "external": something else does (progress_complete_by_system).
    completion: str = MANUAL
    # What the player says where "Mark as complete" would be, for an external kind.
    completion_hint: str = ""
    # A DRF serializer for the version's `data` object, run by the API on create and update.
    data_serializer: type | None = None
    # Offered among the editor's "add a lesson" buttons (a kind made elsewhere, e.g. by an import, is not).
    offered: bool = True
    icon: str = ""
    # A URL name taking the module's pk: the editor's "add" button opens that page instead of the lesson
    # form (the quiz's own page creates its lesson with its Assessment); the lesson form then refuses the kind.
    create_view: str = ""

    @property
    def manual_completion(self) -> bool:
        return self.completion == MANUAL


_KINDS: dict[str, LessonKind] = {}
MAX_CODE_LENGTH = 16  # ContentItem.kind's max_length


def register_kind(kind: LessonKind, *, replace: bool = False) -> LessonKind:
    """Add a kind to the registry (in registration order). A code is registered once unless `replace`
    (the assessments module taking over "quiz", a test)."""
    if not kind.code or len(kind.code) > MAX_CODE_LENGTH or not kind.code.replace("_", "").isalnum():
        raise ImproperlyConfigured(
            f"Lesson kind code {kind.code!r}: letters, digits and _, at most {MAX_CODE_LENGTH} characters."
        )
    if kind.completion not in COMPLETIONS:
        raise ImproperlyConfigured(
            f"Lesson kind {kind.code!r}: completion is one of {', '.join(COMPLETIONS)}."
        )
    if kind.code in _KINDS and not replace:
        raise ImproperlyConfigured(f"Lesson kind {kind.code!r} is already registered.")
    _KINDS[kind.code] = kind
    return kind


def unregister_kind(code: str) -> None:
    _KINDS.pop(code, None)


def kind_for(code: Any) -> LessonKind | None:
    """The registered kind of this code, or None."""
    return _KINDS.get(str(code)) if code is not None else None


def kinds(*, offered: bool | None = None) -> list[LessonKind]:
    """Registered kinds in registration order; `offered=True`: those the editor offers."""
    return [kind for kind in _KINDS.values() if offered is None or kind.offered == offered]


def kind_choices() -> list[tuple[str, str]]:
    """(code, label) of every registered kind: ContentItem.kind's choices, the API's enum."""
    return [(kind.code, kind.label) for kind in _KINDS.values()]
