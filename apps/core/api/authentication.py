"""JWT bound to the organization that issued it.

Every token carries an `org` claim with the schema it was issued in. Users live in their org's schema, so
user 7 of acme and user 7 of globex are different people: a token is accepted only on the host of the org
that issued it, and refused everywhere else as if it were forged.
"""

from django.db import connection
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import RefreshToken

ORG_CLAIM = "org"


def tokens_for_user(user) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    refresh[ORG_CLAIM] = connection.schema_name
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def check_token_org(token) -> None:
    if token.get(ORG_CLAIM) != connection.schema_name:
        raise InvalidToken("This token was not issued for this organization.")


class TenantJWTAuthentication(JWTAuthentication):
    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        check_token_org(token)
        return token
