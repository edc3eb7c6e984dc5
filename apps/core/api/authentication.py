"""JWT bound to the organization that issued it.

Every token carries an `org` claim with the uid of the organization it was issued in (tenants/identity.py),
not its slug or schema name: those are given again to a new organization once a deleted one's slug is out
of quarantine, and user ids restart at 1 in every schema. Users live in their org's schema, so user 7 of
acme and user 7 of globex (or of a later acme) are different people: a token is accepted only by the very
organization that issued it, and refused everywhere else as if it were forged. That also keeps a refresh
token blacklisted at sign-out dead after its organization (and the blacklist with it) is gone.
"""

from functools import cache

from django.db import connections, router
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
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

    def get_user(self, validated_token):
        """simplejwt's get_user (the person named by the token, who must be active), reading the row with one
        statement rendered once per process instead of building and compiling a queryset on every request."""
        model = self.user_model
        if api_settings.USER_ID_FIELD not in ("id", model._meta.pk.name) or api_settings.CHECK_REVOKE_TOKEN:
            return super().get_user(validated_token)
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken(_("Token contained no recognizable user identification")) from exc
        user = _by_pk(model, model._meta.pk.get_prep_value(user_id))
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        return user


@cache
def _row_sql(model) -> tuple[str, list[str]] | None:
    """SELECT of every concrete column of `model` by primary key, with the attribute names; None when a
    column needs a converter (then the ORM reads it)."""
    using = router.db_for_read(model)
    connection = connections[using]
    fields = model._meta.concrete_fields
    if any(f.get_db_converters(connection) or connection.ops.get_db_converters(f.cached_col) for f in fields):
        return None
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"SELECT {columns} FROM {table} WHERE {pk} = %s", [f.attname for f in fields]  # noqa: S608


def _by_pk(model, pk):
    prepared = _row_sql(model)
    if prepared is None:
        return model._default_manager.filter(pk=pk).first()
    sql, names = prepared
    using = router.db_for_read(model)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    return None if row is None else model.from_db(using, names, row)
