"""Nothing an organization handed out works in another one, not even in a new organization that took the
slug (and so the schema name and the user ids) of a deleted one: tokens, refresh tokens blacklisted at
sign-out, sessions, invitation and password-reset links are bound to the organization's uid, which is
never given again. A deleted organization's slug stays retired for a quarantine, and its files and cached
entries are removed with it."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.utils import timezone

from apps.accounts.middleware import SESSION_ORG_KEY
from apps.accounts.services import invitation_path, user_invite
from apps.core.api.authentication import tokens_for_user
from apps.core.errors import ValidationFailed
from tenants import services
from tenants.models import Organization, OrganizationEvent
from tests.conftest import PASSWORD, browser_for, client_for, in_org

SLUG = "phoenix"
ADMIN = "boss@phoenix.example.com"
ME = "/api/v1/auth/me"
REFRESH = "/api/v1/auth/refresh-token"
LOGOUT = "/api/v1/auth/logout"


@pytest.fixture
def no_quarantine(settings):
    settings.ORGANIZATION_SLUG_QUARANTINE_DAYS = 0


@pytest.fixture
def provision(plans, django_capture_on_commit_callbacks):
    """Provision the Phoenix College (its admin, id 1, active with PASSWORD) and return (org, admin)."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            result = services.organization_provision(
                name="Phoenix College", slug=SLUG, plan=plans["growth"], admin_email=ADMIN, trial_days=0
            )
        organization = result.organization
        with in_org(organization):
            admin = get_user_model().objects.get(email=ADMIN)
            admin.set_password(PASSWORD)
            admin.status = get_user_model().Status.ACTIVE
            admin.save()
        return organization, admin

    return run


@pytest.fixture
def delete(django_capture_on_commit_callbacks):
    """Archive `organization`, let its grace period pass and delete it, after-commit work included."""

    def run(organization):
        # What provisioning wrote in this test's transaction has deferred foreign-key checks pending, which
        # would stop DROP SCHEMA; in real life provisioning and deletion are separate transactions.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        archived = services.organization_archive(organization=organization)
        long_ago = timezone.now() - timedelta(days=settings.ORGANIZATION_DELETE_GRACE_DAYS + 1)
        Organization.objects.filter(pk=archived.pk).update(archived_at=long_ago)
        archived.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            services.organization_delete(organization=archived)

    return run


@pytest.fixture
def reborn(provision, delete, no_quarantine):
    """Delete `organization` and provision a new one with the same slug: the same schema name, and an admin
    with the same id and email. Returns (new org, new admin)."""

    def run(organization):
        delete(organization)
        return provision()

    return run


def same_stored_fields(old_user, organization, new_user, *fields):
    """Give the new organization's person the old one's stored values, so only the organization differs
    (nothing else in a token's hash could then tell the two apart)."""
    with in_org(organization):
        get_user_model().objects.filter(pk=new_user.pk).update(**{f: getattr(old_user, f) for f in fields})


# --- tokens ----------------------------------------------------------------------------------------------


def test_tokens_of_a_deleted_organization_are_refused_by_the_next_one_of_its_slug(provision, reborn):
    old, old_admin = provision()
    with in_org(old):
        tokens = tokens_for_user(old_admin)
    assert client_for(SLUG, token=tokens["access"]).get(ME).status_code == 200

    new, new_admin = reborn(old)
    me = client_for(SLUG, token=tokens["access"]).get(ME)
    refreshed = client_for(SLUG).post(REFRESH, {"refresh": tokens["refresh"]}, format="json")

    assert (new.schema_name, new_admin.pk) == (old.schema_name, old_admin.pk)  # same schema, same id
    assert me.status_code == 401
    assert me.json()["error"]["code"] == "TOKEN_INVALID"
    assert refreshed.status_code == 401
    assert refreshed.json()["error"] == {
        "code": "TOKEN_INVALID",
        "message": "This token was not issued for this organization.",
        "details": {},
    }


def test_a_refresh_token_blacklisted_at_sign_out_stays_dead_after_its_blacklist_is_dropped(provision, reborn):
    old, old_admin = provision()
    with in_org(old):
        tokens = tokens_for_user(old_admin)
    signed_out = client_for(SLUG, token=tokens["access"]).post(
        LOGOUT, {"refresh": tokens["refresh"]}, format="json"
    )
    assert signed_out.status_code == 204

    reborn(old)
    refreshed = client_for(SLUG).post(REFRESH, {"refresh": tokens["refresh"]}, format="json")

    assert refreshed.status_code == 401
    assert refreshed.json()["error"]["code"] == "TOKEN_INVALID"


def test_tokens_carry_the_organizations_uid_not_its_slug(acme, acme_admin):
    from rest_framework_simplejwt.tokens import AccessToken

    with in_org(acme):
        access = AccessToken(tokens_for_user(acme_admin)["access"])

    assert access["org"] == str(acme.uid)


# --- emailed links ---------------------------------------------------------------------------------------


def test_an_invitation_link_of_a_deleted_organization_is_dead_in_the_next_one(provision, reborn):
    old, _ = provision()
    with in_org(old):
        old_invitation = user_invite(email="newbie@phoenix.example.com")
    assert client_for(SLUG).get(old_invitation.path).status_code == 200

    new, _ = reborn(old)
    with in_org(new):
        new_invitation = user_invite(email="newbie@phoenix.example.com")
    same_stored_fields(old_invitation.user, new, new_invitation.user, "password", "invited_at")
    opened = client_for(SLUG).get(old_invitation.path)

    with in_org(new):
        fresh_path = invitation_path(get_user_model().objects.get(pk=new_invitation.user.pk))

    assert new_invitation.user.pk == old_invitation.user.pk
    assert opened.status_code == 404
    assert client_for(SLUG).get(fresh_path).status_code == 200  # one made here works here


def test_a_password_reset_link_of_a_deleted_organization_is_dead_in_the_next_one(provision, reborn):
    old, _ = provision()
    browser_for(old).post("/accounts/password/reset/", {"email": ADMIN})
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body).group(0)
    path = link.removeprefix(f"http://{SLUG}.{settings.BASE_HOST}")
    with in_org(old):
        old_admin = get_user_model().objects.get(email=ADMIN)

    new, new_admin = reborn(old)
    same_stored_fields(old_admin, new, new_admin, "password", "last_login")
    opened = browser_for(new).get(path)

    assert opened.status_code == 404  # the "this link no longer works" page


def test_a_reset_link_works_only_in_the_organization_that_sent_it(acme, globex, acme_admin):
    from apps.accounts.adapters import PasswordResetTokenGenerator

    generator = PasswordResetTokenGenerator()
    with in_org(acme):
        token = generator.make_token(acme_admin)
        assert generator.check_token(acme_admin, token)
    with in_org(globex):
        assert not generator.check_token(acme_admin, token)


def test_an_email_confirmation_link_of_a_deleted_organization_is_dead_in_the_next_one(provision, reborn):
    from allauth.account.models import EmailAddress, EmailConfirmation

    old, old_admin = provision()
    with in_org(old):
        address = EmailAddress.objects.create(user=old_admin, email=ADMIN, verified=False)
        key = EmailConfirmation.create(address).key

    reborn(old)
    opened = client_for(SLUG).get(f"/accounts/confirm-email/{key}/")

    assert opened.status_code == 404


# --- sessions --------------------------------------------------------------------------------------------


@pytest.fixture
def cached_sessions(settings):
    """Sessions in the tenant cache (keys prefixed by schema name, which a later org of the slug shares)."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"


def test_a_session_of_a_deleted_organization_is_signed_out_in_the_next_one(
    cached_sessions, provision, reborn
):
    old, old_admin = provision()
    browser = browser_for(old, old_admin)
    assert browser.get("/").status_code == 200
    assert browser.get("/accounts/profile/").status_code == 200

    new, new_admin = reborn(old)
    same_stored_fields(old_admin, new, new_admin, "password")
    profile = browser.get("/accounts/profile/")

    assert profile.status_code == 302
    assert profile["Location"].startswith("/accounts/login/")


def test_signing_in_records_the_organization_in_the_session(acme, acme_admin):
    browser = browser_for(acme)

    browser.post("/accounts/login/", {"login": acme_admin.email, "password": PASSWORD})

    assert browser.session[SESSION_ORG_KEY] == str(acme.uid)
    assert browser.get("/accounts/profile/").status_code == 200


@pytest.mark.parametrize("stamp", ["another organization", "none"])
def test_a_session_not_signed_in_here_is_signed_out(acme, globex, acme_admin, stamp):
    browser = browser_for(acme, acme_admin)
    with in_org(acme):
        session = browser.session
        if stamp == "none":
            del session[SESSION_ORG_KEY]
        else:
            session[SESSION_ORG_KEY] = str(globex.uid)
        session.save()

    profile = browser.get("/accounts/profile/")
    api = browser.get(ME)

    assert profile.status_code == 302
    assert profile["Location"].startswith("/accounts/login/")
    assert api.status_code == 401
    with in_org(acme):
        assert not session.exists(session.session_key)  # flushed, not merely ignored


def test_an_api_sign_in_leaves_no_session(acme, acme_admin):
    client = client_for("acme")

    response = client.post(
        "/api/v1/auth/login", {"email": acme_admin.email, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


# --- the deleted slug -----------------------------------------------------------------------------------


def test_a_deleted_organizations_slug_is_retired_for_the_quarantine(settings, provision, delete, plans):
    settings.ORGANIZATION_SLUG_QUARANTINE_DAYS = 30
    old, _ = provision()
    delete(old)

    with pytest.raises(ValidationFailed) as refused:
        services.organization_provision(
            name="Phoenix Again", slug=SLUG, plan=plans["starter"], admin_email=ADMIN
        )

    deleted = OrganizationEvent.objects.get(org_slug=SLUG, action="deleted")
    until = deleted.created_at + timedelta(days=30)
    assert refused.value.field_errors == {
        "slug": [
            "This slug belonged to an organization that was deleted; it can be used again from "
            f"{until:%Y-%m-%d %H:%M} UTC. Choose another one."
        ]
    }
    assert not Organization.objects.filter(slug=SLUG).exists()


def test_a_deleted_slug_may_be_taken_again_after_the_quarantine(settings, provision, delete):
    settings.ORGANIZATION_SLUG_QUARANTINE_DAYS = 30
    old, _ = provision()
    delete(old)
    OrganizationEvent.objects.filter(org_slug=SLUG, action="deleted").update(
        created_at=timezone.now() - timedelta(days=30, minutes=1)
    )

    new, _ = provision()

    assert new.slug == SLUG
    assert new.uid != old.uid


def test_the_platform_api_answers_the_quarantine_as_a_field_error(
    settings, provision, delete, operator_client
):
    settings.ORGANIZATION_SLUG_QUARANTINE_DAYS = 30
    old, _ = provision()
    delete(old)

    response = operator_client.post(
        "/api/v1/organizations",
        {"name": "Phoenix Again", "slug": SLUG, "plan": "starter", "admin_email": ADMIN},
        format="json",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["slug"][0].startswith("This slug belonged to an organization that was deleted")


# --- what deletion removes ------------------------------------------------------------------------------


def test_deleting_removes_the_organizations_files_and_only_its_own(provision, delete, acme):
    old, _ = provision()
    mine = default_storage.save(f"{old.schema_name}/media/lesson.txt", ContentFile(b"phoenix"))
    theirs = default_storage.save(f"{acme.schema_name}/media/lesson.txt", ContentFile(b"acme"))
    try:
        delete(old)

        assert not default_storage.exists(mine)
        assert not default_storage.exists(old.schema_name)
        assert default_storage.exists(theirs)
    finally:
        default_storage.delete(theirs)


class ObjectStorage(Storage):
    """A bucket in memory: names with slashes, no local paths (path() is not implemented), as with S3."""

    objects: dict[str, bytes] = {}

    def _save(self, name, content):
        self.objects[name] = content.read()
        return name

    def _open(self, name, mode="rb"):
        return ContentFile(self.objects[name], name=name)

    def exists(self, name):
        return name in self.objects or any(key.startswith(f"{name}/") for key in self.objects)

    def delete(self, name):
        self.objects.pop(name, None)

    def listdir(self, path):
        prefix = f"{path.rstrip('/')}/"
        below = [key[len(prefix) :] for key in self.objects if key.startswith(prefix)]
        return sorted({r.split("/")[0] for r in below if "/" in r}), sorted(r for r in below if "/" not in r)


def test_deleting_removes_the_organizations_files_from_object_storage_too(settings, provision, delete, acme):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.ObjectStorage"}}
    ObjectStorage.objects = {}
    old, _ = provision()
    for name in ("media/a.mp4", "media/b.pdf", "covers/c.png", "branding/logo.png"):
        default_storage.save(f"{old.schema_name}/{name}", ContentFile(b"phoenix"))
    default_storage.save(f"{acme.schema_name}/media/a.mp4", ContentFile(b"acme"))

    delete(old)

    assert sorted(ObjectStorage.objects) == [f"{acme.schema_name}/media/a.mp4"]


def test_deleting_removes_the_organizations_cached_entries_and_only_its_own(provision, reborn, acme):
    old, _ = provision()
    cache = caches["default"]
    with in_org(old):
        cache.set("profile", "phoenix's", timeout=None)
    with in_org(acme):
        cache.set("profile", "acme's", timeout=None)

    new, _ = reborn(old)

    with in_org(new):
        assert cache.get("profile") is None
    with in_org(acme):
        assert cache.get("profile") == "acme's"
