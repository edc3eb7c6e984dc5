"""Objects and fetches shared by the Open Badges tests (tests/badges/test_openbadges_*.py)."""

from urllib.parse import urlsplit

from django_tenants.utils import schema_context

from tests.conftest import client_for

JSONLD = "application/ld+json"


def make_award_in(organization, *, user=None, badge=None, **fields):
    """An award in `organization` (a new active badge and a new student unless given), with the issuer
    profile and signing key made as the first award's subscriber makes them."""
    from apps.badges.baker_recipes import make_award, make_badge
    from apps.badges.openbadges.services import openbadges_prepare

    with schema_context(organization.schema_name):
        badge = badge or make_badge(
            name=f"{organization.name} Algebra Foundations", description="Solve equations."
        )
        award = make_award(badge=badge, user=user, **fields)
        openbadges_prepare()
        return award


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def fetch(url: str, *, accept: str = JSONLD, slug: str | None = None):
    """GET an absolute URL of ours through the test client, on the URL's own host (or `slug`'s)."""
    host = urlsplit(url).hostname
    client = client_for(slug or host.split(".")[0])
    return client.get(path_of(url), HTTP_ACCEPT=accept)


def fetch_json(url: str) -> dict:
    response = fetch(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response.json()
