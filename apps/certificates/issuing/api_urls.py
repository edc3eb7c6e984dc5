"""/api/v1/ routes of the certificates issuing part."""

urlpatterns: list = []
