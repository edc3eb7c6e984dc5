"""/api/v1/ routes of the certificates templating part."""

urlpatterns: list = []
