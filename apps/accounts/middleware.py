"""Sessions bound to the organization they were signed in at.

At every sign-in (pages, invitation acceptance, email confirmation, the admin, the console) the session
records the uid of the organization (tenants/identity.py). On every later request a session signed in
under any other uid, or none, is flushed before anything reads it: the person is signed out, as if the
session had expired. Sessions live in the organization's schema (or under its schema's prefix in the
cache), and a deleted organization's schema name can be given to a new one once its slug is out of
quarantine: the uid, never given again, is what tells them apart.
"""

from django.contrib.auth import SESSION_KEY, user_logged_in
from django.contrib.auth.models import AnonymousUser
from django.dispatch import receiver

SESSION_ORG_KEY = "_org_uid"


@receiver(user_logged_in, dispatch_uid="accounts.session_organization")
def remember_session_organization(sender, request, user, **kwargs) -> None:
    """Stamp a session that now holds `user` with this organization's uid. The API's sign-in sends the same
    signal without putting anyone in a session: that session is left alone (no cookie for API clients)."""
    session = getattr(request, "session", None)
    if session is None or session.get(SESSION_KEY) != user._meta.pk.value_to_string(user):
        return
    from tenants.identity import require_current_organization_uid

    session[SESSION_ORG_KEY] = require_current_organization_uid()


class SessionOrganizationMiddleware:
    """After AuthenticationMiddleware: sign out a session that was not signed in at this organization."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        organization = getattr(request, "tenant", None)
        session = getattr(request, "session", None)
        if (
            organization is not None
            and session is not None
            and session.session_key is not None
            and session.get(SESSION_KEY) is not None
            and session.get(SESSION_ORG_KEY) != str(organization.uid)
        ):
            session.flush()
            request.user = AnonymousUser()
        return self.get_response(request)
