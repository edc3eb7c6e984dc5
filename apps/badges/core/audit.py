"""The audit log's sentences for badges (definitions, manual awards, revocations) and the names and links of
badges and awards (apps.audit.describe, registered from the core part's register()).

A badge links to its page for the staff who may see it; an award names its learner only to a viewer who may
see them (visible_people), anyone else reads "a learner". Automatic awards are not audited (their
`badge.awarded` events record them)."""

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Exists, OuterRef, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.permissions import scope_of
from apps.accounts.selectors import visible_people
from apps.audit.sentences import (
    Facts,
    Named,
    Sentence,
    and_list,
    humanise,
    pks,
    register_description,
    register_reference,
    short,
    simple,
)

from ..models import Badge, BadgeAward
from .selectors import badge_list

BADGE = "badges.badge"
AWARD = "badges.badgeaward"
LEARNER = "badges.learner"

FIELD_LABELS = {
    "name": _("name"),
    "description": _("description"),
    "criteria_narrative": _("criteria narrative"),
    "criteria_mode": _("criteria mode"),
    "criteria": _("criteria"),
    "expiry": _("expiry"),
    "expires_on": _("expiry date"),
    "expires_after_days": _("days of validity"),
    "alignment": _("alignment"),
    "tags": _("tags"),
    "image": _("image"),
}


def _people(viewer, field: str):
    if viewer is None:
        return Value(False, output_field=BooleanField())
    return Exists(visible_people(viewer=viewer).filter(pk=OuterRef(field)))


def _badge_visible(viewer, field: str):
    if viewer is None or not scope_of(viewer).can_author():
        return Value(False, output_field=BooleanField())
    return Exists(badge_list(viewer=viewer).filter(pk=OuterRef(field)))


def _badges(keys, viewer):
    rows = (
        Badge.objects.filter(pk__in=pks(keys))
        .only("pk", "name")
        .annotate(visible=_badge_visible(viewer, "pk"))
    )
    return {
        str(b.pk): Named(b.name, reverse("badges:badge_detail", args=[b.pk]) if b.visible else None)
        for b in rows
    }


def _awards(keys, viewer):
    """An award: named by its badge, with its "learner" when the viewer may see them."""
    rows = (
        BadgeAward.objects.filter(pk__in=pks(keys))
        .select_related("badge", "user")
        .annotate(
            learner_visible=_people(viewer, "user_id"), badge_visible=_badge_visible(viewer, "badge_id")
        )
    )
    found = {}
    for a in rows:
        url = reverse("badges:badge_detail", args=[a.badge_id]) if a.badge_visible else None
        aspects = {"badge": Named(a.badge.name, url)}
        if a.learner_visible:
            aspects["learner"] = Named(
                a.user.get_full_name() or a.user.email, reverse("hierarchy:person", args=[a.user_id])
            )
        found[str(a.pk)] = Named(a.badge.name, url, aspects)
    return found


def _learners(keys, viewer):
    people = get_user_model().objects.filter(pk__in=pks(keys)).only("pk", "full_name", "email")
    return {
        str(u.pk): Named(u.get_full_name() or u.email, reverse("hierarchy:person", args=[u.pk]))
        for u in people.annotate(visible=_people(viewer, "pk"))
        if u.visible
    }


def _updated(facts: Facts) -> Sentence:
    names = [name for name in facts.list("fields") if isinstance(name, str)]
    if not names:
        return Sentence(_("{actor} saved the badge {target} unchanged"))
    labels = [FIELD_LABELS.get(name) or humanise(name) for name in names]
    return Sentence(_("{actor} changed the {fields} of the badge {target}"), fields=and_list(labels))


def _learner(facts: Facts):
    return facts.ref(LEARNER, facts.int("user"), _("a learner"))


def _awarded(facts: Facts) -> Sentence:
    badge = facts.ref(BADGE, facts.int("badge"), facts.entry.target_repr or _("a deleted badge"))
    return Sentence(_("{actor} awarded the badge {badge} to {learner}"), badge=badge, learner=_learner(facts))


def _revoked(facts: Facts) -> Sentence:
    badge = facts.ref(BADGE, facts.int("badge"), facts.entry.target_repr or _("a deleted badge"))
    return Sentence(
        _("{actor} revoked {learner}'s badge {badge}: {reason}"),
        badge=badge,
        learner=_learner(facts),
        reason=short(facts.text("reason")),
    )


def register() -> None:
    register_reference(BADGE, _badges)
    register_reference(AWARD, _awards)
    register_reference(LEARNER, _learners)
    d = register_description
    d("badge.created", simple(_("{actor} created the badge {target}")))
    d("badge.updated", _updated)
    d("badge.activated", simple(_("{actor} activated the badge {target}: learners can earn it")))
    d("badge.archived", simple(_("{actor} archived the badge {target}")))
    d("badge.deleted", simple(_("{actor} deleted the badge {target}")))
    d("badge.awarded", _awarded)
    d("badge_award.revoked", _revoked)
