"""/api/v1/ routes of apps.badges: the parts' routes joined."""

from .core.api_urls import urlpatterns as core_urls
from .openbadges.api_urls import urlpatterns as openbadges_urls

urlpatterns = [*core_urls, *openbadges_urls]
