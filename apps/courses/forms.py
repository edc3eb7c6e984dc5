"""Forms of the course pages. They check the shape of the input and offer only choices inside the viewer's
scope (through the selectors); the services decide what is allowed, validate the rest and write."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts import selectors as people
from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import scope_of
from apps.core.forms import SingleLineField
from apps.hierarchy import selectors as hierarchy
from apps.hierarchy.models import Branch

from . import media as media_checks
from . import selectors
from .models import Category, ContentVersion, Course

Role = RoleAssignment.Role
User = get_user_model()
IMAGE_ACCEPT = ",".join(sorted(media_checks.IMAGE_TYPES))
VIDEO_ACCEPT = ",".join(sorted(media_checks.VIDEO_TYPES))
ANY_ACCEPT = ",".join(f".{extension}" for extension in media_checks.ALLOWED_EXTENSIONS)
MARKDOWN_HELP = _("Markdown (or HTML). Scripts, styles and frames are removed before anyone sees it.")


def _search_input(placeholder: str) -> forms.TextInput:
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder, "autocomplete": "off"})


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class CourseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return (
            obj.title
            if obj.status == Course.Status.PUBLISHED
            else f"{obj.title} ({obj.get_status_display()})"
        )


# --- catalog ----------------------------------------------------------------------------------------------


class CatalogFilterForm(forms.Form):
    q = forms.CharField(
        required=False, max_length=200, label=_("Search"), widget=_search_input(_("Title, summary or tag"))
    )
    category = forms.ModelChoiceField(
        required=False, queryset=None, label=_("Category"), empty_label=_("Any category")
    )
    tag = forms.ModelChoiceField(required=False, queryset=None, label=_("Tag"), empty_label=_("Any tag"))
    branch = forms.ModelChoiceField(
        required=False, queryset=None, label=_("Branch"), empty_label=_("Any branch")
    )

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        tags, branches = selectors.catalog_filters(viewer=viewer)
        self.fields["category"].queryset = Category.objects.order_by("name", "pk")
        self.fields["tag"].queryset = tags
        self.fields["branch"].queryset = branches


class TeachingFilterForm(forms.Form):
    q = forms.CharField(
        required=False, max_length=200, label=_("Search"), widget=_search_input(_("Title or tag"))
    )
    status = forms.ChoiceField(
        required=False, label=_("Status"), choices=[("", _("Any status")), *Course.Status.choices]
    )


# --- the course editor ------------------------------------------------------------------------------------


class CourseForm(forms.Form):
    title = SingleLineField(max_length=200, label=_("Title"))
    summary = forms.CharField(
        required=False,
        max_length=300,
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences for the catalog."),
    )
    description = forms.CharField(
        required=False,
        max_length=50_000,
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )
    category = forms.ModelChoiceField(
        required=False, queryset=None, label=_("Category"), empty_label=_("No category")
    )
    tags = forms.CharField(
        required=False,
        max_length=1000,
        label=_("Tags"),
        help_text=_("Separated by commas, e.g. algebra, year 9."),
    )
    branches = forms.ModelMultipleChoiceField(
        required=False,
        queryset=None,
        label=_("Branches"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Learners of these branches find the course in their catalog."),
    )
    prerequisites = CourseChoiceField(
        required=False,
        queryset=None,
        label=_("Prerequisites"),
        widget=forms.SelectMultiple(attrs={"size": 5}),
        help_text=_("Courses a learner completes before enrolling (Ctrl or Cmd to choose several)."),
    )
    estimated_minutes = forms.IntegerField(
        required=False, min_value=1, max_value=100_000, label=_("Estimated time (minutes)")
    )
    self_enrollment = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Learners may enroll themselves"),
        help_text=_("Off: only teachers and managers enroll learners."),
    )
    co_teachers = PersonChoiceField(
        required=False,
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        label=_("Co-teachers"),
        help_text=_("They may change the course with you."),
    )
    slug = forms.SlugField(
        required=False,
        max_length=80,
        label=_("Slug"),
        help_text=_("The course's short name in links; empty: made from the title."),
    )
    cover = forms.FileField(
        required=False,
        label=_("Cover image"),
        help_text=_("PNG, JPEG, GIF or WebP."),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
    )
    remove_cover = forms.BooleanField(required=False, label=_("Remove the current cover"))

    def __init__(self, *args, viewer, course: Course | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(viewer)
        self.fields["category"].queryset = selectors.category_list().order_by("name", "pk")
        branches = hierarchy.branch_list(viewer=viewer).values("pk")
        if scope.is_org_admin:
            whole = gettext("None: the whole organization.")
            self.fields["branches"].help_text = f"{self.fields['branches'].help_text} {whole}"
        prerequisites = (
            selectors.course_list(viewer=viewer).exclude(status=Course.Status.ARCHIVED).values("pk")
        )
        teachers = (
            people.user_list(viewer=viewer)
            .filter(role_assignments__role__in=[Role.TEACHER, Role.BRANCH_MANAGER, Role.ORG_ADMIN])
            .values("pk")
        )
        # What the course has now stays on offer even where the viewer could not choose it, so that saving
        # other fields never drops a branch, prerequisite or co-teacher set by someone with a wider scope.
        current = {"branches": [], "prerequisites": [], "co_teachers": []}
        if course is not None:
            current = {
                "branches": [branch.pk for branch in course.branch_list],
                "prerequisites": list(course.prerequisites.values_list("pk", flat=True)),
                "co_teachers": [person.pk for person in course.co_teacher_list],
            }
        self.fields["branches"].queryset = Branch.objects.filter(
            Q(pk__in=branches) | Q(pk__in=current["branches"])
        ).order_by("name", "pk")
        self.fields["prerequisites"].queryset = (
            Course.objects.filter(Q(pk__in=prerequisites) | Q(pk__in=current["prerequisites"]))
            .exclude(pk=getattr(course, "pk", None))
            .order_by("title", "pk")
        )
        self.fields["co_teachers"].queryset = (
            User.objects.filter(Q(pk__in=teachers) | Q(pk__in=current["co_teachers"]))
            .exclude(pk=getattr(course, "owner_id", None) or viewer.pk)
            .order_by("full_name", "email")
        )
        self.current = current
        if course is None or not course.cover:
            del self.fields["remove_cover"]

    def values(self, *, only_changed: bool) -> dict:
        """The keyword arguments of course_create/course_update (ids for relations)."""
        data = self.cleaned_data
        names = [name for name in self.fields if name not in ("cover", "remove_cover")]
        if only_changed:
            names = [name for name in names if name in self.changed_data]
        values = {}
        for name in names:
            value = data[name]
            if name in ("branches", "prerequisites", "co_teachers"):
                value = [obj.pk for obj in value]
            elif name == "category":
                value = value.pk if value else None
            elif name == "slug" and not value:
                continue
            values[name] = value
        if data.get("cover"):
            values["cover"] = data["cover"]
        elif data.get("remove_cover"):
            values["cover"] = None
        return values


class ModuleForm(forms.Form):
    title = SingleLineField(max_length=200, label=_("Title"))
    description = forms.CharField(
        required=False, max_length=2000, label=_("Description"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "module_%s")
        super().__init__(*args, **kwargs)


class ModuleRenameForm(forms.Form):
    title = SingleLineField(max_length=200, label=_("Title"))


class MediaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.original_name} ({obj.content_type}, {obj.size / 1048576:.1f} MB)"


# --- lessons: one form per kind (registered in lesson_kinds.py) -------------------------------------------


class LessonForm(forms.Form):
    """The fields a lesson's editor form may have. A kind's form (a subclass, registered as its
    `editor_form`) keeps `kind_fields` of them, besides title, estimated time and note, and may declare
    fields of its own: the lesson editor shows those too (`extra_fields`), and its values() turns them into
    version fields (usually into `data`)."""

    kind_fields: tuple[str, ...] = ("body", "body_format")
    body_label = _("Description")
    body_rows = 5
    # Content types the file choice and the upload accept (None: any allowed file).
    media_types: frozenset[str] | None = None

    title = SingleLineField(max_length=200, label=_("Title"))
    video_url = forms.URLField(
        required=False,
        max_length=500,
        label=_("Video address"),
        assume_scheme="https",
        help_text=_("A YouTube, Vimeo or Loom page; or choose or upload a video file below."),
    )
    url = forms.URLField(
        required=False, max_length=1000, label=_("Address"), assume_scheme="https", help_text="http(s)://…"
    )
    media = MediaChoiceField(required=False, queryset=None, label=_("File of this course"), empty_label="—")
    upload = forms.FileField(required=False, label=_("Or upload a new file"))
    duration_seconds = forms.IntegerField(
        required=False, min_value=1, max_value=100_000, label=_("Length (seconds)")
    )
    body = forms.CharField(
        required=False,
        max_length=200_000,
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=MARKDOWN_HELP,
    )
    body_format = forms.ChoiceField(choices=ContentVersion.Format.choices, label=_("Format"))
    estimated_minutes = forms.IntegerField(
        required=False, min_value=1, max_value=10_000, label=_("Estimated time (minutes)")
    )
    note = forms.CharField(
        required=False,
        max_length=200,
        label=_("What changed"),
        help_text=_("A short note for the version history."),
    )
    COMMON = ("title", "estimated_minutes", "note")

    def __init__(self, *args, kind: str, viewer, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = {*self.COMMON, *self.kind_fields}
        for name in list(self.fields):
            if name in LessonForm.base_fields and name not in keep:
                del self.fields[name]
        if "media" in self.fields:
            files = selectors.media_list(viewer=viewer, course=course).order_by("original_name", "pk")
            if self.media_types is not None:
                files = files.filter(content_type__in=self.media_types)
            self.fields["media"].queryset = files
        if "upload" in self.fields:
            accept = ",".join(sorted(self.media_types)) if self.media_types is not None else ANY_ACCEPT
            self.fields["upload"].widget.attrs["accept"] = accept
            self.fields["upload"].help_text = gettext(
                "At most %(size)s MB. The file's contents decide its type, not its name."
            ) % {"size": media_checks.max_upload_bytes() // 1048576}
        if "body" in self.fields:
            self.fields["body"].label = self.body_label
            self.fields["body"].widget.attrs["rows"] = self.body_rows

    @classmethod
    def initial_for(cls, item) -> dict:
        """The form's values for editing `item` (its latest version); a kind's form adds its own fields."""
        version = item.latest_version
        initial = {"title": item.title, "estimated_minutes": item.estimated_minutes}
        if version is not None:
            initial.update(
                body=version.body,
                body_format=version.body_format,
                video_url=version.video_url,
                url=version.url,
                media=version.media_id,
                duration_seconds=version.duration_seconds,
            )
        return initial

    @property
    def extra_fields(self) -> list:
        """The kind's own fields (bound), which the lesson editor shows after the common ones."""
        return [self[name] for name in self.fields if name not in LessonForm.base_fields]

    def values(self) -> dict:
        """The lesson's fields for services.lesson_save (the upload, if any, is passed on its own)."""
        data = self.cleaned_data
        values = {name: data.get(name) for name in (*self.COMMON, *self.kind_fields) if name != "upload"}
        values["note"] = values.get("note") or ""
        if "media" in values:
            values["media"] = values["media"].pk if values["media"] else None
        for name in ("video_url", "url", "body"):
            if name in values and values[name] is None:
                values[name] = ""
        return values


class TextLessonForm(LessonForm):
    body_label = _("Text")
    body_rows = 14


class VideoLessonForm(LessonForm):
    kind_fields = ("video_url", "media", "upload", "duration_seconds", "body", "body_format")
    media_types = media_checks.VIDEO_TYPES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["media"].label = gettext("Video file of this course")
        self.fields["upload"].label = gettext("Or upload a video")


class FileLessonForm(LessonForm):
    kind_fields = ("media", "upload", "body", "body_format")


class LinkLessonForm(LessonForm):
    kind_fields = ("url", "body", "body_format")

    def clean(self):
        data = super().clean()
        if not data.get("url") and "url" not in self.errors:
            self.add_error("url", gettext("Enter the address of the page."))
        return data


class QuizLessonForm(TextLessonForm):
    body_rows = 5


class LessonPreviewForm(forms.Form):
    """A draft of a lesson's text, to be shown as learners would see it (nothing is saved)."""

    body = forms.CharField(required=False, max_length=200_000, strip=False)
    body_format = forms.ChoiceField(choices=ContentVersion.Format.choices)


class MediaUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ANY_ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "media_%s")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "At most %(size)s MB: documents, images, audio and video. "
            "The file's contents decide its type, not its name."
        ) % {"size": media_checks.max_upload_bytes() // 1048576}


# --- enrollments ------------------------------------------------------------------------------------------


def enrollable_classes(viewer):
    """The classes the viewer may enroll as a whole: Org Admins any; others those they teach or whose branch
    they manage."""
    scope = scope_of(viewer)
    classes = hierarchy.class_list(viewer=viewer).order_by("branch__name", "name", "term", "pk")
    if not scope.is_org_admin:
        classes = classes.filter(
            Q(pk__in=scope.teaching_class_ids) | Q(branch_id__in=scope.managed_branch_ids)
        )
    return classes


def enrollable_branches(viewer):
    scope = scope_of(viewer)
    branches = hierarchy.branch_list(viewer=viewer).order_by("name", "pk")
    if not scope.is_org_admin:
        branches = branches.filter(pk__in=scope.managed_branch_ids)
    return branches


class AssignForm(forms.Form):
    users = PersonChoiceField(
        required=False,
        queryset=None,
        label=_("People"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Ctrl or Cmd to choose several."),
    )
    classes = forms.ModelMultipleChoiceField(
        required=False,
        queryset=None,
        label=_("Classes"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone learning in the class, also those who join later."),
    )
    branches = forms.ModelMultipleChoiceField(
        required=False,
        queryset=None,
        label=_("Branches"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every learner of the branch, also those who join later."),
    )
    due_at = forms.DateField(
        required=False, label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, viewer, **kwargs):
        kwargs.setdefault("auto_id", "assign_%s")
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = (
            people.user_list(viewer=viewer)
            .prefetch_related(None)
            .exclude(status=User.Status.DEACTIVATED)
            .order_by("full_name", "email")
        )
        self.fields["classes"].queryset = enrollable_classes(viewer)
        self.fields["classes"].label_from_instance = lambda c: f"{c} · {c.branch.name}"
        branches = enrollable_branches(viewer)
        self.fields["branches"].queryset = branches
        if not scope_of(viewer).is_org_admin and not scope_of(viewer).managed_branch_ids:
            del self.fields["branches"]

    def clean(self):
        data = super().clean()
        if not (data.get("users") or data.get("classes") or data.get("branches")) and not self.errors:
            raise forms.ValidationError(gettext("Choose people, classes or branches to enroll."))
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        due = data.get("due_at")
        return {
            "users": [u.pk for u in data.get("users") or []],
            "classes": [c.pk for c in data.get("classes") or []],
            "branches": [b.pk for b in data.get("branches") or []],
            "due_at": due.isoformat() if due else None,
        }


class DueDateForm(forms.Form):
    due_at = forms.DateField(
        required=False, label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


# --- categories and tags ----------------------------------------------------------------------------------


class CategoryForm(forms.Form):
    name = SingleLineField(max_length=80, label=_("Name"))
    slug = forms.SlugField(
        required=False, max_length=80, label=_("Slug"), help_text=_("Empty: made from the name.")
    )
    description = forms.CharField(
        required=False, max_length=1000, label=_("Description"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, prefix_id: str = "category", **kwargs):
        kwargs.setdefault("auto_id", f"{prefix_id}_%s")
        super().__init__(*args, **kwargs)


class TagForm(forms.Form):
    name = SingleLineField(max_length=40, label=_("Name"))

    def __init__(self, *args, prefix_id: str = "tag", **kwargs):
        kwargs.setdefault("auto_id", f"{prefix_id}_%s")
        super().__init__(*args, **kwargs)
