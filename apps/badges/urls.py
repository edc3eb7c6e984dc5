"""Pages of apps.badges on the organization's host: the parts' pages joined (core: definitions, awards and
"My achievements"; openbadges: the public Open Badges URLs, which answer without signing in)."""

from .core.urls import urlpatterns as core_urls
from .openbadges.urls import urlpatterns as openbadges_urls

app_name = "badges"
urlpatterns = [*core_urls, *openbadges_urls]
