"""Content negotiation for views that send files (media, certificate PDFs, images)."""

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class AnyAcceptNegotiation(DefaultContentNegotiation):
    """Files are sent whatever the client accepts (players ask for video/*, image tags for image/*, PDF
    viewers for application/pdf); errors still answer in the JSON envelope."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type
