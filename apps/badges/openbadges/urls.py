"""Pages of the badges openbadges part (names prefixed openbadges)."""

urlpatterns: list = []
