"""API keys for services. They live in the organization's schema, so a key of one organization is simply
unknown on any other organization's host."""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from apps.core.api.scopes import ScopedCredential, retired_scopes

from . import keys


class ApiKey(ScopedCredential, models.Model):
    """A credential a service sends as `Authorization: Api-Key <key>` or `X-API-Key: <key>`. It acts as
    the Org Admin who created it, limited to its scopes. Only a keyed hash of the key is stored.

    `scopes` holds plain codes (`users:read`), checked against the scope registry (apps.core.api.scopes) by
    the service, not by the database: registering a new scope needs no migration, and a stored code whose
    scope is no longer registered is kept, shown as retired, and grants nothing."""

    closed_message = "API keys cannot use this endpoint; sign in as a person to use it."
    missing_message = "This API key lacks the `{needed}` scope."

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("API key status", "Active")
        EXPIRED = "expired", pgettext_lazy("API key status", "Expired")
        REVOKED = "revoked", pgettext_lazy("API key status", "Revoked")

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True, help_text="Public part of the key; finds its row.")
    key_hash = models.CharField(
        max_length=64, help_text="HMAC-SHA256 of the whole key, keyed with SECRET_KEY."
    )
    last_four = models.CharField(max_length=4)
    scopes = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.masked})"

    @property
    def masked(self) -> str:
        return keys.masked(self.prefix, self.last_four)

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def get_status(self, now: datetime.datetime | None = None) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.is_expired(now):
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    def get_status_display(self) -> str:
        return self.Status(self.get_status()).label

    def granted_scopes(self) -> list[str]:
        return list(self.scopes)

    @property
    def retired_scopes(self) -> list[str]:
        """Stored codes no registered scope offers any more (they grant nothing)."""
        return retired_scopes(self.scopes)

    def scope_states(self) -> list[tuple[str, bool]]:
        """(code, retired) for each stored code, for display."""
        retired = set(self.retired_scopes)
        return [(code, code in retired) for code in self.scopes]
