"""model-bakery recipe for API keys, and `make_api_key`, which also hands back the raw key (the recipe alone
cannot: only the key's hash is stored).

    api_key, raw = make_api_key(created_by=admin, scopes=["users:read"])

Rows are written directly, without the service's plan and permission checks, so a test can hold a key of
an organization whose plan has no API access. Test-only helpers: model_bakery imports this module when a
test asks for a recipe (model-bakery is a dev dependency); the product never imports it.
"""

from model_bakery import baker
from model_bakery.recipe import Recipe, foreign_key, seq

from . import keys
from .models import ApiKey

api_key = Recipe(
    ApiKey,
    name=seq("Service key "),
    scopes=["organization:read"],
    created_by=foreign_key("accounts.org_admin"),
)


def make_api_key(**attrs) -> tuple[ApiKey, str]:
    """A key (any ApiKey field may be given) and the raw key to send as `Authorization: Api-Key <raw>`."""
    prefix, secret = keys.generate_prefix(), keys.generate_secret()
    raw = keys.format_key(prefix, secret)
    made = baker.make_recipe(
        "apikeys.api_key", prefix=prefix, key_hash=keys.hash_key(raw), last_four=secret[-4:], **attrs
    )
    return made, raw
