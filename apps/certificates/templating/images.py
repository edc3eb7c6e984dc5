"""Checks on a template's logo and signature uploads: a PNG or JPEG (read from its bytes, through
apps.courses.media.inspect_upload), bounded in size and in pixels, and readable by Pillow."""

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from apps.core.errors import ValidationFailed
from apps.courses.media import inspect_upload, picture_size

ALLOWED = frozenset({"image/png", "image/jpeg"})
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MIN_PIXELS = 1  # per side
MAX_PIXELS = 4000  # per side
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}


def checked_image(upload, *, field: str) -> ContentFile:
    """The uploaded image as a ContentFile named by its real type, or ValidationFailed naming `field`."""
    inspected = inspect_upload(upload, field=field, allowed=ALLOWED)
    if inspected.size > MAX_UPLOAD_BYTES:
        raise ValidationFailed({field: [_("An image for a certificate may be at most 2 MB.")]})
    upload.seek(0)
    data = upload.read()
    width, height = picture_size(data, field=field, unreadable=_("This image cannot be read."))
    if not (MIN_PIXELS <= width <= MAX_PIXELS and MIN_PIXELS <= height <= MAX_PIXELS):
        raise ValidationFailed(
            {
                field: [
                    _("An image must be between %(min)s and %(max)s pixels wide and high.")
                    % {"min": MIN_PIXELS, "max": MAX_PIXELS}
                ]
            }
        )
    return ContentFile(data, name=f"{field}.{EXTENSIONS[inspected.content_type]}")
