"""Every emailed link (password reset, email verification, "you already have an account", invitation)
starts with the organization's own base URL: SITE_SCHEME, its primary domain and BASE_DOMAIN's port. The
Host header of the request that caused the email (which the sender controls) never shows in it."""

import re

from django.core import mail
from django.test import Client

from tenants.models import Domain, OrganizationSettings
from tests.conftest import client_for, jwt_for

HOSTILE_HOST = "acme.learnstack.test:9999"
URL = re.compile(r"https?://\S+")


def links(message) -> list[str]:
    return URL.findall(message.body)


def forgot_password_page(email="teacher@acme.example.com", host=HOSTILE_HOST):
    return Client().post("/accounts/password/reset/", {"email": email}, HTTP_HOST=host)


def allow_signup(organization):
    OrganizationSettings.objects.filter(organization=organization).update(
        self_signup_enabled=True, allowed_email_domains=["acme.example.com"]
    )


def test_a_reset_link_asked_for_with_another_port_in_the_host_carries_the_base_url(acme, acme_teacher):
    response = forgot_password_page()

    assert response.status_code == 302
    (message,) = mail.outbox
    (link,) = links(message)
    assert link.startswith("http://acme.learnstack.test/accounts/password/reset/key/")
    assert "9999" not in message.body


def test_a_reset_link_asked_for_through_the_api_carries_the_base_url(acme, acme_teacher):
    response = client_for(None).post(
        "/api/v1/auth/forgot-password",
        {"email": "teacher@acme.example.com"},
        format="json",
        HTTP_HOST=HOSTILE_HOST,
    )

    assert response.status_code == 200
    (message,) = mail.outbox
    (link,) = links(message)
    assert link.startswith("http://acme.learnstack.test/accounts/password/reset/key/")


def test_links_follow_base_domains_port_and_the_site_scheme(settings, acme, acme_teacher):
    settings.BASE_DOMAIN = "learnstack.test:8000"
    settings.SITE_SCHEME = "https"

    forgot_password_page()

    (link,) = links(mail.outbox[0])
    assert link.startswith("https://acme.learnstack.test:8000/accounts/password/reset/key/")


def test_links_use_the_organizations_primary_domain(acme, acme_teacher):
    Domain.objects.filter(tenant=acme).update(is_primary=False)
    Domain.objects.create(tenant=acme, domain="learn.acme.example", is_primary=True)

    forgot_password_page(host="acme.learnstack.test")

    (link,) = links(mail.outbox[0])
    assert link.startswith("http://learn.acme.example/accounts/password/reset/key/")


def test_an_email_verification_link_carries_the_base_url(acme):
    allow_signup(acme)

    response = client_for(None).post(
        "/api/v1/auth/register",
        {"email": "nina@acme.example.com", "password": "a-Long-and-unusual-passphrase-42"},
        format="json",
        HTTP_HOST=HOSTILE_HOST,
    )

    assert response.status_code == 201
    (message,) = mail.outbox
    (link,) = links(message)
    assert link.startswith("http://acme.learnstack.test/accounts/confirm-email/")


def test_the_already_have_an_account_email_carries_the_base_url(acme, acme_teacher):
    allow_signup(acme)

    response = client_for(None).post(
        "/api/v1/auth/register",
        {"email": "teacher@acme.example.com", "password": "a-Long-and-unusual-passphrase-42"},
        format="json",
        HTTP_HOST=HOSTILE_HOST,
    )

    assert response.status_code == 201
    (message,) = mail.outbox
    assert links(message) == ["http://acme.learnstack.test/accounts/password/reset/"]


def test_an_invitation_link_carries_the_base_url(acme, acme_admin, django_capture_on_commit_callbacks):
    client = client_for(None, token=jwt_for(acme, acme_admin))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/users", {"email": "pupil@acme.example.com"}, format="json", HTTP_HOST=HOSTILE_HOST
        )

    assert response.status_code == 201
    data = response.json()["data"]
    assert data["invitation_url"].startswith("http://acme.learnstack.test/invite/")
    (message,) = mail.outbox
    assert links(message) == [data["invitation_url"]]
