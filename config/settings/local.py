"""Development settings used by `make run`."""

from .base import *

DEBUG = env_bool("DJANGO_DEBUG", True)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# A missing page shows the product's 404 page, not Django's technical one listing every URL
# (apps/core/debug.py). DJANGO_DEBUG_404=1 brings the technical page back.
if DEBUG and not env_bool("DJANGO_DEBUG_404", False):
    MIDDLEWARE = [*MIDDLEWARE, "apps.core.debug.ProductNotFoundMiddleware"]
