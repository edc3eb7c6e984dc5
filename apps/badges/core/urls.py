"""Pages of the badges core part (names prefixed core)."""

urlpatterns: list = []
