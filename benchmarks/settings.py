"""Settings for the benchmarks: production-like (DEBUG off, real middleware, real hashers), on the bench
database that benchmarks/run.py puts in DATABASE_URL, with the rate limits out of the way.

Differences from config.settings.production, all on purpose:
- no REDIS_URL needed: caches are per-process memory unless REDIS_URL is set (then Redis, as in production);
- BASE_DOMAIN is bench.test, reached on 127.0.0.1 with a Host header;
- API rate limits are set so high that the throttle counts but never refuses;
- no HTTPS redirect, no HSTS (plain HTTP on loopback);
- e-mail goes nowhere and Celery runs tasks in-process (nothing else to start).
"""

from datetime import timedelta

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, LOGGING, SIMPLE_JWT, STORAGES, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", "benchmark-only-secret-key-not-for-production-use-0123456789")
BASE_DOMAIN = "bench.test"
BASE_HOST = BASE_DOMAIN
SITE_SCHEME = "http"
ALLOWED_HOSTS = [BASE_HOST, f".{BASE_HOST}", "127.0.0.1", "localhost"]

API_RATE_LIMITS = {"authenticated": 10**9, "anonymous": 10**9, "window_seconds": 60}
SIMPLE_JWT = {**SIMPLE_JWT, "ACCESS_TOKEN_LIFETIME": timedelta(hours=2), "SIGNING_KEY": SECRET_KEY}

EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = BASE_DIR / ".data" / "bench-media"
LOGGING["root"]["level"] = env("LOG_LEVEL", "WARNING")
# Celery in eager mode still builds a kombu connection and warns that it has no host.
LOGGING["loggers"]["kombu"] = {"level": "ERROR"}
