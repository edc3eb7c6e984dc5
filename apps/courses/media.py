"""Checks on uploaded files: size, and the real type read from the file's bytes (never its name or the
browser's Content-Type). A file whose name claims another type than its bytes is refused, as is anything
executable."""

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings

from apps.core.errors import ValidationFailed

# Real type -> the file-name extensions that may carry it.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "video/mp4": ("mp4", "m4v"),
    "video/webm": ("webm",),
    "video/quicktime": ("mov",),
    "audio/mpeg": ("mp3",),
    "audio/mp4": ("m4a",),
    "audio/ogg": ("ogg", "oga"),
    "audio/x-wav": ("wav",),
    "application/pdf": ("pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/vnd.oasis.opendocument.presentation": ("odp",),
    "application/epub+zip": ("epub",),
    "text/plain": ("txt", "md", "csv", "vtt", "srt"),
}
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
VIDEO_TYPES = frozenset({"video/mp4", "video/webm", "video/quicktime"})
_EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"#!",
    b"\xca\xfe\xba\xbe",
)
_SNIFF_BYTES = 8192
ALLOWED_EXTENSIONS = sorted({ext for exts in ALLOWED_TYPES.values() for ext in exts})


@dataclass(frozen=True)
class Inspected:
    content_type: str
    size: int
    sha256: str
    extension: str


def max_upload_bytes() -> int:
    return settings.MEDIA_MAX_UPLOAD_MB * 1024 * 1024


def _refuse(message: str, field: str = "file"):
    raise ValidationFailed({field: [message]})


def picture_size(data: bytes, *, field: str, unreadable: str) -> tuple[int, int]:
    """(width, height) of an uploaded picture that Pillow reads through (a decompression bomb, a truncated
    or lying file is refused), or ValidationFailed naming `field` with the message `unreadable`. Used after
    inspect_upload has checked the type from the bytes."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as picture:
            width, height = picture.size
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationFailed({field: [unreadable]}) from None
    return width, height


def inspect_upload(upload, *, field: str = "file", allowed: frozenset[str] | None = None) -> Inspected:
    """Check an uploaded file and say what it really is, or raise ValidationFailed naming `field`."""
    if upload is None or not hasattr(upload, "read"):
        _refuse("Choose a file to upload.", field)
    size = upload.size or 0
    if size == 0:
        _refuse("The file is empty.", field)
    limit = max_upload_bytes()
    if size > limit:
        _refuse(
            f"The file is {size / 1048576:.1f} MB; files may be at most {settings.MEDIA_MAX_UPLOAD_MB} MB.",
            field,
        )
    name = (getattr(upload, "name", "") or "").strip()
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    if head.startswith(_EXECUTABLE_MAGIC):
        _refuse("Programs and scripts cannot be uploaded.", field)
    kind = filetype.guess(head)
    if kind is not None:
        content_type = kind.mime
    elif _looks_like_text(upload):
        content_type = "text/plain"
    else:
        _refuse(f"This kind of file is not accepted. Accepted: {', '.join(ALLOWED_EXTENSIONS)}.", field)
    if content_type not in ALLOWED_TYPES or (allowed is not None and content_type not in allowed):
        accepted = (
            ALLOWED_EXTENSIONS if allowed is None else sorted({e for t in allowed for e in ALLOWED_TYPES[t]})
        )
        _refuse(
            f"Files of type {content_type} are not accepted here. Accepted: {', '.join(accepted)}.", field
        )
    if extension not in ALLOWED_TYPES[content_type]:
        _refuse(
            f"The file's name says .{extension or '(none)'} but its contents are {content_type}; "
            "rename it to match what it is.",
            field,
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        digest.update(chunk)
    upload.seek(0)
    return Inspected(content_type=content_type, size=size, sha256=digest.hexdigest(), extension=extension)


def _looks_like_text(upload) -> bool:
    """UTF-8 text without NUL bytes (read whole: a text file lies only past its first bytes)."""
    upload.seek(0)
    try:
        decoder_tail = b""
        for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
            if b"\x00" in chunk:
                return False
            data = decoder_tail + chunk
            try:
                data.decode("utf-8")
                decoder_tail = b""
            except UnicodeDecodeError as exc:
                if exc.start < len(data) - 4:
                    return False
                decoder_tail = data[exc.start :]
        return not decoder_tail
    finally:
        upload.seek(0)
