"""API keys for services: created by Org Admins, shown once, stored as an HMAC, scoped to the scopes apps
register (apps.core.api.scopes), revocable and expiring; the key authentication, the page and the API."""
