"""Pages of apps.certificates on the organization's host: templates (templating) and certificates, the
public verification and share pages (issuing)."""

from .issuing.urls import urlpatterns as issuing_urls
from .templating.urls import urlpatterns as templating_urls

app_name = "certificates"
urlpatterns = [*templating_urls, *issuing_urls]
