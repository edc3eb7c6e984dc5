"""Settings for the test suite: a real PostgreSQL (DATABASE_URL), fast hashing, in-process tasks."""

from .base import *

DEBUG = False
BASE_DOMAIN = "learnstack.test"
BASE_HOST = BASE_DOMAIN
ALLOWED_HOSTS = [BASE_HOST, f".{BASE_HOST}"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
# The API takes JSON bodies (multipart only on uploads): test clients send JSON unless told otherwise.
REST_FRAMEWORK = {**REST_FRAMEWORK, "TEST_REQUEST_DEFAULT_FORMAT": "json"}
CELERY_BROKER_URL = "memory://"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = BASE_DIR / ".data" / "test-media"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "test-default",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
    },
    "platform": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-platform"},
}
LOGGING["root"]["level"] = "WARNING"
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# No spare schemas in tests: each provisioning builds its schema (tests/tenants/test_template_ddl.py turns
# spares on where it tests them).
TENANT_SPARE_SCHEMAS = 0
