"""/api/v1/ routes of the badges openbadges part."""

urlpatterns: list = []
