"""/api/v1/ routes of the badges core part."""

urlpatterns: list = []
