"""The quiz pages' forms. They only read what was typed (minutes into seconds, the review grid's checkboxes,
the feedback bands' rows); every rule is the services' (their field errors come back onto these forms)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..access_rules import MAX_PASSWORD, MAX_SUBNET_TEXT
from ..models import REVIEW_FIELDS, REVIEW_MOMENTS, Assessment

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

REVIEW_FIELD_LABELS = {
    "attempt": _("The attempt (responses)"),
    "correctness": _("Whether correct"),
    "marks": _("Marks"),
    "specific_feedback": _("Specific feedback"),
    "general_feedback": _("General feedback"),
    "right_answer": _("Right answer"),
    "overall_feedback": _("Overall feedback"),
}
REVIEW_MOMENT_LABELS = {
    "during": _("During the attempt"),
    "immediately": _("Immediately after the attempt"),
    "open": _("Later, while the quiz is still open"),
    "closed": _("After the quiz is closed"),
}
SPARE_BANDS = 3


def _minutes_field(label, *, required=False, min_value=0, max_value=None, help_text=""):
    return forms.IntegerField(
        required=required, min_value=min_value, max_value=max_value, label=label, help_text=help_text
    )


def _seconds(minutes):
    return None if minutes is None else minutes * 60


def _password_field(help_text):
    """Shown to the quiz's editors as typed (Moodle's unmasked password), never trimmed."""
    return forms.CharField(
        required=False,
        strip=False,
        max_length=MAX_PASSWORD,
        label=_("Password"),
        help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class QuizSettingsForm(forms.Form):
    """Every setting of a quiz, in the sections of the settings page. values() gives the services' names."""

    title = forms.CharField(max_length=200, label=_("Title"))
    description = forms.CharField(
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Description"),
        help_text=_("Shown to learners before they start (formatted text; unsafe markup is removed)."),
    )
    # Timing
    open_at = forms.DateTimeField(
        required=False, widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS, label=_("Open the quiz")
    )
    close_at = forms.DateTimeField(
        required=False, widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS, label=_("Close the quiz")
    )
    time_limit_minutes = _minutes_field(
        _("Time limit (minutes)"), min_value=1, max_value=10080, help_text=_("Empty: no time limit.")
    )
    overdue_handling = forms.ChoiceField(
        choices=Assessment.OverdueHandling.choices, label=_("When time expires")
    )
    grace_period_minutes = _minutes_field(
        _("Grace period (minutes)"),
        min_value=0,
        max_value=525600,
        help_text=_("Used with the grace period only."),
    )
    # Grade
    attempts_allowed = forms.IntegerField(
        min_value=0, max_value=1000, label=_("Attempts allowed"), help_text=_("0: unlimited.")
    )
    attempt_delay_minutes = _minutes_field(_("Wait between attempts (minutes)"), max_value=525600)
    grade_method = forms.ChoiceField(choices=Assessment.GradeMethod.choices, label=_("Grading method"))
    max_grade = forms.DecimalField(min_value=0, max_digits=8, decimal_places=2, label=_("Maximum grade"))
    pass_grade = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        label=_("Grade to pass"),
        help_text=_(
            "Out of the maximum grade; empty: no pass mark (then the quiz completes when submitted)."
        ),
    )
    decimal_points = forms.IntegerField(min_value=0, max_value=5, label=_("Decimal places in grades"))
    # Layout
    questions_per_page = forms.IntegerField(
        min_value=0, max_value=50, label=_("Questions per page"), help_text=_("0: all on one page.")
    )
    navigation = forms.ChoiceField(choices=Assessment.Navigation.choices, label=_("Navigation"))
    shuffle_questions = forms.BooleanField(required=False, label=_("Shuffle the questions"))
    shuffle_answers = forms.BooleanField(required=False, label=_("Shuffle the options within questions"))
    behaviour = forms.ChoiceField(choices=Assessment.Behaviour.choices, label=_("How questions behave"))
    # Extra restrictions on attempts
    password = _password_field(_("Learners enter it to start an attempt. Empty: no password."))
    subnets = forms.CharField(
        required=False,
        max_length=MAX_SUBNET_TEXT,
        label=_("Allowed networks"),
        help_text=_(
            "Addresses or ranges attempts may come from, separated by commas (such as "
            "192.168.10.0/24, 10.1.2.3). Empty: anywhere."
        ),
    )

    def __init__(self, *args, bands: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.band_count = bands + SPARE_BANDS
        for index in range(self.band_count):
            self.fields[f"band_{index}_percent"] = forms.DecimalField(
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=2,
                label=_("From (%)"),
            )
            self.fields[f"band_{index}_text"] = forms.CharField(
                required=False,
                max_length=20_000,
                label=_("Feedback"),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for name in REVIEW_FIELDS:
            for moment in REVIEW_MOMENTS:
                self.fields[f"review_{name}_{moment}"] = forms.BooleanField(
                    required=False,
                    label=f"{REVIEW_FIELD_LABELS[name]}: {REVIEW_MOMENT_LABELS[moment]}",
                )

    @classmethod
    def initial_for(cls, assessment: Assessment) -> dict:
        initial = {
            "title": assessment.item.title if assessment.item_id else "",
            "description": assessment.description,
            "open_at": assessment.open_at,
            "close_at": assessment.close_at,
            "time_limit_minutes": assessment.time_limit // 60 if assessment.time_limit else None,
            "overdue_handling": assessment.overdue_handling,
            "grace_period_minutes": assessment.grace_period // 60,
            "attempts_allowed": assessment.attempts_allowed,
            "attempt_delay_minutes": assessment.attempt_delay // 60,
            "grade_method": assessment.grade_method,
            "max_grade": assessment.max_grade,
            "pass_grade": assessment.pass_grade,
            "decimal_points": assessment.decimal_points,
            "questions_per_page": assessment.questions_per_page,
            "navigation": assessment.navigation,
            "shuffle_questions": assessment.shuffle_questions,
            "shuffle_answers": assessment.shuffle_answers,
            "behaviour": assessment.behaviour,
            "password": assessment.password,
            "subnets": ", ".join(assessment.subnets or []),
        }
        review = assessment.review or {}
        for name in REVIEW_FIELDS:
            for moment in REVIEW_MOMENTS:
                initial[f"review_{name}_{moment}"] = moment in (review.get(name) or [])
        for index, band in enumerate(assessment.overall_feedback or []):
            initial[f"band_{index}_percent"] = band.get("min_percent")
            initial[f"band_{index}_text"] = band.get("text", "")
        return initial

    def review_rows(self):
        """The review grid: one row per field, one checkbox per moment."""
        return [
            (REVIEW_FIELD_LABELS[name], [self[f"review_{name}_{moment}"] for moment in REVIEW_MOMENTS])
            for name in REVIEW_FIELDS
        ]

    def review_moments(self):
        return [REVIEW_MOMENT_LABELS[moment] for moment in REVIEW_MOMENTS]

    def band_rows(self):
        return [(self[f"band_{i}_percent"], self[f"band_{i}_text"]) for i in range(self.band_count)]

    def values(self) -> dict:
        data = self.cleaned_data
        values = {
            name: data.get(name)
            for name in (
                "description",
                "open_at",
                "close_at",
                "overdue_handling",
                "attempts_allowed",
                "grade_method",
                "max_grade",
                "pass_grade",
                "decimal_points",
                "questions_per_page",
                "navigation",
                "shuffle_questions",
                "shuffle_answers",
                "behaviour",
                "password",
                "subnets",
            )
        }
        values["description"] = values["description"] or ""
        values["time_limit"] = _seconds(data.get("time_limit_minutes"))
        values["grace_period"] = _seconds(data.get("grace_period_minutes")) or 0
        values["attempt_delay"] = _seconds(data.get("attempt_delay_minutes")) or 0
        values["review"] = {
            name: [moment for moment in REVIEW_MOMENTS if data.get(f"review_{name}_{moment}")]
            for name in REVIEW_FIELDS
        }
        bands = []
        for index in range(self.band_count):
            percent, text = data.get(f"band_{index}_percent"), (data.get(f"band_{index}_text") or "").strip()
            if percent is None and not text:
                continue
            bands.append({"min_percent": percent, "text": text})
        values["overall_feedback"] = bands
        return values


ALIASES = {
    "time_limit": "time_limit_minutes",
    "grace_period": "grace_period_minutes",
    "attempt_delay": "attempt_delay_minutes",
}


class SlotMarkForm(forms.Form):
    mark = forms.DecimalField(min_value=0, max_value=9999, decimal_places=4, label=_("Mark"))


class AddRandomForm(forms.Form):
    category = forms.TypedChoiceField(coerce=int, choices=(), label=_("Category"))
    count = forms.IntegerField(min_value=1, max_value=100, initial=1, label=_("How many"))
    subcategories = forms.BooleanField(required=False, initial=True, label=_("Include subcategories"))
    tag = forms.TypedChoiceField(
        coerce=int, choices=(), required=False, empty_value=None, label=_("With tag")
    )
    mark = forms.DecimalField(
        required=False, min_value=0, max_value=9999, decimal_places=4, label=_("Mark of each")
    )

    def __init__(self, *args, categories=(), tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = list(categories)
        self.fields["tag"].choices = [("", pgettext_lazy("tag", "Any")), *tags]


class RepaginateForm(forms.Form):
    per_page = forms.IntegerField(
        min_value=0, max_value=50, label=_("Questions per page"), help_text=_("0: all on one page.")
    )


class OverrideForm(forms.Form):
    """A person's or a class's own window, time limit, attempts and password; empty fields keep the quiz's."""

    user = forms.TypedChoiceField(coerce=int, choices=(), required=False, empty_value=None, label=_("Person"))
    school_class = forms.TypedChoiceField(
        coerce=int, choices=(), required=False, empty_value=None, label=_("Or a class")
    )
    open_at = forms.DateTimeField(
        required=False, widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS, label=_("Open the quiz")
    )
    close_at = forms.DateTimeField(
        required=False, widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS, label=_("Close the quiz")
    )
    time_limit_minutes = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=10080,
        label=_("Time limit (minutes)"),
        help_text=_("0: no time limit for them."),
    )
    attempts_allowed = forms.IntegerField(
        required=False, min_value=0, max_value=1000, label=_("Attempts allowed"), help_text=_("0: unlimited.")
    )
    password = _password_field(_("Their own password for the quiz. Empty: the quiz's."))

    def __init__(self, *args, people=(), classes=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["user"]
            del self.fields["school_class"]
        else:
            self.fields["user"].choices = [("", "—"), *people]
            self.fields["school_class"].choices = [("", "—"), *classes]

    @classmethod
    def initial_for(cls, override) -> dict:
        return {
            "open_at": override.open_at,
            "close_at": override.close_at,
            "time_limit_minutes": None if override.time_limit is None else override.time_limit // 60,
            "attempts_allowed": override.attempts_allowed,
            "password": override.password,
        }

    def values(self) -> dict:
        data = self.cleaned_data
        minutes = data.get("time_limit_minutes")
        return {
            "open_at": data.get("open_at"),
            "close_at": data.get("close_at"),
            "time_limit": None if minutes is None else minutes * 60,
            "attempts_allowed": data.get("attempts_allowed"),
            "password": data.get("password") or "",
        }
