"""Opening an uploaded ZIP archive (an XLSX workbook, any future package upload) without letting it explode.

`open_checked_zip(content, limits=...)` refuses an archive by what its directory *declares* before anything is
unpacked: the number of entries (read from the end record, before the directory itself is parsed), each
entry's and the total unpacked size, the packing ratio, the compression method, encryption and the entries'
names. Then it unpacks every entry once, in bounded chunks, counting the bytes it really produces: an entry
that unpacks to more than its header says (a lying header) is refused as soon as it passes the declared size,
so a reader opened afterwards never meets more than what was declared and checked. Optionally, entries
carrying a DOCTYPE or ENTITY declaration (entity-expansion bombs; OOXML packages may not hold DTDs) are
refused, and so is an archive whose entries hold more XML elements (start tags) than `max_markup_elements`:
what an XML parser costs grows with the elements, and a few MB of `<c/>` are millions of them.

Refusals raise `ArchiveRefused` with a stable `reason` (see `Reason`) and the facts in `detail`; the caller
turns them into a message for its users (apps/imports/parsing.py does for workbooks).

Cost: the directory checks are O(entries) and run on a directory bounded by `max_entries`; the unpacking pass
is O(declared unpacked size), itself bounded by `max_uncompressed_bytes`, and holds at most one chunk.
"""

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

MiB = 1024 * 1024
CHUNK = 64 * 1024
# Room allowed per directory entry (46 bytes of header plus name, extra field and comment): a directory larger
# than max_entries * this is refused before zipfile parses it.
DIRECTORY_BYTES_PER_ENTRY = 1024
END_RECORD = struct.Struct("<4s4H2LH")  # signature, disks, entries here, entries total, size, offset, comment
ZIP64_LOCATOR = struct.Struct("<4sLQL")
ZIP64_END_RECORD = struct.Struct("<4sQ2H2L4Q")
LOCAL_HEADER = struct.Struct("<4s5H3L2H")
# In UTF-8 and in both UTF-16s (XML may be either; OOXML parts are XML whatever their names say).
MARKUP_DECLARATIONS = tuple(
    declaration.encode(encoding)
    for declaration in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


class Reason(StrEnum):
    NOT_A_ZIP = "not_a_zip"  # no readable ZIP directory
    DAMAGED = "damaged"  # an entry is not what its header says (size, checksum), or the data is cut short
    TOO_MANY_ENTRIES = "too_many_entries"
    TOO_LARGE = "too_large"  # declared unpacked size over the limit (one entry or all together)
    TOO_MANY_ELEMENTS = "too_many_elements"  # more XML start tags, all entries together, than allowed
    RATIO = "ratio"  # an entry packed far more tightly than real data is
    MISSING_ENTRY = "missing_entry"  # an entry the caller requires is absent
    FOREIGN_ENTRY = "foreign_entry"  # a name the caller does not allow, an unsafe path or a duplicate
    UNSUPPORTED = "unsupported"  # encrypted, or a compression method other than stored/deflated
    MARKUP_DECLARATION = "markup_declaration"  # a DOCTYPE/ENTITY declaration in an entry


class ArchiveRefused(Exception):
    def __init__(self, reason: Reason, **detail) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int
    max_uncompressed_bytes: int  # per entry and for all entries together
    max_ratio: int  # unpacked size / packed size, for entries of at least ratio_floor_bytes
    ratio_floor_bytes: int = MiB  # small entries (a few KB of XML) legitimately pack very tightly
    max_markup_elements: int | None = None  # XML start tags in all entries together (None: not counted)


def open_checked_zip(
    content: bytes,
    *,
    limits: ArchiveLimits,
    required: tuple[str, ...] = (),
    entry_allowed: Callable[[str], bool] = lambda name: True,
    forbid_markup_declarations: bool = False,
) -> zipfile.ZipFile:
    """A ZipFile over `content` whose every entry was checked, or ArchiveRefused. The caller closes it."""
    _check_end_record(content, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise ArchiveRefused(Reason.NOT_A_ZIP) from None
    try:
        infos = archive.infolist()
        _check_directory(infos, limits, required=required, entry_allowed=entry_allowed)
        elements = _ElementCount(limits.max_markup_elements)
        for info in infos:
            _unpack_bounded(content, info, markup=forbid_markup_declarations, elements=elements)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_end_record(content: bytes, limits: ArchiveLimits) -> None:
    """Refuse by the entry count and directory size the end record declares, before the directory is read."""
    position = content.rfind(b"PK\x05\x06", max(0, len(content) - END_RECORD.size - 0xFFFF))
    if position < 0 or position + END_RECORD.size > len(content):
        raise ArchiveRefused(Reason.NOT_A_ZIP)
    _, _, _, _, entries, directory_size, _, _ = END_RECORD.unpack_from(content, position)
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF:  # ZIP64: the real figures are in the ZIP64 record
        locator = position - ZIP64_LOCATOR.size
        if locator < 0 or content[locator : locator + 4] != b"PK\x06\x07":
            raise ArchiveRefused(Reason.NOT_A_ZIP)
        record = ZIP64_LOCATOR.unpack_from(content, locator)[2]
        if record + ZIP64_END_RECORD.size > len(content) or content[record : record + 4] != b"PK\x06\x06":
            raise ArchiveRefused(Reason.NOT_A_ZIP)
        fields = ZIP64_END_RECORD.unpack_from(content, record)
        entries, directory_size = fields[7], fields[8]
    if entries > limits.max_entries or directory_size > limits.max_entries * DIRECTORY_BYTES_PER_ENTRY:
        raise ArchiveRefused(
            Reason.TOO_MANY_ENTRIES,
            entries=max(entries, directory_size // DIRECTORY_BYTES_PER_ENTRY),
            limit=limits.max_entries,
        )


def _safe_name(name: str) -> bool:
    """A relative path inside the archive: no drive, no leading slash, no backslash, no '..' step."""
    return (
        bool(name)
        and not name.startswith("/")
        and not any(c in name for c in "\\:\x00")
        and (".." not in name.split("/"))
    )


def _check_directory(infos, limits: ArchiveLimits, *, required, entry_allowed) -> None:
    if len(infos) > limits.max_entries:  # the end record understated it
        raise ArchiveRefused(Reason.TOO_MANY_ENTRIES, entries=len(infos), limit=limits.max_entries)
    names = [info.filename for info in infos]
    for name in required:
        if name not in names:
            raise ArchiveRefused(Reason.MISSING_ENTRY, name=name)
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if name in seen or not _safe_name(name) or not entry_allowed(name):
            raise ArchiveRefused(Reason.FOREIGN_ENTRY, name=name)
        seen.add(name)
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveRefused(Reason.UNSUPPORTED, name=name)
        total += info.file_size
        if info.file_size > limits.max_uncompressed_bytes or total > limits.max_uncompressed_bytes:
            raise ArchiveRefused(
                Reason.TOO_LARGE, name=name, declared=total, limit=limits.max_uncompressed_bytes
            )
        if info.file_size >= limits.ratio_floor_bytes and (
            info.file_size > limits.max_ratio * max(info.compress_size, 1)
        ):
            raise ArchiveRefused(
                Reason.RATIO,
                name=name,
                ratio=info.file_size // max(info.compress_size, 1),
                limit=limits.max_ratio,
            )


class _ElementCount:
    """Start tags seen so far: every '<' that does not open an end tag, a declaration or a processing
    instruction (text cannot hold a raw '<'). A tag cut between two chunks may count once too often."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.count = 0

    def add(self, piece: bytes, name: str) -> None:
        if self.limit is None:
            return
        self.count += piece.count(b"<") - piece.count(b"</") - piece.count(b"<!") - piece.count(b"<?")
        if self.count > self.limit:
            raise ArchiveRefused(Reason.TOO_MANY_ELEMENTS, name=name, limit=self.limit)


def _unpack_bounded(content: bytes, info: zipfile.ZipInfo, *, markup: bool, elements: _ElementCount) -> None:
    """Unpack one entry chunk by chunk, refusing it as soon as it yields more than it declares."""
    start = info.header_offset
    if start + LOCAL_HEADER.size > len(content):
        raise ArchiveRefused(Reason.DAMAGED, name=info.filename)
    header = LOCAL_HEADER.unpack_from(content, start)
    if header[0] != b"PK\x03\x04":
        raise ArchiveRefused(Reason.DAMAGED, name=info.filename)
    data_start = start + LOCAL_HEADER.size + header[9] + header[10]
    packed = memoryview(content)[data_start : data_start + info.compress_size]
    if len(packed) != info.compress_size:
        raise ArchiveRefused(Reason.DAMAGED, name=info.filename)
    # Every entry is scanned, not only those named .xml: a reader follows the package's relationships to parts
    # of any name. Binary entries hold a stray '<' now and then, which the element count can afford.
    produced, crc, tail = 0, 0, b""
    for piece in _pieces(packed, info):
        produced += len(piece)
        if produced > info.file_size:
            raise ArchiveRefused(Reason.DAMAGED, name=info.filename, declared=info.file_size)
        crc = zlib.crc32(piece, crc)
        elements.add(piece, info.filename)
        if markup:
            window = tail + piece
            if any(declaration in window for declaration in MARKUP_DECLARATIONS):
                raise ArchiveRefused(Reason.MARKUP_DECLARATION, name=info.filename)
            tail = window[-32:]  # longer than any declaration, so one cut between chunks is seen
    if produced != info.file_size or crc != info.CRC:
        raise ArchiveRefused(Reason.DAMAGED, name=info.filename)


def _pieces(packed: memoryview, info: zipfile.ZipInfo):
    """The entry's unpacked bytes, CHUNK at most at a time."""
    if info.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(packed), CHUNK):
            yield bytes(packed[offset : offset + CHUNK])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    offset, pending = 0, b""
    try:
        while not inflater.eof:
            if not pending:
                if offset >= len(packed):
                    raise ArchiveRefused(Reason.DAMAGED, name=info.filename)  # the stream stops short
                pending = packed[offset : offset + CHUNK]
                offset += CHUNK
            piece = inflater.decompress(pending, CHUNK)
            pending = inflater.unconsumed_tail
            if piece:
                yield piece
    except zlib.error:
        raise ArchiveRefused(Reason.DAMAGED, name=info.filename) from None
