"""Audit entries as sentences: "Dana Smith invited lee@acme.example.com as Student in Algebra 1".

Two registries, both keyed so that an app adds its own without editing this one (from its AppConfig.ready,
as `register_usage_counter` is used; each app keeps them in its `audit.py`, e.g. apps/courses/audit.py, and
words them with the toolkit in apps.audit.sentences):

- `register_description("course.published", fn)`: `fn(facts) -> Sentence` words one action code.
  `facts` (a `Facts`) gives the entry, its `changes` read safely (`facts.text("reason")`, `facts.int("to")`,
  `facts.list("roles")`: a missing or odd value is "" / None / [], never an error) and `Ref`s to the actor,
  the target and any object the changes mention (`facts.ref("hierarchy.branch", 3)`).
- `register_reference("hierarchy.branch", resolve)`: `resolve(keys, viewer) -> {key: Named}` names the objects
  of one kind, in one query for a whole page, and gives a link only where the viewer may open the object.

`describe_entries(entries, viewer=...)` runs every describer twice: once to learn which objects the page's
sentences name, then, after one lookup per kind, to word them with current names (a describer may choose its
words by whether an object still exists). So a page costs one query per kind of object named, whatever its
number of rows. An unknown code, or a describer that fails on an entry, gets the humanised code instead
("widget.frobnicated" -> "Org Admin: widget frobnicated (Thing)"): the log never breaks on a row.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import AuditEntry

logger = logging.getLogger(__name__)

USER = "accounts.user"


# --- what a sentence is made of ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """What a resolver knows of one object: its current name, a link (None: the viewer may not open it), and
    named aspects (an enrollment's learner and course)."""

    name: str
    url: str | None = None
    aspects: dict[str, "Named"] = field(default_factory=dict)


@dataclass(frozen=True)
class Ref:
    """An object a sentence names: its kind (a model label), its key (the pk as text, or a key the kind's
    resolver understands, e.g. "code:north"), the name to show when it is gone, and once resolved what is
    known of it."""

    kind: str
    key: str
    fallback: str = ""
    named: Named | None = None

    @property
    def exists(self) -> bool:
        return self.named is not None

    @property
    def name(self) -> str:
        return (self.named.name if self.named else "") or self.fallback or _("(unknown)")

    @property
    def url(self) -> str | None:
        return self.named.url if self.named else None

    def aspect(self, name: str, fallback: str = "") -> "Ref":
        """Part of the object (e.g. an enrollment's "course"), as a Ref of its own."""
        named = self.named.aspects.get(name) if self.named else None
        return Ref(f"{self.kind}#{name}", self.key, fallback, named)


class Sentence:
    """A translatable template with named parts: text, numbers, `Ref`s (linked in HTML when they have a URL)
    and nested Sentences. `{actor}` and `{target}` are always available."""

    def __init__(self, template: str, **parts):
        self.template = template
        self.parts = parts

    def html(self, defaults: dict) -> SafeString:
        parts = {**defaults, **self.parts}
        return format_html(str(self.template), **{k: _html(v, defaults) for k, v in parts.items()})

    def text(self, defaults: dict) -> str:
        parts = {**defaults, **self.parts}
        return str(self.template).format(**{k: _text(v, defaults) for k, v in parts.items()})


def _html(part, defaults) -> SafeString:
    if isinstance(part, Sentence):
        return part.html(defaults)
    if isinstance(part, Ref):
        if part.url:
            return format_html('<a href="{}">{}</a>', part.url, part.name)
        return conditional_escape(part.name)
    return conditional_escape(str(part))


def _text(part, defaults) -> str:
    if isinstance(part, Sentence):
        return part.text(defaults)
    if isinstance(part, Ref):
        return part.name
    return str(part)


def and_list(items: Iterable) -> Sentence:
    """ "a", "a and b", "a, b and c" (each item text, a Ref or a Sentence)."""
    items = list(items)
    if not items:
        return Sentence("")
    names = {f"i{n}": item for n, item in enumerate(items)}
    if len(items) == 1:
        return Sentence("{i0}", **names)
    head = ", ".join(f"{{i{n}}}" for n in range(len(items) - 1))
    last = f"{{i{len(items) - 1}}}"
    return Sentence(_("%(head)s and %(last)s") % {"head": head, "last": last}, **names)


def quoted(value) -> Sentence:
    return Sentence(_("“{value}”"), value=value)


def humanise(code: str) -> str:
    """ "user.invitation_resent" -> "user invitation resent"."""
    return " ".join(code.replace(".", " ").replace("_", " ").split()) or _("unknown action")


# --- what a describer reads ----------------------------------------------------------------------------------

SCALARS = (str, int, float, bool)


class Facts:
    """One entry as a describer reads it. In the first pass `ref()` only notes what is asked for; in the
    second it returns what was found."""

    def __init__(self, entry: AuditEntry, names: dict | None = None):
        self.entry = entry
        self.changes = entry.changes if isinstance(entry.changes, dict) else {}
        self._names = names  # None while collecting
        self.wanted: set[tuple[str, str]] = set()

    # payload, read safely
    def value(self, key: str):
        value = self.changes.get(key)
        return value if isinstance(value, SCALARS) else None

    def text(self, key: str) -> str:
        value = self.value(key)
        return "" if value is None else str(value)

    def int(self, key: str) -> int | None:
        value = self.value(key)
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        return None

    def list(self, key: str) -> list:
        value = self.changes.get(key)
        return value if isinstance(value, list) else []

    def dict(self, key: str) -> dict:
        value = self.changes.get(key)
        return value if isinstance(value, dict) else {}

    # objects
    def ref(self, kind: str, key, fallback: str = "") -> Ref:
        key = "" if key is None or isinstance(key, bool) or not isinstance(key, SCALARS) else str(key)
        if not kind or not key:
            return Ref(kind, key, fallback)
        if self._names is None:
            self.wanted.add((kind, key))
            return Ref(kind, key, fallback)
        return Ref(kind, key, fallback, self._names.get((kind, key)))

    def user(self, key, fallback: str = "") -> Ref:
        return self.ref(USER, key, fallback)

    @property
    def actor(self) -> Ref:
        entry = self.entry
        return self.ref(USER, entry.actor_id, entry.actor_email or _("System"))

    @property
    def target(self) -> Ref:
        entry = self.entry
        return self.ref(entry.target_type, entry.target_id, entry.target_repr or entry.target_id)

    @property
    def actor_is_target(self) -> bool:
        entry = self.entry
        return (
            entry.actor_id is not None
            and entry.target_type == USER
            and entry.target_id == str(entry.actor_id)
        )


Describer = Callable[[Facts], Sentence]
Resolver = Callable[[set[str], object], dict[str, Named]]

_descriptions: dict[str, Describer] = {}
_references: dict[str, Resolver] = {}


def register_description(action: str, describer: Describer) -> Describer:
    """Word entries of `action` with `describer`. Registering a code twice replaces the first describer
    (an app may reword another's code on purpose); returns the describer, so this works as a decorator's
    body too."""
    _descriptions[action] = describer
    return describer


def register_reference(kind: str, resolver: Resolver) -> Resolver:
    """Name objects of `kind` (a model label such as "hierarchy.branch") for audit sentences:
    `resolver(keys, viewer)` answers {key: Named} for the keys it finds, in a constant number of queries."""
    _references[kind] = resolver
    return resolver


def described_actions() -> list[str]:
    return sorted(_descriptions)


# --- describing a page of entries ----------------------------------------------------------------------------


class Description:
    """An entry's sentence: `text` worded at once, `html` (names linked) only when read, since the API and
    the CSV need only the text."""

    def __init__(self, sentence: Sentence, defaults: dict, text: str, known: bool, facts: "Facts"):
        self._sentence, self._defaults, self._facts = sentence, defaults, facts
        self.text, self.actor, self.target, self.known = text, defaults["actor"], defaults["target"], known

    @cached_property
    def html(self) -> SafeString:
        try:
            return mark_safe(self._sentence.html(self._defaults))
        except (KeyError, IndexError, ValueError):  # a template naming a part it was not given
            logger.exception("audit sentence could not be worded as HTML")
            return mark_safe(_fallback(self._facts).html(self._defaults))


def _fallback(facts: Facts) -> Sentence:
    action = humanise(facts.entry.action)
    if facts.entry.target_type or facts.entry.target_repr:
        return Sentence(_("{actor}: {action} ({target})"), action=action)
    return Sentence(_("{actor}: {action}"), action=action)


def _sentence(facts: Facts) -> tuple[Sentence, bool]:
    describer = _descriptions.get(facts.entry.action)
    if describer is not None:
        try:
            sentence = describer(facts)
            if isinstance(sentence, Sentence):
                return sentence, True
        except Exception:  # a describer must never break the log: log it and show the humanised code
            logger.exception("audit describer for %r failed on entry %s", facts.entry.action, facts.entry.pk)
    return _fallback(facts), False


def _resolve(wanted: set[tuple[str, str]], viewer) -> dict[tuple[str, str], Named]:
    by_kind: dict[str, set[str]] = {}
    for kind, key in wanted:
        by_kind.setdefault(kind, set()).add(key)
    names: dict[tuple[str, str], Named] = {}
    for kind, keys in sorted(by_kind.items()):
        resolver = _references.get(kind)
        if resolver is None:
            continue
        try:
            found = resolver(keys, viewer)
        except Exception:
            logger.exception("audit reference resolver for %r failed", kind)
            continue
        names.update({(kind, key): named for key, named in found.items()})
    return names


def describe_entries(entries: Iterable[AuditEntry], *, viewer=None) -> list[Description]:
    """A Description per entry, in order. Links appear only where `viewer` may open the object (no viewer:
    no links)."""
    entries = list(entries)
    wanted: set[tuple[str, str]] = set()
    for entry in entries:
        facts = Facts(entry)
        facts.actor, facts.target  # noqa: B018  every sentence may name these
        _sentence(facts)
        wanted |= facts.wanted
    names = _resolve(wanted, viewer)
    descriptions = []
    for entry in entries:
        facts = Facts(entry, names)
        sentence, known = _sentence(facts)
        defaults = {"actor": facts.actor, "target": facts.target}
        try:
            text = sentence.text(defaults)
        except (KeyError, IndexError, ValueError):  # a template naming a part it was not given
            logger.exception("audit sentence for %r could not be worded", entry.action)
            sentence, known = _fallback(facts), False
            text = sentence.text(defaults)
        descriptions.append(Description(sentence, defaults, text, known, facts))
    return descriptions
