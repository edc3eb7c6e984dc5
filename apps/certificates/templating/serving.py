"""A template's stored images sent to those who may see the template (pages and API call this after
their selector found the template): never by storage URL alone."""

from django.http import Http404

from apps.courses.serving import file_response


def image_response(request, template, field: str):
    """The template's logo or signature (`field`), for those who may see the template; 404 when none."""
    stored = getattr(template, field)
    if not stored:
        raise Http404
    suffix = stored.name.rsplit(".", 1)[-1].lower()
    content_type = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}.get(suffix)
    if content_type is None:
        raise Http404
    try:
        size = stored.size
    except OSError:
        raise Http404 from None
    return file_response(request, stored, content_type=content_type, filename=f"{field}.{suffix}", size=size)
