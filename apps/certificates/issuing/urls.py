"""Pages of the certificates issuing part."""

urlpatterns: list = []
