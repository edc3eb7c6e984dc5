"""/api/v1/ routes of apps.certificates: the parts' routes joined."""

from .issuing.api_urls import urlpatterns as issuing_urls
from .templating.api_urls import urlpatterns as templating_urls

urlpatterns = [*templating_urls, *issuing_urls]
