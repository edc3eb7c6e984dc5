"""Isolation rows of the Open Badges part (apps/badges/openbadges). Placeholders (all prefixed ob_):
{ob_issuer_uid}, {ob_key_uid}, {ob_badge_uid}, {ob_award_uid}, {ob_award_id}, filled inside the
organization's schema.

The targets, in each org: the issuer profile and signing key (made as the first award makes them), an active
badge named after the organization, and its award to student@ (in Algebra 1 / Chemistry, north), so that
every role may download it: the Org Admin, the north Branch Manager, teacher@ (the learner's teacher) and
the learner. Ids are 7,300,000 + 10 x the organization's id (below both orgs' sequence ranges; see
tests/conftest.py), and names start with the org's name, so a leak of globex's shows "Globex".

The public documents are PAGES rows that anyone may open (public=True): each names an object, so globex's
uuids must answer 404 on acme's host (tests/isolation/test_cross_tenant.py, also written out in
tests/badges/test_openbadges_documents.py::test_acme_uuids_answer_404_on_globex_host)."""

from tests.isolation.entries import Endpoint, Page, scoped

API_ENDPOINTS = [
    *scoped(
        "badges",
        [
            Endpoint("GET", "/api/v1/badge-awards/{ob_award_id}/assertion", has_object=True),
            Endpoint("GET", "/api/v1/badge-awards/{ob_award_id}/credential", has_object=True),
            Endpoint("GET", "/api/v1/badge-awards/{ob_award_id}/credential/image", has_object=True),
            Endpoint("GET", "/api/v1/badge-awards/{ob_award_id}/credential/image.svg", has_object=True),
        ],
    ),
    # People only (closed to API keys): an Org Admin replaces the organization's signing key.
    Endpoint("POST", "/api/v1/badge-signing-keys/rotate", allowed_roles=("org_admin",)),
]

PAGES = [
    Page("/ob/v2/issuers/{ob_issuer_uid}", public=True, has_object=True),
    Page("/ob/v2/issuers/{ob_issuer_uid}/revocations", public=True, has_object=True),
    Page("/ob/v2/issuers/{ob_issuer_uid}/keys/{ob_key_uid}", public=True, has_object=True),
    Page("/ob/v2/badges/{ob_badge_uid}", public=True, has_object=True),
    Page("/ob/v2/badges/{ob_badge_uid}/image", public=True, has_object=True),
    Page("/ob/v2/assertions/{ob_award_uid}", public=True, has_object=True),
    Page("/ob/v2/assertions/{ob_award_uid}/image", public=True, has_object=True),
    Page("/ob/v2/assertions/{ob_award_uid}/image.svg", public=True, has_object=True),
    Page("/ob/v2/assertions/{ob_award_uid}/signed", public=True, has_object=True),
]
PAGE_ACTIONS: list = []
ANONYMOUS_API_ENDPOINTS: list = []


def targets(organization) -> dict[str, str]:
    """Call inside the organization's schema (tests/isolation/registry.py: targets does)."""
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.badges.baker_recipes import make_badge
    from apps.badges.models import BadgeAward
    from apps.badges.openbadges.identity import hashed_identity, new_salt, normalized_email
    from apps.badges.openbadges.selectors import issuer_current, signing_keys_published
    from apps.badges.openbadges.services import openbadges_prepare

    pk = 7_300_000 + organization.pk * 10
    award = BadgeAward.objects.filter(pk=pk).select_related("badge").first()
    if award is None:
        student = User.objects.get(email=f"student@{organization.slug}.example.com")
        badge = make_badge(
            pk=pk, name=f"{organization.name} open badge", description=f"{organization.name} badge."
        )
        email, salt = normalized_email(student.email), new_salt()
        award = BadgeAward.objects.create(
            pk=pk,
            badge=badge,
            user=student,
            recipient_email=email,
            salt=salt,
            identity_hash=hashed_identity(email, salt),
            issued_at=timezone.now(),
            source=BadgeAward.Source.MANUAL,
        )
    openbadges_prepare()
    return {
        "ob_issuer_uid": str(issuer_current().uid),
        "ob_key_uid": str(signing_keys_published()[0].uid),
        "ob_badge_uid": str(award.badge.uid),
        "ob_award_uid": str(award.uid),
        "ob_award_id": str(award.pk),
    }
