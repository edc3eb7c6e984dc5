"""The demo's integrations: an API key acme's reporting dashboard would use (read-only courses and
enrollments), so the API-key page shows a key in use. Its secret is never printed: a demo visitor who wants
a working key creates one on the page (it is shown once)."""

from django.contrib.auth import get_user_model

from apps.apikeys.models import ApiKey
from apps.apikeys.services import api_key_create
from apps.core.errors import PlanLimitReached

# organization slug -> (key name, scopes); only organizations whose plan includes API access.
DEMO_KEYS = {"acme": ("Reporting dashboard", ["courses:read", "enrollments:read"])}


def seed_api_keys(slug: str) -> list[str]:
    spec = DEMO_KEYS.get(slug)
    if spec is None:
        return []
    name, scopes = spec
    if ApiKey.objects.filter(name=name).exists():
        return []
    admin = get_user_model().objects.filter(role_assignments__role="org_admin").order_by("pk").first()
    try:
        api_key_create(actor=admin, name=name, scopes=scopes)
    except PlanLimitReached:  # a plan without API access: nothing to show
        return []
    return [f"API key '{name}' ({', '.join(scopes)})"]
