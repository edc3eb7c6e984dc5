"""Writes on API keys: create (the key is returned once), revoke, and authenticate a presented key."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from apps.accounts.permissions import scope_of
from apps.audit.services import audit_record
from apps.core.api.scopes import normalize_scopes
from apps.core.errors import PermissionDenied, PlanLimitReached, ValidationFailed

from . import keys
from .errors import ApiKeyErrorCode, ApiKeyRejectedError
from .models import ApiKey
from .selectors import api_access_plan

NAME_MAX_LENGTH = ApiKey._meta.get_field("name").max_length
# last_used_at is written at most this often per key, so a busy key does not cost a write per request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedApiKey:
    api_key: ApiKey
    raw_key: str  # the whole key; never stored, shown to its creator once


def _require_org_admin(actor) -> None:
    if not scope_of(actor).is_org_admin:
        raise PermissionDenied(gettext("Only Org Admins may manage API keys."))


def require_api_access() -> None:
    allowed, plan_name = api_access_plan()
    if not allowed:
        raise PlanLimitReached(
            f"The {plan_name or 'current'} plan does not include API access. "
            "Upgrade the plan to use API keys.",
            details={"feature": "api_access", "plan": plan_name},
        )


def _clean(
    *, name: str, scopes: Iterable[str], expires_at: datetime.datetime | None
) -> tuple[str, list[str]]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [gettext("Give the key a name, e.g. the service that will use it.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [gettext("Use at most %(count)s characters.") % {"count": NAME_MAX_LENGTH}]
    try:
        cleaned_scopes = normalize_scopes(scopes or [])
    except ValueError as exc:
        unknown = ", ".join(exc.args[0])
        # Only registered scopes (apps.core.api.scopes) may be granted; a retired one cannot be granted again.
        errors["scopes"] = [
            gettext("Unknown scope: %(scope)s. Scopes look like `users:read` or `users:write`.")
            % {"scope": unknown}
        ]
    else:
        if not cleaned_scopes:
            errors["scopes"] = [gettext("Choose at least one scope.")]
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            errors["expires_at"] = [gettext("Give the expiry with a time zone.")]
        elif expires_at <= timezone.now():
            errors["expires_at"] = [gettext("The expiry must be in the future.")]
    if errors:
        raise ValidationFailed(errors)
    return name, cleaned_scopes


def _unused_prefix() -> str:
    while True:  # 36^8 prefixes: a collision is vanishingly rare, but cheap to rule out
        prefix = keys.generate_prefix()
        if not ApiKey.objects.filter(prefix=prefix).exists():
            return prefix


@transaction.atomic
def api_key_create(
    *, actor, name: str, scopes: Iterable[str], expires_at: datetime.datetime | None = None
) -> IssuedApiKey:
    """A new key acting as `actor` within `scopes`. The returned `raw_key` is the only copy of the key."""
    _require_org_admin(actor)
    require_api_access()
    name, cleaned_scopes = _clean(name=name, scopes=scopes, expires_at=expires_at)
    prefix, secret = _unused_prefix(), keys.generate_secret()
    raw_key = keys.format_key(prefix, secret)
    api_key = ApiKey(
        name=name,
        prefix=prefix,
        key_hash=keys.hash_key(raw_key),
        last_four=secret[-4:],
        scopes=cleaned_scopes,
        created_by=actor,
        expires_at=expires_at,
    )
    api_key.full_clean()
    api_key.save()
    audit_record(
        actor=actor,
        action="api_key.created",
        target=api_key,
        changes={
            "name": name,
            "prefix": prefix,
            "scopes": cleaned_scopes,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return IssuedApiKey(api_key=api_key, raw_key=raw_key)


@transaction.atomic
def api_key_revoke(*, actor, api_key: ApiKey) -> ApiKey:
    """Revoke at once: the next request with this key is refused. Revoking a revoked key changes nothing."""
    _require_org_admin(actor)
    locked = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action="api_key.revoked",
            target=locked,
            changes={"name": locked.name, "prefix": locked.prefix},
        )
    api_key.revoked_at, api_key.revoked_by = locked.revoked_at, locked.revoked_by
    return api_key


def api_key_authenticate(*, raw_key: str) -> ApiKey:
    """The key `raw_key` names, checked: the secret matches, it is neither revoked nor expired, its creator
    is still active, and the plan includes API access. Records `last_used_at` (at most once a minute).
    Raises ApiKeyRejectedError (401) or PlanLimitReached (403)."""
    parsed = keys.parse_key(raw_key)
    if parsed is None:
        raise ApiKeyRejectedError(gettext("The API key is malformed. Keys look like lsk_<prefix>_<secret>."))
    api_key = ApiKey.objects.select_related("created_by").filter(prefix=parsed[0]).first()
    # Unknown prefix and wrong secret give the same answer; only the holder of the secret learns more.
    if api_key is None or not keys.key_matches(raw_key, api_key.key_hash):
        raise ApiKeyRejectedError(gettext("The API key is not valid for this organization."))
    now = timezone.now()
    if api_key.revoked_at is not None:
        raise ApiKeyRejectedError(
            gettext("This API key has been revoked."), code=ApiKeyErrorCode.API_KEY_REVOKED
        )
    if api_key.is_expired(now):
        raise ApiKeyRejectedError(gettext("This API key has expired."), code=ApiKeyErrorCode.API_KEY_EXPIRED)
    if not api_key.created_by.is_active:
        raise ApiKeyRejectedError(
            gettext("The person this API key acts as is no longer active."),
            code=ApiKeyErrorCode.API_KEY_CREATOR_INACTIVE,
        )
    require_api_access()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        # Conditional, so concurrent requests in several processes still write at most once a minute.
        ApiKey.objects.filter(pk=api_key.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
