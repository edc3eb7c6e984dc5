"""The issuer profile and signing key made with the first award (the badge.awarded subscriber), once; ids
that stay on the issuer's first origin; the validator set-up's skip-or-fail rule."""

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.events import subscribers

from .openbadges_helpers import fetch_json, make_award_in

SUBSCRIBER = "apps.badges.openbadges.subscribers.prepare_issuer_and_key"


def test_the_first_award_makes_the_issuer_and_the_key_once(acme):
    from apps.badges.models import IssuerProfile, SigningKey

    handler = subscribers("badge.awarded")[SUBSCRIBER]
    with schema_context("acme"):
        assert IssuerProfile.objects.count() == SigningKey.objects.count() == 0

        handler(None)
        handler(None)  # a redelivery

        issuer = IssuerProfile.objects.get()
        assert SigningKey.objects.count() == 1
        assert (issuer.name, issuer.email, issuer.origin) == (
            "Acme Academy",
            "orgadmin@acme.example.com",
            "http://acme.learnstack.test",
        )


@pytest.mark.django_db
def test_the_display_name_names_the_issuer(acme):
    from apps.badges.openbadges.services import issuer_ensure

    acme.settings.display_name = "Acme Online"
    acme.settings.save()
    with schema_context("acme"):
        assert issuer_ensure().name == "Acme Online"


@pytest.mark.django_db
def test_ids_stay_on_the_issuers_first_origin(acme):
    from apps.badges.models import IssuerProfile

    award = make_award_in(acme)
    with schema_context("acme"):
        IssuerProfile.objects.update(origin="https://badges.acme.example")

    assertion = fetch_json("http://acme.learnstack.test" + reverse("badges:ob_assertion", args=[award.uid]))

    assert assertion["id"] == "https://badges.acme.example" + reverse("badges:ob_assertion", args=[award.uid])
    assert assertion["badge"].startswith("https://badges.acme.example/ob/v2/badges/")


def test_the_validator_is_skipped_without_python_3_9_but_fails_under_ci(monkeypatch, tmp_path):
    from tests.badges import validator

    monkeypatch.setattr(validator, "VENV", tmp_path / "venv")
    monkeypatch.setattr(validator, "MARKER", tmp_path / "venv" / "marker")
    monkeypatch.setattr(validator, "PYENV_PYTHON", tmp_path / "no-python")
    monkeypatch.delenv("OB_VALIDATOR_PYTHON", raising=False)

    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        validator.validator_python()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run under CI"):
        validator.validator_python()
