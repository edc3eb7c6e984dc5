"""Settings shared by every environment. Everything secret or host-specific comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)

# --- hosts and tenancy -------------------------------------------------------------------------------------
# BASE_DOMAIN serves the platform and the console; {slug}.{BASE_DOMAIN} serves an organization.
BASE_DOMAIN = env("BASE_DOMAIN", "localhost:8000")
BASE_HOST = BASE_DOMAIN.split(":")[0]
SITE_SCHEME = env("SITE_SCHEME", "http")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [BASE_HOST, f".{BASE_HOST}"])

TENANT_MODEL = "tenants.Organization"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New organizations are cloned from this pre-migrated schema; `migrate_schemas` keeps it migrated.
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# Set the search_path once per request (per tenant switch), not before every cursor.
TENANT_LIMIT_SET_CALLS = True
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
# Seconds a resolved host -> organization mapping stays cached (it is also invalidated on every change).
TENANT_CACHE_SECONDS = int(env("TENANT_CACHE_SECONDS", "300"))
# Days an archived organization is kept before it may be deleted (its schema dropped).
ORGANIZATION_DELETE_GRACE_DAYS = int(env("ORGANIZATION_DELETE_GRACE_DAYS", "30"))
# Days a deleted organization's slug stays retired before a new organization may take it; keep it longer
# than anything issued lives (sessions, tokens, links, cache entries, task retries; checked at startup).
ORGANIZATION_SLUG_QUARANTINE_DAYS = int(env("ORGANIZATION_SLUG_QUARANTINE_DAYS", "30"))
ORGANIZATION_TRIAL_DAYS = int(env("ORGANIZATION_TRIAL_DAYS", "14"))

DJANGO_CORE_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
# `tenants` comes before `django_tenants` so that its `migrate_schemas`/`migrate` (which also keep the
# template schema migrated) take precedence over the library's commands of the same name.
SHARED_APPS = [
    "tenants",
    "django_tenants",
    "apps.core",
    # The public schema holds platform operators; its hierarchy tables stay empty (roles are an org matter).
    "apps.hierarchy",
    "apps.accounts",
    *DJANGO_CORE_APPS,
    *THIRD_PARTY_APPS,
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "rest_framework_simplejwt.token_blacklist",
    "apps.hierarchy",
    "apps.accounts",
    "apps.audit",
    "apps.apikeys",
    "apps.imports",
    "apps.events",
    "apps.courses",
    "apps.assessments",  # quizzes over the courses: question bank, attempts, grading, statistics
    "apps.badges",  # Open Badges earned from courses and quizzes (through the event catalog)
    "apps.certificates",  # PDF certificates with public verification
    "apps.shell",  # the top layer: the home page and the dashboard
    "apps.demo",  # the top layer too: `manage.py seed_demo` (no models)
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

MIDDLEWARE = [
    # Outermost, so that every answer gets them, also those the tenant and rate-limit middleware make.
    "csp.middleware.CSPMiddleware",
    "apps.core.middleware_headers.ApiCacheControlMiddleware",
    "tenants.middleware.TenantMiddleware",
    "apps.core.api.throttling.ApiRateLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Once the person is known: their language and time zone, else their organization's, else the browser's
    # language among LANGUAGES and UTC (the API keeps UTC: its datetimes are machine fields).
    "apps.core.middleware_locale.PersonLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # NUL in the address (400) and bodies over the upload limit (413), before any view reads them.
    "apps.core.middleware.RequestGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tenants.middleware.TenantStatusMiddleware",
    "apps.audit.context.AuditOriginMiddleware",
]

# --- Content-Security-Policy (django-csp) -----------------------------------------------------------------------
# No inline script anywhere, no inline style except <style nonce="{{ request.csp_nonce }}"> blocks (the
# organization's brand colour; ReDoc's styles). Frames: only the video players rendering.py embeds. Images
# also from https: because lesson and course texts may show pictures from the web (the sanitizer allows
# them). Views that serve uploaded files set their own sandboxed policy (apps/courses/serving.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:", "https:"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com", "https://www.loom.com"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.platform",
                "apps.core.context_processors.org_nav",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- database ----------------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/learnstack"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Parameters bound on the server, and a statement a connection has run 5 times prepared on its session
# (psycopg's prepare_threshold), so that PostgreSQL skips parsing and planning it again: about 1 ms of a list
# request (issue 11). PostgreSQL analyses a prepared statement again whenever the search_path differs from
# the one it was prepared under, so it always reads the current organization's tables
# (tests/tenants/test_prepared_statements.py). DB_PREPARED_STATEMENTS=false returns to Django's default
# (parameters bound in the client, nothing prepared), e.g. behind a PgBouncer older than 1.21 in
# transaction mode (docs/scaling.md). A connection keeps DB_PREPARED_MAX statements prepared (psycopg's
# prepared_max, least recently used dropped first; its default of 100 is fewer than the API's working set: every
# endpoint and page of `make bench BENCH_ARGS=cost` together prepare about 310, 26 MB of server memory).
if env_bool("DB_PREPARED_STATEMENTS", True):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5, prepared_max=int(env("DB_PREPARED_MAX", "500"))
    )
DATABASES["default"]["ENGINE"] = "apps.core.db"  # django-tenants' backend, see apps/core/db/base.py
# Behind PgBouncer in transaction mode, server-side cursors must be off.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)
TENANT_MULTIPROCESSING_MAX_PROCESSES = int(env("TENANT_MIGRATE_PROCESSES", "2"))
# Empty organization schemas built ahead of time (tenants/template.py): provisioning renames one instead of
# building ~230 indexes in the request. Kept topped up by a Celery task (needs a real broker); 0 turns it off.
TENANT_SPARE_SCHEMAS = int(env("TENANT_SPARE_SCHEMAS", "20"))
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache -------------------------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        # Tenant data: keys are prefixed with the active schema, so org A's entries never serve org B.
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        },
        # Platform data (host -> organization, rate-limit counters): keys name their scope explicitly.
        "platform": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "platform",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "learnstack-default",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
        },
        "platform": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "learnstack-platform",
        },
    }

# --- auth --------------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Host-only cookies: a session or CSRF cookie set on acme.example.com is never sent to globex.example.com.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
INVITATION_TIMEOUT_DAYS = int(env("INVITATION_TIMEOUT_DAYS", "7"))
PASSWORD_RESET_TIMEOUT = INVITATION_TIMEOUT_DAYS * 24 * 3600

# --- i18n --------------------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Only the languages the interface is translated into (locale/). A person's or an organization's stored
# language that is no longer offered falls back (apps/core/middleware_locale.py): org default, then English.
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- static and media --------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Uploads (course media, covers, logos) are never served from MEDIA_URL: views check who may see them and
# stream them from the org's own host. Files live under "<schema>/..." in the storage.
# MEDIA_STORAGE=s3 keeps them in an S3-compatible bucket (django-storages; `pip install .[s3]`) configured
# with the usual AWS_* variables (AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...).
MEDIA_STORAGE = env("MEDIA_STORAGE", "filesystem")
MEDIA_MAX_UPLOAD_MB = int(env("MEDIA_MAX_UPLOAD_MB", "200"))
# People imports (apps/imports): an upload is refused before it is parsed when it breaks one of these; an XLSX
# is refused by what its ZIP directory declares (parts, unpacked size, packing ratio) before it is unpacked.
# A job that runs longer than its budget stops as failed (the Celery task also has soft/hard limits).
IMPORT_MAX_FILE_MB = int(env("IMPORT_MAX_FILE_MB", "5"))
IMPORT_MAX_ROWS = int(env("IMPORT_MAX_ROWS", "20000"))
IMPORT_XLSX_MAX_UNCOMPRESSED_MB = int(env("IMPORT_XLSX_MAX_UNCOMPRESSED_MB", "50"))
IMPORT_XLSX_MAX_ENTRIES = int(env("IMPORT_XLSX_MAX_ENTRIES", "500"))
IMPORT_XLSX_MAX_RATIO = int(env("IMPORT_XLSX_MAX_RATIO", "200"))
IMPORT_JOB_TIME_LIMIT_SECONDS = int(env("IMPORT_JOB_TIME_LIMIT_SECONDS", "300"))
# Bodies other than a multipart upload's file (JSON, forms, the other fields of an upload) may be this large,
# and hold this many fields; anything larger answers 413 (apps.core.middleware), more fields 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
_MEDIA_BACKENDS = {
    "filesystem": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "s3": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "querystring_auth": True,
            # Files are handed out only after a permission check, as a redirect to a URL signed for this long.
            "querystring_expire": int(env("MEDIA_SIGNED_URL_SECONDS", "300")),
            "file_overwrite": False,
        },
    },
}
if MEDIA_STORAGE not in _MEDIA_BACKENDS:
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE must be one of {sorted(_MEDIA_BACKENDS)}, not {MEDIA_STORAGE!r}"
    )
STORAGES = {
    "default": _MEDIA_BACKENDS[MEDIA_STORAGE],
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- email -------------------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "LearnStack <no-reply@learnstack.local>")

# --- API ---------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.apikeys.authentication.ApiKeyAuthentication",
        "apps.core.api.authentication.TenantJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["apps.core.api.renderers.EnvelopeJSONRenderer"],
    # JSON only: the few views that take a file upload add MultiPartParser themselves (parser_classes), so
    # each operation takes one documented media type and any other answers 415 in the envelope.
    "DEFAULT_PARSER_CLASSES": ["apps.core.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.PagePagination",
    "DEFAULT_THROTTLE_CLASSES": ["apps.core.api.throttling.TenantRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.envelope_exception_handler",
    # OPTIONS says what a view allows without building its serializer or fetching its object.
    "DEFAULT_METADATA_CLASS": "apps.core.api.metadata.ApiMetadata",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Number of trusted reverse proxies in front of the app: the client's address is then read from
# X-Forwarded-For (rate limits, audit log). 0 = use the socket's address.
NUM_PROXIES = int(env("NUM_PROXIES", "0"))
API_RATE_LIMITS = {
    "authenticated": int(env("API_RATE_LIMIT_AUTHENTICATED", "1000")),
    "anonymous": int(env("API_RATE_LIMIT_ANONYMOUS", "100")),
    "window_seconds": 60,
}
# Public certificate verification (/verify/, GET /api/v1/certificates/{uuid}/verify): lookups a minute per
# client address and organization, found or not (apps/certificates/issuing/verification.py).
CERTIFICATE_VERIFY_RATE = int(env("CERTIFICATE_VERIFY_RATE", "30"))
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=int(env("JWT_ACCESS_MINUTES", "15"))),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=int(env("JWT_REFRESH_DAYS", "7"))),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": env("JWT_SIGNING_KEY", SECRET_KEY),
    "AUTH_HEADER_TYPES": ("Bearer",),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LearnStack API",
    "DESCRIPTION": (
        "REST API of LearnStack. Every response is wrapped in the envelope "
        '`{"success", "data", "meta", "error"}`. Organization endpoints live on `{org}.BASE_DOMAIN`, '
        "platform endpoints on `BASE_DOMAIN`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # The organization API has well over a hundred operations: the tags start folded (a click opens one,
    # the filter box finds an operation), so the page is usable at once instead of laying out every
    # operation first (which took over a minute on a busy 2-core machine).
    "SWAGGER_UI_SETTINGS": {"docExpansion": "none", "filter": True, "deepLinking": True},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status` or `role`: give each choice set its own stable name.
    "ENUM_NAME_OVERRIDES": {
        "UserStatusEnum": "apps.accounts.models.User.Status",
        "RoleEnum": "apps.accounts.models.RoleAssignment.Role",
        "OrganizationStatusEnum": "tenants.models.Organization.Status",
        "SubscriptionStatusEnum": "tenants.models.Subscription.Status",
        "ApiKeyStatusEnum": "apps.apikeys.models.ApiKey.Status",
        "ImportStatusEnum": "apps.imports.models.ImportJob.Status",
        "CourseStatusEnum": "apps.courses.models.Course.Status",
        "EnrollmentStatusEnum": "apps.courses.models.Enrollment.Status",
        "EnrollmentSourceEnum": "apps.courses.models.Enrollment.Source",
        "ContentKindEnum": "apps.courses.kinds.kind_choices",
        "BodyFormatEnum": "apps.courses.models.ContentVersion.Format",
        "ImportFileFormatEnum": "apps.imports.models.ImportJob.Format",
        "QuestionImportFormatEnum": "apps.assessments.models.TransferJob.Format",
        "AttemptStateEnum": "apps.assessments.models.Attempt.State",
        "QuestionAttemptStateEnum": "apps.assessments.models.QuestionAttempt.State",
        "BadgeStatusEnum": "apps.badges.models.Badge.Status",
        "CertificateStatusEnum": "apps.certificates.models.Certificate.Status",
        "CertificateTemplateStatusEnum": "apps.certificates.models.CertificateTemplate.Status",
        "LanguageEnum": LANGUAGES,
        # Where a setting comes from or applies (a brand colour's source, a checklist's kind).
        "LevelEnum": [("organization", "organization"), ("branch", "branch")],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema.wrap_responses_in_envelope",
    ],
}

# --- Celery ------------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
# Without a broker (no REDIS_URL) tasks run in-process, so `make run` needs no worker.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not bool(REDIS_URL))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# Periodic tasks (run exactly one `beat`). Each runs in the public schema and fans out per organization.
CELERY_BEAT_SCHEDULE = {
    "redispatch-stale-events": {"task": "apps.events.tasks.redispatch_stale_events", "schedule": 300.0},
    "prune-events": {"task": "apps.events.tasks.prune_events", "schedule": 24 * 3600.0},
    # Spare schemas (TENANT_SPARE_SCHEMAS) of the current migration state; also queued after each provisioning.
    "refill-spare-schemas": {"task": "tenants.tasks.refill_spare_schemas", "schedule": 600.0},
    # Quiz attempts whose time ran out: submitted, made overdue or abandoned (apps/assessments/attempts/tasks.py).
    "process-overdue-attempts": {
        "task": "apps.assessments.attempts.tasks.process_overdue_attempts_everywhere",
        "schedule": 60.0,
    },
}
# Seconds after a quiz attempt's deadline during which a submission is still accepted (Moodle's graceperiodmin:
# the network allowance); later, what it carries is discarded and the saved answers are graded.
QUIZ_GRACE_MIN_SECONDS = 60
# Days a dispatched domain event is kept in its organization's outbox (undispatched ones are never pruned).
EVENTS_RETENTION_DAYS = int(env("EVENTS_RETENTION_DAYS", "90"))

# --- logging -----------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- authentication flows (config/settings/auth.py) ----------------------------------------------------------
from .auth import configure as _configure_auth  # noqa: E402

_configure_auth(globals())
