# LearnStack production image: one image for every process (web, worker, beat, migrate, one-off commands).
#
#   docker build -t learnstack .
#   docker run --env-file .env learnstack                        # gunicorn on :8000
#   docker run --env-file .env learnstack celery -A config worker -l info
#
# See docs/deployment.md for the full set-up (compose.yaml) and docs/scaling.md for running many of them.

ARG PYTHON_VERSION=3.11
FROM python:${PYTHON_VERSION}-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    MEDIA_ROOT=/data/media \
    PORT=8000 \
    WEB_CONCURRENCY=3 \
    GUNICORN_THREADS=4 \
    GUNICORN_TIMEOUT=60

# An unprivileged user runs everything. Its home must be writable: gunicorn (>= 25.1) puts its control
# socket in ~/.gunicorn.
RUN groupadd --system --gid 10001 learnstack \
 && useradd --system --uid 10001 --gid learnstack --create-home --home-dir /home/learnstack \
        --shell /usr/sbin/nologin learnstack \
 && mkdir -p /data/media \
 && chown learnstack:learnstack /data/media

WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes.
# `[tool.setuptools] packages = []`, so `pip install .` installs the dependencies and no code of ours.
# The `s3` extra (boto3) lets MEDIA_STORAGE=s3 keep uploads in object storage.
COPY pyproject.toml ./
RUN pip install ".[s3]" \
 && rm -rf build *.egg-info

# The application code (see .dockerignore for what stays out). Owned by root, read-only to the app user.
COPY . .

# Static files are collected into the image (whitenoise serves them with hashed names). The production
# settings refuse to load without a secret key (of 50+ characters) and a Redis URL; neither is used here, so
# dummies do.
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-secret-never-signs-anything-at-run-time \
    REDIS_URL=redis://127.0.0.1:6379/0 \
    python manage.py collectstatic --noinput -v 1 \
 && python -m compileall -q /app

USER learnstack
EXPOSE 8000

# /healthz checks the database and the shared cache and answers on any host that ALLOWED_HOSTS accepts,
# so the probe sends BASE_DOMAIN as its Host header (HEALTHCHECK_HOST overrides it). It is exempt from the
# HTTPS redirect, so plain HTTP inside the container is fine.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), headers={'Host': os.environ.get('HEALTHCHECK_HOST') or os.environ.get('BASE_DOMAIN', 'localhost')}), timeout=4)"

# gunicorn: WEB_CONCURRENCY worker processes with GUNICORN_THREADS threads each (gthread when > 1).
# Extra flags can be given in GUNICORN_CMD_ARGS, which gunicorn reads itself.
CMD ["sh", "-c", "exec gunicorn config.wsgi:application --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY} --threads ${GUNICORN_THREADS} --timeout ${GUNICORN_TIMEOUT} --worker-tmp-dir /dev/shm --access-logfile - --error-logfile -"]
