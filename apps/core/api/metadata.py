"""What an `OPTIONS` request answers on every API endpoint.

DRF's SimpleMetadata describes the body of PUT and POST by building the view's serializer and, for PUT,
fetching the object as if the request were a PUT: on views whose queryset is scoped by the viewer or built
in the handler that raises (a 500), and it would run a lookup the view's own rules never asked for. The
OpenAPI document (`/api/v1/schema/`) is where bodies are described; OPTIONS says only what the view allows,
renders and parses, without running any of it. (The HTML documentation pages answer 405.)
"""

from rest_framework.exceptions import MethodNotAllowed
from rest_framework.metadata import BaseMetadata
from rest_framework.renderers import TemplateHTMLRenderer

SCHEMA_PATH = "/api/v1/schema/"


class ApiMetadata(BaseMetadata):
    def determine_metadata(self, request, view):
        if isinstance(getattr(request, "accepted_renderer", None), TemplateHTMLRenderer):
            # An HTML page (the API docs) has no template for a description of itself.
            raise MethodNotAllowed(request.method)
        return {
            "name": view.get_view_name(),
            "methods": sorted(view.allowed_methods),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
            "schema": SCHEMA_PATH,
        }
