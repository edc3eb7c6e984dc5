"""The production settings refuse to start with a key anyone could guess. Each case imports
config.settings.production in a fresh interpreter with only the given environment (settings are read once
per process, so this cannot run inside the test process)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3Y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN"  # 54 characters
STRONG_JWT_KEY = "jwt-0123456789abcdefghijklmnopqrstuv"  # 36 characters
LOAD = (
    "import json; from config.settings import production as s; "
    "print(json.dumps({'jwt': s.SIMPLE_JWT['SIGNING_KEY'], 'secret': s.SECRET_KEY, 'debug': s.DEBUG}))"
)


def load_production(**variables: str) -> subprocess.CompletedProcess:
    base = {
        key: value
        for key, value in os.environ.items()
        if key in ("PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV") or key.startswith("LC_")
    }
    env = {"REDIS_URL": "redis://127.0.0.1:6379/0", **base, **variables}
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-c", LOAD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def refusal(completed: subprocess.CompletedProcess) -> str:
    assert completed.returncode != 0, completed.stdout
    last = completed.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: "), completed.stderr[-2000:]
    return last.removeprefix("django.core.exceptions.ImproperlyConfigured: ")


def test_a_strong_secret_key_starts_and_signs_jwts_with_it():
    completed = load_production(DJANGO_SECRET_KEY=STRONG_KEY)

    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip() == f'{{"jwt": "{STRONG_KEY}", "secret": "{STRONG_KEY}", "debug": false}}'


def test_a_jwt_signing_key_of_its_own_is_used():
    completed = load_production(DJANGO_SECRET_KEY=STRONG_KEY, JWT_SIGNING_KEY=STRONG_JWT_KEY)

    assert completed.returncode == 0, completed.stderr[-2000:]
    assert f'"jwt": "{STRONG_JWT_KEY}"' in completed.stdout


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({}, "DJANGO_SECRET_KEY must be set in production"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be set in production"),
        (
            {"DJANGO_SECRET_KEY": "insecure-development-key-change-me"},
            "DJANGO_SECRET_KEY is the development key",
        ),
        (
            {"DJANGO_SECRET_KEY": "django-insecure-" + "x1y2z3" * 10},
            "DJANGO_SECRET_KEY is the development key",
        ),
        ({"DJANGO_SECRET_KEY": STRONG_KEY[:49]}, "DJANGO_SECRET_KEY is shorter than 50 characters"),
        ({"DJANGO_SECRET_KEY": "abcd" * 20}, "DJANGO_SECRET_KEY has fewer than 5 distinct characters"),
        ({"DJANGO_SECRET_KEY": STRONG_KEY, "JWT_SIGNING_KEY": ""}, "JWT_SIGNING_KEY is set but empty"),
        (
            {"DJANGO_SECRET_KEY": STRONG_KEY, "JWT_SIGNING_KEY": STRONG_JWT_KEY[:31]},
            "JWT_SIGNING_KEY is shorter than 32 characters",
        ),
        (
            {"DJANGO_SECRET_KEY": STRONG_KEY, "JWT_SIGNING_KEY": "insecure-development-key-change-me"},
            "JWT_SIGNING_KEY is the development key",
        ),
    ],
    ids=[
        "no-secret-key",
        "empty-secret-key",
        "development-secret-key",
        "django-insecure-key",
        "short-secret-key",
        "repetitive-secret-key",
        "empty-jwt-key",
        "short-jwt-key",
        "development-jwt-key",
    ],
)
def test_a_guessable_key_stops_the_production_settings(variables, message):
    assert refusal(load_production(**variables)).startswith(message)


def test_the_refusal_says_how_to_make_a_key():
    assert "secrets.token_urlsafe(50)" in refusal(load_production(DJANGO_SECRET_KEY="short"))
