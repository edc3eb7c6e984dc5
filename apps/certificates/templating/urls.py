"""Pages of the certificates templating part."""

urlpatterns: list = []
