"""Hostile workbooks built byte by byte, cheaply: a ZIP writer that takes entries already packed (so a 250 MiB
entry is packed once as a 1 MiB block repeated, never as 250 MiB of data) and may declare sizes and counts
that lie, and a minimal XLSX (content types, workbook, one sheet) whose sheet XML the test writes."""

import struct
import zlib
from dataclasses import dataclass

MiB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
DEFLATED, BZIP2 = 8, 12


@dataclass
class Entry:
    name: str
    packed: bytes
    crc: int
    size: int  # what it really unpacks to
    method: int = DEFLATED
    declared_size: int | None = None  # what its headers say (default: the truth)


def deflated(name: str, payload: bytes) -> Entry:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Entry(name, packer.compress(payload) + packer.flush(), zlib.crc32(payload), len(payload))


def inflating(name: str, *, head: bytes, filler: bytes, times: int, tail: bytes) -> Entry:
    """An entry unpacking to head + filler * times + tail, packed from one copy of filler: after a full flush
    deflate starts afresh, so the packed filler block can simply be repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(filler) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(filler, crc)
    crc = zlib.crc32(tail, crc)
    return Entry(name, start + block * times + end, crc, len(head) + len(filler) * times + len(tail))


def zip_of(entries: list[Entry], *, declared_count: int | None = None, zip64: bool = False) -> bytes:
    """The archive; `declared_count` is the entry count its end record claims, `zip64` moves the count and the
    directory's size and place into a ZIP64 end record (the classic one then says 0xFFFF)."""
    local, directory = bytearray(), bytearray()
    for entry in entries:
        offset, name = len(local), entry.name.encode()
        size = entry.size if entry.declared_size is None else entry.declared_size
        fields = (entry.method, 0, 0x21, entry.crc, len(entry.packed), size, len(name))
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, *fields, 0) + name + entry.packed
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, *fields, 0, 0, 0, 0, 0, offset)
        directory += name
    count = len(entries) if declared_count is None else declared_count
    if not zip64:
        end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(local), 0)
        return bytes(local + directory + end)
    record = len(local) + len(directory)
    end = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, len(directory), len(local))
    end += struct.pack("<4sLQL", b"PK\x06\x07", 0, record, 1)
    end += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, len(directory), len(local), 0)
    return bytes(local + directory + end)


def cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROW = (
    '<row r="1">'
    + "".join(
        cell(f"{column}1", name)
        for column, name in zip("ABCD", ("email", "name", "role", "branch"), strict=True)
    )
    + "</row>"
)


def person_row(number: int, email: str) -> str:
    cells = cell(f"A{number}", email) + cell(f"C{number}", "student") + cell(f"D{number}", "north")
    return f'<row r="{number}">{cells}</row>'


def sheet(rows: str, *, dimension: str | None) -> bytes:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{MAIN}">{declared}<sheetData>{rows}</sheetData></worksheet>'.encode()


def workbook_parts(worksheet: bytes, *, shared_strings: bool = False) -> dict[str, bytes]:
    overrides = (
        f'<Override PartName="/xl/workbook.xml" ContentType="{SPREADSHEET}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SPREADSHEET}.worksheet+xml"/>'
    )
    relationships = (
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    )
    if shared_strings:
        overrides += (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SPREADSHEET}.sharedStrings+xml"/>'
        )
        relationships += (
            f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    return {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
        ).encode(),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
            '<sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{relationships}</Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": worksheet,
    }


def xlsx_of(parts: dict[str, bytes], *, extra: tuple[Entry, ...] = (), **archive) -> bytes:
    return zip_of([deflated(name, data) for name, data in parts.items()] + list(extra), **archive)


def one_person_sheet(*, dimension: str | None = "A1:D2") -> bytes:
    return sheet(HEADER_ROW + person_row(2, "far@acme.example.com"), dimension=dimension)
