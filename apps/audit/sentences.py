"""The toolkit an app's `audit.py` words its action codes with (registered from its AppConfig.ready()):

    from apps.audit.sentences import Facts, Named, Sentence, changed, pks, register_description, simple

    def register() -> None:
        register_reference("assessments.quiz", _quizzes)
        register_description("quiz.graded", simple(_("{actor} graded {target}")))

Resolvers: `pks(keys)` (the numeric keys), `visible(queryset, selector, viewer)` and `link(row, url_name,
*args)` (a link only where the viewer's selector holds the object), `named(model_label, selector, url_name)`
(objects named by str()). Describers: `simple`, `changed`; wording: `field_changes`, `fields`, `date`,
`short`, with `and_list`, `quoted` and `humanise` from apps.audit.describe. Templates are lazy translations,
worded in the reader's language when a page is rendered.
"""

from django.apps import apps
from django.db.models import BooleanField, Exists, OuterRef, Value
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .describe import (
    USER,
    Facts,
    Named,
    Ref,
    Sentence,
    and_list,
    humanise,
    quoted,
    register_description,
    register_reference,
)

__all__ = [
    "USER",
    "Facts",
    "Named",
    "Ref",
    "Sentence",
    "and_list",
    "changed",
    "date",
    "field_changes",
    "fields",
    "humanise",
    "link",
    "named",
    "pks",
    "quoted",
    "register_description",
    "register_reference",
    "short",
    "simple",
    "visible",
]

MAX_VALUE = 60  # characters of a changed value shown in a sentence


# --- objects: names and links ------------------------------------------------------------------------------


def pks(keys) -> list[int]:
    """The keys that can be primary keys (digits, small enough for a bigint)."""
    return [int(key) for key in keys if key.isdigit() and len(key) < 19]


def visible(queryset, selected, viewer, field: str = "pk"):
    """`queryset` annotated with `visible`: whether `selected(viewer=viewer)` (a selector) holds the object
    (or the object its `field` points at). Without a viewer nothing is visible."""
    if viewer is None:
        return queryset.annotate(visible=Value(False, output_field=BooleanField()))
    return queryset.annotate(visible=Exists(selected(viewer=viewer).filter(pk=OuterRef(field))))


def link(row, url_name: str, *args) -> str | None:
    """The URL of `url_name` for a row annotated by `visible()`, None when the viewer may not open it."""
    return reverse(url_name, args=args) if row.visible else None


def named(model_label: str, selector=None, url_name: str = ""):
    """A resolver for objects named by str(), linked to `url_name` (a list page) when `selector(viewer)`
    holds them; without a selector, never linked."""

    def resolve(keys, viewer):
        model = apps.get_model(model_label)
        objects = model.objects.filter(pk__in=pks(keys))
        if selector is None or not url_name:
            return {str(o.pk): Named(str(o)) for o in objects}
        return {
            str(o.pk): Named(str(o), reverse(url_name) if o.visible else None)
            for o in visible(objects, selector, viewer)
        }

    return resolve


# --- wording -------------------------------------------------------------------------------------------------


def short(value) -> str:
    """A recorded value as a sentence shows it: yes/no, (empty), or at most MAX_VALUE characters."""
    if value is None or value == "":
        return _("(empty)")
    if value is True or value in ("True", "true"):
        return _("yes")
    if value is False or value in ("False", "false"):
        return _("no")
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def field_changes(facts: Facts, labels: dict[str, str] | None = None) -> list[Sentence]:
    """{"name": ["Old", "New"], ...} -> ['name from “Old” to “New”', ...]; other keys are named only."""
    labels = labels or {}
    found = []
    for key in sorted(facts.changes):
        value = facts.changes[key]
        label = labels.get(key) or humanise(str(key))
        if isinstance(value, list | tuple) and len(value) == 2:
            old, new = value
            found.append(
                Sentence(
                    _("{field} from {old} to {new}"),
                    field=label,
                    old=quoted(short(old)),
                    new=quoted(short(new)),
                )
            )
        else:
            found.append(Sentence("{field}", field=label))
    return found


def fields(facts: Facts, key: str = "fields") -> Sentence | None:
    """`changes["fields"]` (a list of field names) as "title and description"; None when there are none."""
    names = [humanise(str(name)) for name in facts.list(key) if isinstance(name, str)]
    return and_list(names) if names else None


def date(value: str) -> str:
    """A recorded date or datetime in the reader's date format ("" for none)."""
    if not value or value == "None":
        return ""
    moment = parse_datetime(value)
    if moment is not None:
        return date_format(moment, "DATE_FORMAT")
    day = parse_date(value[:10])
    return date_format(day, "DATE_FORMAT") if day else value


# --- describers ----------------------------------------------------------------------------------------------


def simple(template: str):
    """A describer that always says `template` (with {actor} and {target})."""

    def describe(facts: Facts) -> Sentence:
        return Sentence(template)

    return describe


def changed(with_changes: str, without: str, labels: dict | None = None):
    """A describer for an update: `with_changes` names each changed field ({changes}), `without` when the
    entry records none."""

    def describe(facts: Facts) -> Sentence:
        found = field_changes(facts, labels)
        if not found:
            return Sentence(without)
        return Sentence(with_changes, changes=and_list(found))

    return describe
