"""Reading an uploaded people file (CSV or XLSX) into rows, refusing a bad file as a whole.

Everything a file can be refused for is checked here, before any row is written: its size, what it really
is (whatever its name says), its encoding, its columns and its number of rows. `parse_people_file` either
returns every row or raises `FileRefusedError` with one message a person can act on.

Hostile files are refused before they can cost much (limits in settings, IMPORT_*):
- an XLSX is a ZIP archive: it is refused by what its directory declares (number of parts, unpacked size of
  each part and of all together, packing ratio, parts that do not belong in a workbook) before anything is
  unpacked, and every part is then unpacked once through a bounded stream, so a header that lies about its
  size cannot make openpyxl allocate more than was declared and checked (apps/core/archives.py);
- the sheet is streamed (openpyxl read-only) and its rows are counted by position, blank rows included: a
  sheet whose dimension reaches beyond the cap is refused before a row is read, and one whose rows jump far
  down is refused after IMPORT_MAX_ROWS + 1 positions, however far the jump;
- a CSV holding a NUL byte anywhere is not text and is refused as a whole.

Columns (header names are case-insensitive; spaces and hyphens count as underscores):

    email (required)   name   role (required)   branch | branch_code   class | class_name
"""

import csv
import io
from dataclasses import dataclass

from django.conf import settings

from apps.core.archives import ArchiveLimits, ArchiveRefused, Reason, open_checked_zip

MiB = 1024 * 1024
# Wider sheets are cut here: a header row never needs more columns than this to name ours.
MAX_COLUMNS = 50
# XML elements (cells, strings, rows, styles...) a workbook may hold per row allowed, all parts together: what
# reading it costs grows with them. A sheet of people has five columns: a cell and its value or string are two
# or three elements, so 20,000 full rows come to about 320,000, under the 500,025 allowed.
ELEMENTS_PER_ROW = 25
# What an XLSX package may hold (ECMA-376 part 2): anything else is not a workbook Excel or its peers wrote.
XLSX_TOP_LEVEL_PARTS = ("[Content_Types].xml",)
XLSX_FOLDERS = ("_rels/", "docProps/", "xl/", "customXml/")


def max_bytes() -> int:
    return settings.IMPORT_MAX_FILE_MB * MiB


def max_rows() -> int:
    """Data rows a file may hold; the header row comes on top, and blank rows count."""
    return settings.IMPORT_MAX_ROWS


def xlsx_limits() -> ArchiveLimits:
    return ArchiveLimits(
        max_entries=settings.IMPORT_XLSX_MAX_ENTRIES,
        max_uncompressed_bytes=settings.IMPORT_XLSX_MAX_UNCOMPRESSED_MB * MiB,
        max_ratio=settings.IMPORT_XLSX_MAX_RATIO,
        max_markup_elements=(max_rows() + 1) * ELEMENTS_PER_ROW,
    )


COLUMN_ALIASES = {
    "email": "email",
    "e_mail": "email",
    "name": "name",
    "full_name": "name",
    "role": "role",
    "branch": "branch",
    "branch_code": "branch",
    "class": "class_name",
    "class_name": "class_name",
}
REQUIRED_COLUMNS = ("email", "role")
ACCEPTED_HEADERS = "email, name, role, branch (or branch_code), class (or class_name)"

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
# File signatures of things people upload by mistake, so the message can say what the file really is.
SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Excel (.xls) or Word (.doc) file"),
    (b"\x1f\x8b", "a gzip archive"),
]


class FileRefusedError(Exception):
    """The whole file is refused; `message` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SourceRow:
    number: int  # the row's line in the spreadsheet: the header is row 1
    email: str
    name: str
    role: str
    branch: str
    class_name: str


@dataclass(frozen=True)
class ParsedFile:
    file_format: str  # "csv" | "xlsx"
    columns: tuple[str, ...]
    rows: list[SourceRow]


def file_format_for(filename: str) -> str:
    name = (filename or "").strip().lower()
    for extension, file_format in FORMATS.items():
        if name.endswith(extension):
            return file_format
    if name.endswith(".xls"):
        raise FileRefusedError(
            "Old Excel files (.xls) are not supported. Save the sheet as .xlsx or as "
            "CSV UTF-8, then upload it again."
        )
    raise FileRefusedError("Upload a .csv or .xlsx file.")


def read_upload(upload) -> bytes:
    """An uploaded file's bytes, but never more than one byte past the limit (enough to refuse it)."""
    return upload.read(max_bytes() + 1)


def parse_people_file(*, filename: str, content: bytes) -> ParsedFile:
    """Every row of an uploaded file, or FileRefusedError. The file's content decides what it is; its name
    must agree."""
    if len(content) > max_bytes():
        limit = settings.IMPORT_MAX_FILE_MB
        raise FileRefusedError(f"The file is larger than {limit} MB. Split it into smaller files.")
    if not content.strip():
        raise FileRefusedError("The file is empty.")
    file_format = file_format_for(filename)
    for signature, what in SIGNATURES:
        if content.startswith(signature):
            raise FileRefusedError(f"This file is {what}, not a CSV or XLSX file, whatever its name says.")
    is_zip = content.startswith(b"PK\x03\x04")
    if file_format == "xlsx":
        if not is_zip:
            raise FileRefusedError(
                "This file is named .xlsx but is not an Excel workbook. Save it from "
                "your spreadsheet program as .xlsx, or as CSV UTF-8 named .csv."
            )
        table = _xlsx_rows(content)
    else:
        if is_zip:
            raise FileRefusedError(
                "This file is named .csv but is a ZIP archive (perhaps an Excel "
                "workbook): name it .xlsx, or save it as CSV UTF-8."
            )
        table = _csv_rows(content)
    return _to_people(file_format, table)


# --- CSV ---------------------------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefusedError("The file is encoded as UTF-16. Save it as CSV UTF-8 and upload it again.")
    # A NUL anywhere in the file (not only near its start): it is no text and cannot be stored, so the whole
    # file is refused here rather than failing its job later.
    nul = content.find(b"\x00")
    if nul >= 0:
        line = content[:nul].count(b"\n") + 1
        raise FileRefusedError(
            f"This is not a text file (line {line:,} holds a NUL byte), so it cannot be a CSV file. Upload a "
            "CSV (UTF-8) or an XLSX file."
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise FileRefusedError(
            f"The file is not UTF-8 encoded (byte 0x{content[exc.start]:02x} on line {line} is not UTF-8; "
            'the file is probably Latin-1 or Windows-1252). Save it as "CSV UTF-8" and upload it again.'
        ) from None


def _csv_rows(content: bytes):
    text = _decode(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=",", strict=True)
    try:
        for index, row in enumerate(reader, start=1):
            yield index, row[:MAX_COLUMNS]
    except csv.Error as exc:
        raise FileRefusedError(
            f"Row {reader.line_num} could not be read as CSV ({exc}). Check its quotes."
        ) from None


DAMAGED_WORKBOOK = (
    "This Excel workbook could not be read; it may be damaged. Open it and save it again, or "
    "save it as CSV UTF-8."
)


# --- XLSX --------------------------------------------------------------------------------------------------

NOT_A_WORKBOOK = "This is a ZIP archive but not an Excel workbook. Upload a .xlsx or CSV file."
UNREADABLE_WORKBOOK = "This file is named .xlsx but is not a readable Excel workbook."
SAVE_AGAIN = "Save the sheet again from your spreadsheet program, or as CSV UTF-8, and upload that."


def _xlsx_part_allowed(name: str) -> bool:
    return name in XLSX_TOP_LEVEL_PARTS or name.startswith(XLSX_FOLDERS)


def _archive_refusal(refused: ArchiveRefused) -> FileRefusedError:
    detail = refused.detail
    messages = {
        Reason.NOT_A_ZIP: lambda: UNREADABLE_WORKBOOK,
        Reason.DAMAGED: lambda: DAMAGED_WORKBOOK,
        Reason.MISSING_ENTRY: lambda: NOT_A_WORKBOOK,
        Reason.TOO_MANY_ENTRIES: lambda: (
            f"This workbook is made of {detail['entries']:,} parts, more than the {detail['limit']:,} an "
            f"import accepts. {SAVE_AGAIN}"
        ),
        Reason.TOO_LARGE: lambda: (
            f"This workbook unpacks to more than {detail['limit'] // MiB:,} MB. Keep only the sheet of "
            f"people (delete other sheets and pictures), or save it as CSV UTF-8, and upload that."
        ),
        Reason.TOO_MANY_ELEMENTS: lambda: (
            f"This workbook holds more cells, strings and styles ({detail['limit']:,} at most) than "
            f"{max_rows():,} rows of people need. Keep only the sheet of people (delete other sheets and "
            "columns), or save it as CSV UTF-8, and upload that."
        ),
        Reason.RATIO: lambda: (
            "This workbook is packed far more tightly than a real spreadsheet "
            f"('{detail['name']}' unpacks to {detail['ratio']:,} times its size; at most "
            f"{detail['limit']:,} is accepted). {SAVE_AGAIN}"
        ),
        Reason.FOREIGN_ENTRY: lambda: (
            f"This workbook holds '{detail['name'][:100]}', which does not belong in an Excel workbook. "
            f"{SAVE_AGAIN}"
        ),
        Reason.UNSUPPORTED: lambda: (
            "This workbook is encrypted or packed in a way Excel does not use. Save it again without a "
            "password, or as CSV UTF-8, and upload that."
        ),
        Reason.MARKUP_DECLARATION: lambda: (
            f"This workbook's part '{detail['name'][:100]}' holds a DOCTYPE declaration, which Excel never "
            f"writes. {SAVE_AGAIN}"
        ),
    }
    return FileRefusedError(messages[refused.reason]())


def _xlsx_rows(content: bytes):
    """(position, values) of every row of the first sheet, blank rows included, streamed; at most
    max_rows() + 1 positions are read (the header and the data rows) before the file is refused."""
    try:
        archive = open_checked_zip(
            content,
            limits=xlsx_limits(),
            required=("xl/workbook.xml",),
            entry_allowed=_xlsx_part_allowed,
            forbid_markup_declarations=True,
        )
    except ArchiveRefused as refused:
        raise _archive_refusal(refused) from None
    archive.close()
    import openpyxl

    try:
        # openpyxl opens the same bytes again; every part of them was checked above.
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged workbook
        raise FileRefusedError(DAMAGED_WORKBOOK) from None
    limit = max_rows() + 1
    try:
        if not workbook.worksheets:
            raise FileRefusedError("The workbook has no sheets.")
        sheet = workbook.worksheets[0]
        declared = sheet.max_row  # from the sheet's <dimension>, read before any row
        if declared is not None and declared > limit:
            raise FileRefusedError(_too_many_rows(reaches=declared))
        # Then forget the dimension, which may lie either way: rows past it would be silently dropped.
        sheet.reset_dimensions()
        try:
            rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            for position, values in enumerate(rows, start=1):
                if position > limit:
                    raise FileRefusedError(_too_many_rows())
                if all(value is None for value in values):
                    yield position, ()
                else:
                    yield position, [_cell_text(value) for value in values]
        except FileRefusedError:
            raise
        except Exception:
            raise FileRefusedError(DAMAGED_WORKBOOK) from None
    finally:
        workbook.close()


def _too_many_rows(*, reaches: int | None = None) -> str:
    limit = max_rows()
    if reaches:
        where = f"The sheet reaches row {reaches:,}, and at most {limit:,} rows can be imported"
    else:
        where = f"The file has more than {limit:,} rows"
    return (
        f"{where} (blank rows count too). Delete any empty rows below your data, or split it into files of "
        f"at most {limit:,} rows."
    )


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- rows --------------------------------------------------------------------------------------------------


def _header_key(raw: str) -> str:
    return "_".join(raw.strip().lower().replace("-", " ").split())


def _columns(header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    unknown = []
    for position, raw in enumerate(header):
        if not raw.strip():
            continue
        column = COLUMN_ALIASES.get(_header_key(raw))
        if column is None:
            unknown.append(raw.strip())
        elif column in positions:
            raise FileRefusedError(f"The column '{column}' appears twice in the header row. Keep one.")
        else:
            positions[column] = position
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
        separator = next(sep for sep in (";", "\t", "|") if sep in header[0])
        shown = "tab" if separator == "\t" else f"'{separator}'"
        raise FileRefusedError(
            f"The columns are separated by {shown}; separate them with commas (save the "
            "file as CSV UTF-8, comma delimited)."
        )
    if unknown:
        names = ", ".join(f"'{name}'" for name in unknown[:5])
        raise FileRefusedError(
            f"Unknown column{'s' if len(unknown) > 1 else ''} {names}. The columns are: {ACCEPTED_HEADERS}."
        )
    missing = [column for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        raise FileRefusedError(
            f"The header row lacks the required column{'s' if len(missing) > 1 else ''} "
            f"{' and '.join(missing)}. The columns are: {ACCEPTED_HEADERS}; the first row must "
            "name them."
        )
    return positions


def _to_people(file_format: str, table) -> ParsedFile:
    positions = None
    rows: list[SourceRow] = []
    limit = max_rows() + 1
    for number, values in table:
        if number > limit:  # counted by position: blank rows too, so a far jump costs no more than the cap
            raise FileRefusedError(_too_many_rows())
        if not any((value or "").strip() for value in values):
            continue  # blank lines (and the empty rows spreadsheets leave at the end) are no data
        if positions is None:
            positions = _columns(values)
            continue

        def cell(column: str, values=values, positions=positions) -> str:
            position = positions.get(column)
            return values[position].strip() if position is not None and position < len(values) else ""

        rows.append(
            SourceRow(
                number=number,
                email=cell("email"),
                name=cell("name"),
                role=cell("role"),
                branch=cell("branch"),
                class_name=cell("class_name"),
            )
        )
    if positions is None:
        raise FileRefusedError("The file is empty.")
    if not rows:
        raise FileRefusedError("The file has a header row but no people below it.")
    ordered = tuple(sorted(positions, key=positions.get))
    return ParsedFile(file_format=file_format, columns=ordered, rows=rows)
