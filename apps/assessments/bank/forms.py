"""Forms of the question bank's pages: categories, and one question editor per type family.

The editors work without JavaScript: a type's rows (options, answers, pairs, items, units) are a fixed number
of numbered fields (`options-0-text`, `options-0-grade`, ...); "Add more rows" posts the form back with three
more (or `?rows=N` on the link). Empty rows are left out. The form only shapes the input into the type's
`data`; the type's clean() (through the services) decides, and its errors are put back on the row fields
they name (`data.options.2.fraction` -> `options-2-grade`).
"""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.forms import SingleLineField

from ..permissions import can_use_bank_of
from . import selectors

HTML_HELP = _("HTML. Scripts, styles and frames are removed when it is saved.")
MAX_ROWS = 50
MORE_ROWS = 3


class ObjectChoiceField(forms.ChoiceField):
    """A select of the viewer's objects whose posted value the view resolves itself (through the selectors:
    a 404 for an object the viewer may not use, as for the pages' other lookups), not the form."""

    def valid_value(self, value) -> bool:
        return True


def _area(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def category_label(category, names: dict) -> str:
    """ "Geography / Capitals / Europe": the bank, then the path of names."""
    parts = []
    current = category
    seen = set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        parts.append(current.name)
        current = names.get(current.parent_id)
    bank = category.course.title if category.course_id else gettext("Organization bank")
    return " / ".join([bank, *reversed(parts)])


def category_choices(viewer, *, course_id=..., exclude=()) -> list[tuple[str, str]]:
    """(pk, label) of the categories the viewer may use (of one bank when `course_id` is given)."""
    categories = list(selectors.category_list(viewer=viewer))
    names = {c.pk: c for c in categories}
    choices = [
        (str(c.pk), category_label(c, names))
        for c in categories
        if (course_id is ... or c.course_id == course_id) and c.pk not in exclude
    ]
    return sorted(choices, key=lambda choice: choice[1].lower())


# --- categories ------------------------------------------------------------------------------------------


class CategoryCreateForm(forms.Form):
    bank = ObjectChoiceField(label=_("Bank"), required=False, help_text=_("Ignored when a parent is chosen."))
    parent = ObjectChoiceField(label=_("Parent category"), required=False)
    name = SingleLineField(max_length=200, label=_("Name"))
    description = forms.CharField(required=False, max_length=2000, label=_("Description"), widget=_area())

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        banks = [(f"course:{c.pk}", c.title) for c in selectors.bank_courses(viewer=viewer)]
        if can_use_bank_of(viewer, None):
            banks.insert(0, ("shared", gettext("Organization bank (shared)")))
        self.fields["bank"].choices = banks
        self.fields["parent"].choices = [
            ("", gettext("None: at the top of the bank")),
            *category_choices(viewer),
        ]


class CategoryEditForm(forms.Form):
    name = SingleLineField(max_length=200, label=_("Name"))
    description = forms.CharField(required=False, max_length=2000, label=_("Description"), widget=_area())
    parent = ObjectChoiceField(label=_("Parent category"), required=False)

    def __init__(self, *args, viewer, category, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [
            ("", gettext("None: at the top of the bank")),
            *category_choices(viewer, course_id=category.course_id, exclude={category.pk}),
        ]


# --- question editors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # the form field's column name (options-0-<name>)
    key: str  # the data key it fills
    label: str
    kind: str = "text"  # text | area | grade | number | hidden


@dataclass(frozen=True)
class Rows:
    key: str  # the data list: options, answers, pairs, items, units
    label: str  # one row, for errors: "Option 2"
    title: str  # the group's legend: "Options"
    columns: tuple[Column, ...]
    minimum: int = 2


ID = Column("id", "id", "", "hidden")
GRADE = Column("grade", "fraction", _("Grade (%)"), "grade")
FEEDBACK = Column("feedback", "feedback", _("Feedback"), "area")

ROWS = {
    "choice": (
        Rows(
            "options",
            _("Option"),
            _("Options"),
            (ID, Column("text", "text", _("Text"), "area"), GRADE, FEEDBACK),
            3,
        ),
    ),
    "multiple": (
        Rows(
            "options",
            _("Option"),
            _("Options"),
            (ID, Column("text", "text", _("Text"), "area"), GRADE, FEEDBACK),
            4,
        ),
    ),
    "shortanswer": (
        Rows(
            "answers",
            _("Answer"),
            _("Answers"),
            (Column("text", "text", _("Accepted answer")), GRADE, FEEDBACK),
            2,
        ),
    ),
    "numeric": (
        Rows(
            "answers",
            _("Answer"),
            _("Answers"),
            (
                Column("value", "value", _("Value (* for any other answer)")),
                Column("tolerance", "tolerance", _("Tolerance (±)"), "number"),
                Column("min", "min", _("Or from"), "number"),
                Column("max", "max", _("to"), "number"),
                GRADE,
                FEEDBACK,
            ),
            2,
        ),
        Rows(
            "units",
            _("Unit"),
            _("Units"),
            (
                Column("unit", "unit", _("Unit")),
                Column("multiplier", "multiplier", _("Multiplier"), "number"),
            ),
            1,
        ),
    ),
    "matching": (
        Rows(
            "pairs",
            _("Pair"),
            _("Pairs"),
            (ID, Column("prompt", "prompt", _("Prompt"), "area"), Column("answer", "answer", _("Answer"))),
            3,
        ),
    ),
    "ordering": (
        Rows("items", _("Item"), _("Items"), (ID, Column("text", "text", _("Item (in the right order)"))), 3),
    ),
}


def _row_field(column: Column) -> forms.Field:
    if column.kind == "hidden":
        return forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)
    if column.kind == "grade":
        return forms.FloatField(required=False, min_value=-100, max_value=100, label=column.label)
    if column.kind == "number":
        return forms.FloatField(required=False, label=column.label)
    if column.kind == "area":
        return forms.CharField(required=False, label=column.label, widget=_area(2), max_length=20000)
    return forms.CharField(required=False, label=column.label, max_length=1000, strip=True)


class QuestionForm(forms.Form):
    """The fields every type shares, the type's rows, and the type's own settings (`extra_fields`)."""

    category = ObjectChoiceField(label=_("Category"))
    name = SingleLineField(max_length=255, label=_("Name"), help_text=_("For you: learners never see it."))
    text = forms.CharField(label=_("Question text"), widget=_area(5), help_text=HTML_HELP, max_length=100000)
    general_feedback = forms.CharField(
        required=False, label=_("General feedback"), widget=_area(3), help_text=HTML_HELP, max_length=100000
    )
    default_mark = forms.DecimalField(
        label=_("Default mark"), min_value=0, max_digits=8, decimal_places=4, initial=1
    )
    penalty = forms.FloatField(
        required=False,
        min_value=0,
        max_value=1,
        label=_("Penalty for each wrong try"),
        help_text=_("A share of the mark (0 to 1), in the interactive behaviour. Empty: the type's default."),
    )
    tags = forms.CharField(
        required=False, max_length=1000, label=_("Tags"), help_text=_("Separated by commas.")
    )

    HINTS = 2

    def __init__(
        self, *args, viewer, qtype: str, rows: int | None = None, hint_rows: int | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.qtype = qtype
        self.row_specs = ROWS.get(qtype, ())
        self.rows = max(min(rows or 0, MAX_ROWS), max((spec.minimum for spec in self.row_specs), default=0))
        self.fields["category"].choices = category_choices(viewer)
        if qtype == "description":
            del self.fields["default_mark"]
            del self.fields["penalty"]
        self.hint_rows = max(min(hint_rows or 0, 10), self.HINTS)
        for index in range(self.hint_rows):
            self.fields[f"hint-{index}"] = forms.CharField(
                required=False,
                label=_("Hint %(number)s") % {"number": index + 1},
                widget=_area(2),
                max_length=20000,
            )
        for spec in self.row_specs:
            for index in range(self.rows):
                for column in spec.columns:
                    self.fields[f"{spec.key}-{index}-{column.name}"] = _row_field(column)
        for name, form_field in self.extra_fields().items():
            self.fields[name] = form_field
        self._index_maps: dict[str, list[int]] = {}

    # The type's own settings ------------------------------------------------------------------------------

    def extra_fields(self) -> dict[str, forms.Field]:
        qtype = self.qtype
        if qtype in ("choice", "multiple"):
            return {
                "shuffle": forms.BooleanField(required=False, initial=True, label=_("Shuffle the options"))
            }
        if qtype == "truefalse":
            return {
                "correct": forms.ChoiceField(
                    label=_("The right answer"),
                    choices=[("true", _("True")), ("false", _("False"))],
                    widget=forms.RadioSelect,
                ),
                "feedback_true": forms.CharField(
                    required=False, label=_("Feedback for True"), widget=_area(2)
                ),
                "feedback_false": forms.CharField(
                    required=False, label=_("Feedback for False"), widget=_area(2)
                ),
            }
        if qtype == "shortanswer":
            return {"case_sensitive": forms.BooleanField(required=False, label=_("Case matters"))}
        if qtype == "numeric":
            return {"unit_required": forms.BooleanField(required=False, label=_("A unit must be given"))}
        if qtype == "matching":
            return {
                "shuffle": forms.BooleanField(required=False, initial=True, label=_("Shuffle the options")),
                "distractors": forms.CharField(
                    required=False,
                    label=_("Extra wrong answers"),
                    widget=_area(3),
                    help_text=_("One per line."),
                ),
            }
        if qtype == "ordering":
            return {
                "scoring": forms.ChoiceField(
                    label=_("Partial credit"),
                    choices=[
                        ("positions", _("Items in their right position")),
                        ("subset", _("Longest ordered subset")),
                    ],
                )
            }
        if qtype == "essay":
            return {
                "format": forms.ChoiceField(
                    label=_("Response format"),
                    choices=[("html", _("Rich text (HTML)")), ("plain", _("Plain text"))],
                ),
                "min_words": forms.IntegerField(required=False, min_value=0, label=_("Minimum words")),
                "max_words": forms.IntegerField(required=False, min_value=1, label=_("Maximum words")),
                "template": forms.CharField(required=False, label=_("Response template"), widget=_area(3)),
                "grader_info": forms.CharField(
                    required=False, label=_("Information for graders"), widget=_area(3), help_text=HTML_HELP
                ),
            }
        return {}

    # Reading ----------------------------------------------------------------------------------------------

    def row_groups(self) -> list[dict]:
        """For the template: each row list with its rows of bound fields."""
        groups = []
        for spec in self.row_specs:
            rows = []
            for index in range(self.rows):
                rows.append(
                    {
                        "number": index + 1,
                        "fields": [self[f"{spec.key}-{index}-{column.name}"] for column in spec.columns],
                    }
                )
            groups.append({"key": spec.key, "label": spec.label, "title": spec.title, "rows": rows})
        return groups

    def common_fields(self):
        names = ["category", "name", "text", "default_mark", "penalty", "general_feedback", "tags"]
        return [self[name] for name in names if name in self.fields]

    def hint_fields(self):
        return [self[f"hint-{index}"] for index in range(self.hint_rows)]

    def setting_fields(self):
        return [self[name] for name in self.extra_fields()]

    def _rows_data(self, spec: Rows) -> list[dict]:
        rows, index_map = [], []
        for index in range(self.rows):
            values = {
                column: self.cleaned_data.get(f"{spec.key}-{index}-{column.name}") for column in spec.columns
            }
            if all(v in (None, "") for c, v in values.items() if c.kind != "hidden"):
                continue
            row = {}
            for column, value in values.items():
                if column.kind == "grade":
                    row[column.key] = (value or 0) / 100
                elif column.kind == "hidden":
                    if value:
                        row[column.key] = value
                elif value not in (None, ""):
                    row[column.key] = value
                elif column.kind in ("text", "area"):
                    row[column.key] = ""
            rows.append(row)
            index_map.append(index)
        self._index_maps[spec.key] = index_map
        return rows

    def type_data(self) -> dict:
        """The type's `data` from the cleaned form."""
        data = self.cleaned_data
        out: dict = {}
        for spec in self.row_specs:
            out[spec.key] = self._rows_data(spec)
        qtype = self.qtype
        if qtype in ("choice", "multiple", "matching"):
            out["shuffle"] = bool(data.get("shuffle"))
        if qtype == "truefalse":
            out.update(
                correct=data.get("correct") == "true",
                feedback_true=data.get("feedback_true", ""),
                feedback_false=data.get("feedback_false", ""),
            )
        if qtype == "shortanswer":
            out["case_sensitive"] = bool(data.get("case_sensitive"))
        if qtype == "numeric":
            answers = []
            for row in out["answers"]:
                if "min" in row or "max" in row:
                    answers.append({k: row.get(k) for k in ("min", "max", "fraction", "feedback")})
                elif str(row.get("value", "")).strip() in ("", "*"):
                    answers.append(
                        {"value": None, "fraction": row["fraction"], "feedback": row.get("feedback", "")}
                    )
                else:
                    answers.append(
                        {
                            "value": row["value"],
                            "tolerance": row.get("tolerance") or 0,
                            "fraction": row["fraction"],
                            "feedback": row.get("feedback", ""),
                        }
                    )
            out["answers"] = answers
            out["unit_required"] = bool(data.get("unit_required"))
        if qtype == "matching":
            out["distractors"] = [
                line.strip() for line in (data.get("distractors") or "").splitlines() if line.strip()
            ]
        if qtype == "ordering":
            out["scoring"] = data.get("scoring") or "positions"
        if qtype == "essay":
            out.update(
                format=data.get("format") or "html",
                min_words=data.get("min_words"),
                max_words=data.get("max_words"),
                template=data.get("template", ""),
                grader_info=data.get("grader_info", ""),
            )
        return out

    def service_values(self) -> dict:
        data = self.cleaned_data
        values = {
            "name": data["name"],
            "text": data["text"],
            "general_feedback": data.get("general_feedback", ""),
            "hints": [data.get(f"hint-{index}", "") for index in range(self.hint_rows)],
            "tags": [t for t in (data.get("tags") or "").split(",") if t.strip()],
            "data": self.type_data(),
        }
        if "default_mark" in self.fields:
            values["default_mark"] = data["default_mark"]
            values["penalty"] = data.get("penalty")
        return values

    # Errors from the services -----------------------------------------------------------------------------

    def add_service_errors(self, field_errors: dict) -> None:
        """Put each of the service's errors on the field it names (a row's column, a setting), or on the
        form."""
        columns = {spec.key: {c.key: c.name for c in spec.columns} for spec in self.row_specs}
        labels = {spec.key: spec.label for spec in self.row_specs}
        for key, messages in field_errors.items():
            target, prefix = None, ""
            parts = key.split(".")
            if parts[0] == "data" and len(parts) > 1:
                rest = parts[1:]
                if rest[0] in columns and len(rest) >= 2 and rest[1].isdigit():
                    position = int(rest[1])
                    index_map = self._index_maps.get(rest[0], [])
                    row = index_map[position] if position < len(index_map) else position
                    column = columns[rest[0]].get(rest[2]) if len(rest) > 2 else None
                    name = f"{rest[0]}-{row}-{column}" if column else None
                    if name in self.fields:
                        target = name
                    else:
                        prefix = f"{labels[rest[0]]} {row + 1}: "
                elif rest[0] in self.fields and len(rest) == 1:
                    target = rest[0]
                elif rest[0] in ("value", "correct") and "correct" in self.fields:
                    target = "correct"
            elif key == "hints":
                target = None
            elif key in self.fields:
                target = key
            for message in messages:
                self.add_error(target, f"{prefix}{message}")

    # Initial values from a version --------------------------------------------------------------------------

    @staticmethod
    def initial_from(question) -> dict:
        version = question.latest_version
        data = version.data or {}
        initial = {
            "category": str(question.category_id),
            "name": version.name,
            "text": version.text,
            "general_feedback": version.general_feedback,
            "default_mark": version.default_mark,
            "penalty": version.penalty,
            "tags": ", ".join(tag.name for tag in question.tags.all()),
        }
        for index, hint in enumerate(version.hints or []):
            initial[f"hint-{index}"] = hint
        for spec in ROWS.get(question.qtype, ()):
            for index, row in enumerate(data.get(spec.key) or []):
                if not isinstance(row, dict):
                    continue
                for column in spec.columns:
                    value = row.get(column.key)
                    if column.kind == "grade":
                        value = round(float(value or 0) * 100, 5)
                    if column.key == "value" and value is None and "min" not in row:
                        value = "*"
                    initial[f"{spec.key}-{index}-{column.name}"] = value
        for key in (
            "shuffle",
            "case_sensitive",
            "unit_required",
            "scoring",
            "format",
            "min_words",
            "max_words",
        ):
            if key in data:
                initial[key] = data[key]
        for key in ("feedback_true", "feedback_false", "template", "grader_info"):
            if key in data:
                initial[key] = data[key] or ""
        if "correct" in data:
            initial["correct"] = "true" if data["correct"] else "false"
        if "distractors" in data:
            initial["distractors"] = "\n".join(data.get("distractors") or [])
        return initial

    @staticmethod
    def rows_for(question) -> int:
        data = question.latest_version.data or {}
        longest = max((len(data.get(spec.key) or []) for spec in ROWS.get(question.qtype, ())), default=0)
        return longest + 1

    @staticmethod
    def hints_for(question) -> int:
        return len(question.latest_version.hints or []) + 1


class BankFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    qtype = forms.ChoiceField(required=False, label=_("Type"))
    tag = forms.ChoiceField(required=False, label=_("Tag"))
    sub = forms.BooleanField(required=False, label=_("Include subcategories"))
    hidden = forms.BooleanField(required=False, label=_("Show hidden questions"))

    def __init__(self, *args, qtype_choices, tag_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qtype"].choices = [("", gettext("Any type")), *list(qtype_choices)]
        self.fields["tag"].choices = [("", gettext("Any tag"))] + [(str(t.pk), t.name) for t in tag_choices]
