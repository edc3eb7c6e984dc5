"""Forms of the badges' pages. The editor works without JavaScript: criteria are a fixed number of numbered
rows (`c0_kind`, `c0_course`, ...; empty rows are left out), each row's fields used by its kind. The form
only shapes the input; the services decide (and their errors, `criteria.2.count`, come back on `c2_count`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.assessments.quizzes.selectors import assessment_list
from apps.core.forms import SingleLineField
from apps.courses import selectors as course_selectors
from apps.courses.models import Category

from ..models import Badge, BadgeCriterion
from . import selectors

CRITERIA_ROWS = 4
ROW_FIELDS = ("kind", "course", "category", "assessment", "count", "min_percent", "badges")
SERVICE_FIELDS = {
    "kind": "kind",
    "course_id": "course",
    "category_id": "category",
    "assessment_id": "assessment",
    "count": "count",
    "min_percent": "min_percent",
    "badge_ids": "badges",
}


class ObjectChoiceField(forms.ChoiceField):
    """A select of the viewer's objects; the services resolve the posted id through the selectors."""

    def valid_value(self, value) -> bool:
        return True


class ObjectMultipleChoiceField(forms.MultipleChoiceField):
    def valid_value(self, value) -> bool:
        return True


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BadgeForm(forms.Form):
    name = SingleLineField(max_length=200, label=_("Name"))
    description = forms.CharField(
        max_length=2000, label=_("Description"), widget=forms.Textarea(attrs={"rows": 3})
    )
    course = ObjectChoiceField(
        required=False,
        label=_("Course"),
        help_text=_("A course's badge is managed by its teachers; without one it is the organization's."),
    )
    criteria_mode = forms.ChoiceField(
        choices=Badge.Mode.choices, label=_("Earned when"), initial=Badge.Mode.ALL
    )
    criteria_narrative = forms.CharField(
        required=False,
        max_length=5000,
        label=_("Criteria, in words"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tags = forms.CharField(
        required=False, max_length=500, label=_("Tags"), help_text=_("Separated by commas.")
    )
    expiry = forms.ChoiceField(choices=Badge.Expiry.choices, label=_("Expiry"), initial=Badge.Expiry.NONE)
    expires_on = forms.DateField(required=False, label=_("Expires on"), widget=_date())
    expires_after_days = forms.IntegerField(
        required=False, min_value=1, max_value=36500, label=_("Days of validity after the award")
    )
    image = forms.FileField(
        required=False,
        label=_("Image"),
        help_text=_("A PNG of at most 1 MB. Leave empty for a generated one."),
    )
    regenerate_image = forms.BooleanField(required=False, label=_("Use the generated image again"))

    def __init__(self, *args, viewer, badge: Badge | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.badge = badge
        courses = [("", _("(the organization's badge)"))] + [
            (str(c.pk), c.title)
            for c in course_selectors.course_list_editable(viewer=viewer).order_by("title")
        ]
        visible = [
            (str(c.pk), c.title)
            for c in course_selectors.visible_courses(viewer=viewer).order_by("title", "pk")
        ]
        quizzes = [(str(q.pk), q.item.title) for q in assessment_list(viewer=viewer).select_related("item")]
        others = [
            (str(b.pk), b.name)
            for b in selectors.badge_list(viewer=viewer)
            if badge is None or b.pk != badge.pk
        ]
        categories = [("", _("(any category)"))] + [
            (str(c.pk), c.name) for c in Category.objects.order_by("name")
        ]
        if badge is not None:
            del self.fields["course"]
        else:
            self.fields["course"].choices = courses
            del self.fields["regenerate_image"]
        kinds = [("", _("(none)")), *list(BadgeCriterion.Kind.choices)]
        for n in range(CRITERIA_ROWS):
            self.fields[f"c{n}_kind"] = forms.ChoiceField(required=False, choices=kinds, label=_("Criterion"))
            self.fields[f"c{n}_course"] = ObjectChoiceField(
                required=False, choices=[("", "—"), *visible], label=_("Course")
            )
            self.fields[f"c{n}_category"] = ObjectChoiceField(
                required=False, choices=categories, label=_("Category")
            )
            self.fields[f"c{n}_assessment"] = ObjectChoiceField(
                required=False, choices=[("", "—"), *quizzes], label=_("Quiz")
            )
            self.fields[f"c{n}_count"] = forms.IntegerField(
                required=False, min_value=1, max_value=3650, label=_("Number (courses or days)")
            )
            self.fields[f"c{n}_min_percent"] = forms.DecimalField(
                required=False, min_value=0, max_value=100, decimal_places=2, label=_("At least (%)")
            )
            self.fields[f"c{n}_badges"] = ObjectMultipleChoiceField(
                required=False,
                choices=others,
                label=_("Badges"),
                widget=forms.SelectMultiple(attrs={"size": 3}),
            )

    def main_fields(self):
        """The badge's own fields (not the criterion rows), for the template."""
        return [self[name] for name in self.fields if not (name[:1] == "c" and name[1:2].isdigit())]

    def rows(self):
        """The criterion rows' bound fields, for the template."""
        return [[self[f"c{n}_{name}"] for name in ROW_FIELDS] for n in range(CRITERIA_ROWS)]

    @staticmethod
    def initial_for(badge: Badge) -> dict:
        initial = {
            "name": badge.name,
            "description": badge.description,
            "criteria_mode": badge.criteria_mode,
            "criteria_narrative": badge.criteria_narrative,
            "tags": ", ".join(t.name for t in badge.tags.all()),
            "expiry": badge.expiry,
            "expires_on": badge.expires_on,
            "expires_after_days": badge.expires_after_days,
        }
        for n, criterion in enumerate(list(badge.criteria.all())[:CRITERIA_ROWS]):
            initial[f"c{n}_kind"] = criterion.kind
            initial[f"c{n}_course"] = str(criterion.course_id or "")
            initial[f"c{n}_category"] = str(criterion.category_id or "")
            initial[f"c{n}_assessment"] = str(criterion.assessment_id or "")
            initial[f"c{n}_count"] = criterion.count
            initial[f"c{n}_min_percent"] = criterion.min_percent
            initial[f"c{n}_badges"] = [str(b.pk) for b in criterion.required_badges.all()]
        return initial

    def criteria(self) -> list[dict]:
        data = self.cleaned_data
        specs = []
        for n in range(CRITERIA_ROWS):
            kind = data.get(f"c{n}_kind")
            if not kind:
                continue
            specs.append(
                {
                    "kind": kind,
                    "course_id": data.get(f"c{n}_course") or None,
                    "category_id": data.get(f"c{n}_category") or None,
                    "assessment_id": data.get(f"c{n}_assessment") or None,
                    "count": data.get(f"c{n}_count"),
                    "min_percent": data.get(f"c{n}_min_percent"),
                    "badge_ids": list(data.get(f"c{n}_badges") or []),
                }
            )
        return specs

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {
            "name": data["name"],
            "description": data["description"],
            "criteria_mode": data["criteria_mode"],
            "criteria_narrative": data.get("criteria_narrative", ""),
            "expiry": data["expiry"],
            "expires_on": data.get("expires_on"),
            "expires_after_days": data.get("expires_after_days"),
        }
        return values

    def tag_names(self) -> list[str]:
        return [t for t in (self.cleaned_data.get("tags") or "").split(",") if t.strip()]

    def error_field(self, service_field: str) -> str | None:
        """The form field for a service's error key (`criteria.1.count` -> `c1_count`)."""
        parts = service_field.split(".")
        if parts[0] == "criteria" and len(parts) >= 2 and parts[1].isdigit():
            index = self._row_of(int(parts[1]))
            name = SERVICE_FIELDS.get(parts[2], "kind") if len(parts) > 2 else "kind"
            return f"c{index}_{name}" if index is not None else None
        return service_field if service_field in self.fields else None

    def _row_of(self, position: int) -> int | None:
        """The row of the `position`-th non-empty criterion."""
        seen = -1
        for n in range(CRITERIA_ROWS):
            if self.cleaned_data.get(f"c{n}_kind"):
                seen += 1
                if seen == position:
                    return n
        return None


class AwardForm(forms.Form):
    user = ObjectChoiceField(label=_("Learner"))
    note = forms.CharField(
        required=False, max_length=2000, label=_("Note"), widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_url = forms.URLField(
        required=False, max_length=500, label=_("Evidence URL"), assume_scheme="https"
    )
    evidence_narrative = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Evidence, in words"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, learners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—")] + [
            (str(u.pk), f"{u.get_full_name()} <{u.email}>") for u in learners
        ]


class RevokeForm(forms.Form):
    reason = SingleLineField(max_length=500, label=_("Reason"))
