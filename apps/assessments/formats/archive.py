"""Opening uploaded archives and XML without trusting them.

``open_zip`` checks a whole ZIP before anything is extracted: the upload size, the number of entries,
every name (no zip slip: absolute paths, ``..`` parts, backslashes, drive letters), no symlinks, no
encrypted, duplicate or overlapping entries, declared sizes and compression ratios under caps. It then decompresses
every entry once through a bounded reader (counting the bytes that actually come out, never trusting the
header alone) and checks the CRC, so a lying header or a zip bomb is refused up front; ``SafeZip.read``
reads through the same bounded reader again.

``parse_xml`` parses with defusedxml: entity declarations (billion laughs, XXE) and external references
are refused. A bare ``<!DOCTYPE x SYSTEM "...">`` without an internal subset is tolerated, because old
QTI 1.2 exporters write one and expat never fetches it; a DOCTYPE with an internal subset is refused.
"""

from __future__ import annotations

import io
import itertools
import posixpath
import re
import stat
import zipfile
import zlib
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _

from .base import FormatError

MB = 1024 * 1024
CHUNK = 64 * 1024
# Below this many uncompressed bytes an entry cannot be a bomb, whatever its ratio (tiny XML compresses well).
RATIO_FLOOR_BYTES = 256 * 1024

_DRIVE = re.compile(r"^[A-Za-z]:")


def _check_name(name: str) -> None:
    if not name or "\x00" in name:
        raise FormatError(_("The archive contains an entry with an empty or invalid name."))
    if "\\" in name:
        raise FormatError(_("The archive entry %(name)s has a backslash in its name.") % {"name": repr(name)})
    if name.startswith("/") or _DRIVE.match(name):
        raise FormatError(_("The archive entry %(name)s has an absolute path.") % {"name": repr(name)})
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise FormatError(
            _("The archive entry %(name)s points outside the archive or has an empty path part.")
            % {"name": repr(name)}
        )


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return stat.S_ISLNK(mode)


class SafeZip:
    """A checked ZIP archive: ``names()`` lists its files (not directories), ``read(name)`` their bytes."""

    def __init__(self, zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], max_entry_bytes: int):
        self._zf = zf
        self._infos = infos
        self._max_entry_bytes = max_entry_bytes

    def names(self) -> list[str]:
        return [name for name, info in self._infos.items() if not info.is_dir()]

    def __contains__(self, name: str) -> bool:
        info = self._infos.get(name)
        return info is not None and not info.is_dir()

    def read(self, name: str) -> bytes:
        info = self._infos.get(name)
        if info is None or info.is_dir():
            raise FormatError(_("The archive has no file %(name)s.") % {"name": repr(name)})
        return _bounded_read(self._zf, info, self._max_entry_bytes)


def _bounded_read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, *, keep: bool = True) -> bytes:
    """Decompress one entry, refusing as soon as more than ``limit`` bytes come out (or the CRC is wrong)."""
    out = io.BytesIO() if keep else None
    total = 0
    crc = 0
    try:
        with zf.open(info) as stream:
            # zipfile stops at the header's size and checks the CRC itself; counting and checking again
            # here means neither a lying header nor a changed library can let more through.
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > limit or total > info.file_size:
                    raise FormatError(
                        _("The archive entry %(name)s is larger than it declares or than allowed.")
                        % {"name": repr(info.filename)}
                    )
                crc = zlib.crc32(chunk, crc)
                if out is not None:
                    out.write(chunk)
    except FormatError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise FormatError(
            _("The archive entry %(name)s is damaged (%(error)s).")
            % {"name": repr(info.filename), "error": exc}
        ) from exc
    if total != info.file_size or crc != info.CRC:
        raise FormatError(
            _("The archive entry %(name)s does not match its declared size or checksum.")
            % {"name": repr(info.filename)}
        )
    return out.getvalue() if out is not None else b""


def _name_length(info: zipfile.ZipInfo) -> int:
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    try:
        return len(info.orig_filename.encode(encoding))
    except UnicodeEncodeError:
        return len(info.orig_filename.encode("utf-8"))


def _check_no_overlap(infos: list[zipfile.ZipInfo]) -> None:
    """Entries sharing compressed bytes are the trick of non-recursive zip bombs: refuse them."""
    ordered = sorted(infos, key=lambda info: info.header_offset)
    for info, following in itertools.pairwise(ordered):
        end = info.header_offset + 30 + _name_length(info) + info.compress_size
        if end > following.header_offset:
            raise FormatError(
                _("The archive entry %(name)s overlaps another one (a zip bomb?).")
                % {"name": repr(info.filename)}
            )


def open_zip(
    data: bytes,
    *,
    max_bytes: int = 20 * MB,
    max_entries: int = 2000,
    max_entry_bytes: int = 10 * MB,
    max_total_uncompressed: int = 100 * MB,
    max_ratio: int = 100,
) -> SafeZip:
    """Check an uploaded ZIP completely and return it, or raise FormatError saying what is wrong."""
    if len(data) > max_bytes:
        raise FormatError(
            _("The file is too big (%(size)s bytes; at most %(max)s allowed).")
            % {"size": len(data), "max": max_bytes}
        )
    if not data.startswith(b"PK"):
        raise FormatError(_("The file is not a ZIP archive."))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infolist = zf.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
    ) as exc:
        raise FormatError(_("The file is not a readable ZIP archive (%(error)s).") % {"error": exc}) from exc
    if len(infolist) > max_entries:
        raise FormatError(
            _("The archive has too many entries (%(count)s; at most %(max)s allowed).")
            % {"count": len(infolist), "max": max_entries}
        )

    infos: dict[str, zipfile.ZipInfo] = {}
    seen: set[str] = set()
    declared_total = 0
    for info in infolist:
        name = info.filename
        _check_name(name)
        if name.rstrip("/") in seen:
            raise FormatError(_("The archive contains %(name)s twice.") % {"name": repr(name)})
        seen.add(name.rstrip("/"))
        if _is_symlink(info):
            raise FormatError(_("The archive entry %(name)s is a symbolic link.") % {"name": repr(name)})
        if info.flag_bits & 0x1:
            raise FormatError(_("The archive entry %(name)s is encrypted.") % {"name": repr(name)})
        if info.file_size > max_entry_bytes:
            raise FormatError(
                _("The archive entry %(name)s is too big (%(size)s bytes; at most %(max)s).")
                % {"name": repr(name), "size": info.file_size, "max": max_entry_bytes}
            )
        if info.compress_size > len(data):
            raise FormatError(
                _("The archive entry %(name)s declares more data than the file holds.") % {"name": repr(name)}
            )
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
            raise FormatError(
                _("The archive entry %(name)s is compressed suspiciously well (a zip bomb?).")
                % {"name": repr(name)}
            )
        declared_total += info.file_size
        if declared_total > max_total_uncompressed:
            raise FormatError(
                _("The archive unpacks to more than %(max)s bytes.") % {"max": max_total_uncompressed}
            )
        infos[name] = info

    _check_no_overlap(list(infos.values()))
    actual_total = 0
    for info in infos.values():
        if info.is_dir():
            if info.file_size:
                raise FormatError(
                    _("The archive directory entry %(name)s has content.") % {"name": repr(info.filename)}
                )
            continue
        limit = min(max_entry_bytes, max_total_uncompressed - actual_total)
        _bounded_read(zf, info, limit, keep=False)
        actual_total += info.file_size
    return SafeZip(zf, infos, max_entry_bytes)


class _Parser(DefusedXMLParser):
    """defusedxml's parser, also allowing a DOCTYPE only when it has no internal subset."""

    def __init__(self) -> None:
        super().__init__(forbid_dtd=False, forbid_entities=True, forbid_external=True)
        self.parser.StartDoctypeDeclHandler = self._doctype

    def _doctype(self, name, sysid, pubid, has_internal_subset):
        if has_internal_subset:
            raise DTDForbidden(name, sysid, pubid)


def parse_xml(data: bytes) -> Element:
    """Parse untrusted XML; FormatError for malformed XML, DTD internal subsets, entities, external references."""
    parser = _Parser()
    try:
        parser.feed(data)
        return parser.close()
    except DefusedXmlException as exc:
        raise FormatError(_("The XML declares entities or a DTD, which is not allowed.")) from exc
    except ParseError as exc:
        raise FormatError(_("The XML is not well formed (%(error)s).") % {"error": exc}) from exc
    except (RecursionError, ValueError) as exc:
        raise FormatError(_("The XML could not be read.")) from exc


def resolve_href(base_dir: str, href: str) -> str:
    """A manifest href relative to ``base_dir``, normalized; FormatError if it leaves the archive."""
    from urllib.parse import unquote

    href = unquote((href or "").split("#", 1)[0].split("?", 1)[0])
    if not href or "\\" in href or href.startswith("/") or _DRIVE.match(href) or "://" in href:
        raise FormatError(_("The manifest refers to an unusable path %(href)s.") % {"href": repr(href)})
    path = posixpath.normpath(posixpath.join(base_dir, href)) if base_dir else posixpath.normpath(href)
    if path.startswith("../") or path == ".." or path.startswith("/"):
        raise FormatError(
            _("The manifest refers to a path outside the archive: %(href)s.") % {"href": repr(href)}
        )
    return path
