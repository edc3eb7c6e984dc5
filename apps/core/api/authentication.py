"""JWT bound to the organization that issued it.

Every token carries an `org` claim with the uid of the organization it was issued in (tenants/identity.py),
not its slug or schema name: those are given again to a new organization once a deleted one's slug is out
of quarantine, and user ids restart at 1 in every schema. Users live in their org's schema, so user 7 of
acme and user 7 of globex (or of a later acme) are different people: a token is accepted only by the very
organization that issued it, and refused everywhere else as if it were forged. That also keeps a refresh
token blacklisted at sign-out dead after its organization (and the blacklist with it) is gone.
"""

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import RefreshToken

ORG_CLAIM = "org"


def tokens_for_user(user) -> dict[str, str]:
    from tenants.identity import require_current_organization_uid

    refresh = RefreshToken.for_user(user)
    refresh[ORG_CLAIM] = require_current_organization_uid()
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def token_is_for_this_organization(token) -> bool:
    from tenants.identity import current_organization_uid

    expected = current_organization_uid()
    return expected is not None and token.get(ORG_CLAIM) == expected


def check_token_org(token) -> None:
    if not token_is_for_this_organization(token):
        raise InvalidToken("This token was not issued for this organization.")


class TenantJWTAuthentication(JWTAuthentication):
    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        check_token_org(token)
        return token
