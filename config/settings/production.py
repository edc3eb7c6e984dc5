"""Production settings: everything secret from the environment, HTTPS, Redis required.

Importing this module fails (ImproperlyConfigured) rather than run with a guessable key: DJANGO_SECRET_KEY
missing, the development default, shorter than 50 characters or with fewer than 5 distinct characters
(Django's check W009); JWT_SIGNING_KEY set but empty, shorter than 32 characters or the development key.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *

DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me"  # base.py's default, for `make run` only
# Django's own criteria for a usable key (check security.W009), enforced here as a refusal to start.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
# JWTs are signed with HS256: a key shorter than its 256-bit output can be guessed offline from one token.
JWT_SIGNING_KEY_MIN_LENGTH = 32
GENERATE = 'generate one with: python3 -c "import secrets; print(secrets.token_urlsafe(50))"'


def _weak_key_reason(value: str, *, min_length: int) -> str | None:
    if value == DEVELOPMENT_SECRET_KEY or value.startswith("django-insecure-"):
        return "is the development key"
    if len(value) < min_length:
        return f"is shorter than {min_length} characters"
    if len(set(value)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return f"has fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS} distinct characters"
    return None


DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY") or ""
if not SECRET_KEY:
    raise ImproperlyConfigured(f"DJANGO_SECRET_KEY must be set in production; {GENERATE}")
if reason := _weak_key_reason(SECRET_KEY, min_length=SECRET_KEY_MIN_LENGTH):
    raise ImproperlyConfigured(f"DJANGO_SECRET_KEY {reason}; {GENERATE}")
# JWT_SIGNING_KEY may be left out (JWTs are then signed with DJANGO_SECRET_KEY, as in base.py); set it to
# rotate JWTs on their own. When it is set it must be a real key: an empty value would sign with "".
JWT_SIGNING_KEY = env("JWT_SIGNING_KEY")
if JWT_SIGNING_KEY is not None:
    if not JWT_SIGNING_KEY:
        raise ImproperlyConfigured(f"JWT_SIGNING_KEY is set but empty: leave it out or {GENERATE}")
    if reason := _weak_key_reason(JWT_SIGNING_KEY, min_length=JWT_SIGNING_KEY_MIN_LENGTH):
        raise ImproperlyConfigured(f"JWT_SIGNING_KEY {reason}; {GENERATE}")
SIMPLE_JWT = {**SIMPLE_JWT, "SIGNING_KEY": JWT_SIGNING_KEY or SECRET_KEY}
if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set in production (cache, rate limits, Celery broker)")
SITE_SCHEME = env("SITE_SCHEME", "https")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
# Every organization is a subdomain served over HTTPS, so HSTS covers them all; preload is opt-in.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
