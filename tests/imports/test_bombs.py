"""Hostile files (parsing bombs) are refused up front, cheaply, with a message, and nothing is written: an
XLSX by what its ZIP directory declares before anything is unpacked (and by what it really unpacks to,
through a bounded stream, when a header lies; and by the XML elements it holds), a sheet by its row
positions (blank rows count), a CSV by a NUL byte anywhere in it. Each file is built here, small (1.2 MB at
most), however much it would unpack to (tests/imports/hostile_files.py)."""

import functools
import io
import time
import tracemalloc
import zlib

import openpyxl  # imported here, so that its import is not counted in the memory measured below
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from apps.imports.parsing import FileRefusedError, parse_people_file
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import browser_for

from .conftest import api_for, csv_bytes, upload
from .hostile_files import (
    BZIP2,
    HEADER_ROW,
    MAIN,
    Entry,
    MiB,
    deflated,
    inflating,
    one_person_sheet,
    person_row,
    sheet,
    workbook_parts,
    xlsx_of,
)
from .test_bad_files import nothing_written

SAVE_AGAIN = "Save the sheet again from your spreadsheet program, or as CSV UTF-8, and upload that."
TOO_MANY_ROWS = (
    "The file has more than 20,000 rows (blank rows count too). Delete any empty rows below your data, or "
    "split it into files of at most 20,000 rows."
)
DAMAGED = (
    "This Excel workbook could not be read; it may be damaged. Open it and save it again, or save it as CSV "
    "UTF-8."
)
SHARED_STRING_HEAD = f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode()
HEADER_FROM_SHARED_STRING = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'


def shared_string(mebibytes: int) -> Entry:
    return inflating(
        "xl/sharedStrings.xml",
        head=SHARED_STRING_HEAD,
        filler=b"a" * MiB,
        times=mebibytes,
        tail=b"</t></si></sst>",
    )


def shared_string_bomb() -> bytes:
    """250 KiB that unpack to 250 MiB: the header row's first cell is one shared string of 250 MiB."""
    parts = workbook_parts(sheet(HEADER_FROM_SHARED_STRING, dimension="A1"), shared_strings=True)
    return xlsx_of(parts, extra=(shared_string(250),))


def tightly_packed() -> bytes:
    """Within the size limit (40 MiB), but packed 1,000 to 1."""
    parts = workbook_parts(sheet(HEADER_FROM_SHARED_STRING, dimension="A1"), shared_strings=True)
    return xlsx_of(parts, extra=(shared_string(40),))


def far_row(*, dimension: str | None) -> bytes:
    """1.5 KB: a header, one person, and one more at row 2,097,152."""
    rows = HEADER_ROW + person_row(2, "near@acme.example.com") + person_row(2_097_152, "far@acme.example.com")
    return xlsx_of(workbook_parts(sheet(rows, dimension=dimension)))


def empty_cells(count: int) -> bytes:
    """A few KB: a header, then one row of `count` empty cells, each an element openpyxl would parse."""
    worksheet = sheet(HEADER_ROW + '<row r="2">@</row>', dimension=None)
    head, tail = worksheet.split(b"@")
    cells = inflating(
        "xl/worksheets/sheet1.xml", head=head, filler=b"<c/>" * 1000, times=count // 1000, tail=tail
    )
    parts = workbook_parts(worksheet)
    del parts["xl/worksheets/sheet1.xml"]
    return xlsx_of(parts, extra=(cells,))


def many_parts(count: int, **archive) -> bytes:
    media = tuple(deflated(f"xl/media/part{i}.xml", b"") for i in range(count))
    return xlsx_of(workbook_parts(one_person_sheet()), extra=media, **archive)


def lying_header() -> bytes:
    """[Content_Types].xml (read whole by openpyxl) declares its 1 KB; its data unpacks to 250 MiB more."""
    parts = workbook_parts(one_person_sheet())
    types = parts.pop("[Content_Types].xml")
    entry = inflating("[Content_Types].xml", head=types, filler=b" " * MiB, times=250, tail=b"")
    entry.declared_size, entry.crc = len(types), zlib.crc32(types)  # the prefix checks out
    return xlsx_of(parts, extra=(entry,))


def entity_expansion() -> bytes:
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    strings = (
        f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "lol">{laughs}]><sst xmlns="{MAIN}"><si><t>&l9;</t>'
        "</si></sst>"
    ).encode()
    parts = workbook_parts(sheet(HEADER_FROM_SHARED_STRING, dimension="A1"), shared_strings=True)
    return xlsx_of({**parts, "xl/sharedStrings.xml": strings})


def with_entry(name: str, *, method: int = 8) -> bytes:
    entry = deflated(name, b"#!/bin/sh\n")
    entry.method = method
    return xlsx_of(workbook_parts(one_person_sheet()), extra=(entry,))


def nul_at_the_end() -> bytes:
    rows = [(f"p{i}@acme.example.com", "", "student", "north", "") for i in range(3_000)]
    return csv_bytes(rows) + b"\x00"


HOSTILE = {
    "a shared string unpacking to 250 MiB": (
        "people.xlsx",
        shared_string_bomb,
        "This workbook unpacks to more than 50 MB. Keep only the sheet of people (delete other sheets and "
        "pictures), or save it as CSV UTF-8, and upload that.",
    ),
    "a part packed 1,000 to 1": (
        "people.xlsx",
        tightly_packed,
        "This workbook is packed far more tightly than a real spreadsheet ('xl/sharedStrings.xml' unpacks to "
        "{ratio:,} times its size; at most 200 is accepted). " + SAVE_AGAIN,
    ),
    "a row at 2,097,152 that the dimension declares": (
        "people.xlsx",
        functools.partial(far_row, dimension="A1:D2097152"),
        "The sheet reaches row 2,097,152, and at most 20,000 rows can be imported (blank rows count too). "
        "Delete any empty rows below your data, or split it into files of at most 20,000 rows.",
    ),
    "a row at 2,097,152 behind a dimension that lies": (
        "people.xlsx",
        functools.partial(far_row, dimension="A1:D2"),
        TOO_MANY_ROWS,
    ),
    "a row at 2,097,152 and no dimension": (
        "people.xlsx",
        functools.partial(far_row, dimension=None),
        TOO_MANY_ROWS,
    ),
    "a row of 600,000 empty cells": (
        "people.xlsx",
        functools.partial(empty_cells, 600_000),
        "This workbook holds more cells, strings and styles (500,025 at most) than 20,000 rows of people "
        "need. Keep only the sheet of people (delete other sheets and columns), or save it as CSV UTF-8, and "
        "upload that.",
    ),
    "10,000 parts": (
        "people.xlsx",
        functools.partial(many_parts, 10_000),
        "This workbook is made of 10,005 parts, more than the 500 an import accepts. " + SAVE_AGAIN,
    ),
    "600 parts behind an end record claiming 5": (
        "people.xlsx",
        functools.partial(many_parts, 600, declared_count=5),
        "This workbook is made of 605 parts, more than the 500 an import accepts. " + SAVE_AGAIN,
    ),
    "a ZIP64 end record claiming 70,000 parts": (
        "people.xlsx",
        functools.partial(many_parts, 0, declared_count=70_000, zip64=True),
        "This workbook is made of 70,000 parts, more than the 500 an import accepts. " + SAVE_AGAIN,
    ),
    "a header that understates its part 250,000 times": ("people.xlsx", lying_header, DAMAGED),
    "entity expansion (a billion laughs)": (
        "people.xlsx",
        entity_expansion,
        "This workbook's part 'xl/sharedStrings.xml' holds a DOCTYPE declaration, which Excel never writes. "
        + SAVE_AGAIN,
    ),
    "a path out of the archive": (
        "people.xlsx",
        functools.partial(with_entry, "../../etc/cron.d/run"),
        "This workbook holds '../../etc/cron.d/run', which does not belong in an Excel workbook. "
        + SAVE_AGAIN,
    ),
    "a part that is no workbook's": (
        "people.xlsx",
        functools.partial(with_entry, "payload.sh"),
        "This workbook holds 'payload.sh', which does not belong in an Excel workbook. " + SAVE_AGAIN,
    ),
    "a part packed with bzip2": (
        "people.xlsx",
        functools.partial(with_entry, "xl/extra.xml", method=BZIP2),
        "This workbook is encrypted or packed in a way Excel does not use. Save it again without a password, "
        "or as CSV UTF-8, and upload that.",
    ),
    "a CSV with a NUL byte at its end": (
        "people.csv",
        nul_at_the_end,
        "This is not a text file (line 3,002 holds a NUL byte), so it cannot be a CSV file. Upload a CSV "
        "(UTF-8) or an XLSX file.",
    ),
}


@functools.cache
def hostile(case: str) -> tuple[str, bytes, str]:
    filename, build, message = HOSTILE[case]
    content = build()
    if "{ratio" in message:
        entry = shared_string(40)
        message = message.format(ratio=entry.size // len(entry.packed))
    return filename, content, message


def refusal(filename: str, content: bytes) -> str:
    with pytest.raises(FileRefusedError) as refused:
        parse_people_file(filename=filename, content=content)
    return refused.value.message


def test_the_hostile_files_are_small():
    sizes = {case: len(hostile(case)[1]) for case in HOSTILE}

    assert sizes["a shared string unpacking to 250 MiB"] < 300 * 1024
    assert sizes["a row at 2,097,152 that the dimension declares"] < 2 * 1024
    assert max(sizes.values()) < 2 * MiB


@pytest.mark.parametrize("case", HOSTILE, ids=str)
def test_a_hostile_file_is_refused_over_the_api_before_anything_is_written(case, acme, acme_admin, run_jobs):
    filename, content, message = hostile(case)
    before = nothing_written(acme)

    with run_jobs():
        response = upload(api_for(acme, acme_admin), content, filename)

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error == {"code": "VALIDATION_ERROR", "message": message, "details": {"file": [message]}}
    assert nothing_written(acme) == before == (0, before[1], 0)


@pytest.mark.parametrize("case", HOSTILE, ids=str)
def test_a_hostile_file_is_refused_on_the_upload_page(case, acme, acme_admin, run_jobs):
    filename, content, message = hostile(case)
    before = nothing_written(acme)

    with run_jobs():
        response = browser_for(acme, acme_admin).post(
            "/manage/imports/", {"file": SimpleUploadedFile(filename, content)}
        )

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(message) in html
    assert 'class="field has-error"' in html
    assert nothing_written(acme) == before


@pytest.mark.parametrize("case", HOSTILE, ids=str)
def test_refusing_a_hostile_file_takes_little_memory(case):
    filename, content, message = hostile(case)
    warm_up = xlsx_of(workbook_parts(one_person_sheet()))  # openpyxl's lazy imports are not the file's cost
    parse_people_file(filename="people.xlsx", content=warm_up)

    tracemalloc.start()
    try:
        refused = refusal(filename, content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert refused == message
    assert peak < 4 * MiB  # before: 750 MiB for the shared string, 550 MiB for the lying header


@pytest.mark.parametrize("case", HOSTILE, ids=str)
def test_refusing_a_hostile_file_takes_little_cpu(case):
    """CPU time of this process (not wall time, so other processes on the machine do not count), with a wide
    margin: the row at 2,097,152 took 22 to 48 s before."""
    filename, content, message = hostile(case)

    started = time.process_time()
    refused = refusal(filename, content)

    assert time.process_time() - started < 2.0
    assert refused == message


def test_a_sheet_whose_dimension_understates_its_rows_imports_every_row(acme, acme_admin, run_jobs):
    rows = HEADER_ROW + "".join(person_row(n, f"row{n}@acme.example.com") for n in range(2, 6))
    content = xlsx_of(workbook_parts(sheet(rows, dimension="A1:D2")))

    with run_jobs():
        created = assert_ok(upload(api_for(acme, acme_admin), content, "people.xlsx"), 201)

    job = assert_ok(api_for(acme, acme_admin).get(f"/api/v1/imports/{created['id']}"))
    assert (job["status"], job["total_rows"], job["created"]) == ("completed", 4, 4)


def test_blank_rows_inside_the_limit_are_skipped(acme, acme_admin, run_jobs):
    rows = HEADER_ROW + person_row(2, "top@acme.example.com") + person_row(20_001, "last@acme.example.com")
    content = xlsx_of(workbook_parts(sheet(rows, dimension="A1:D20001")))

    with run_jobs():
        created = assert_ok(upload(api_for(acme, acme_admin), content, "people.xlsx"), 201)

    job = assert_ok(api_for(acme, acme_admin).get(f"/api/v1/imports/{created['id']}"))
    assert (job["status"], job["total_rows"], job["created"]) == ("completed", 2, 2)


def test_a_blank_row_past_the_limit_counts(acme, acme_admin):
    rows = HEADER_ROW + person_row(2, "top@acme.example.com") + '<row r="20002"/>'

    response = upload(
        api_for(acme, acme_admin), xlsx_of(workbook_parts(sheet(rows, dimension=None))), "people.xlsx"
    )

    assert assert_error(response, 400, "VALIDATION_ERROR")["message"] == TOO_MANY_ROWS


def test_a_zip64_workbook_is_read():
    content = xlsx_of(workbook_parts(one_person_sheet()), zip64=True)

    assert parse_people_file(filename="people.xlsx", content=content).rows[0].email == "far@acme.example.com"


def test_an_ordinary_workbook_passes_the_archive_checks():
    """A real sheet packs about 14 to 1 (its rows repeat a lot); the ratio limit is 200."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.append(["email", "name", "role", "branch", "class"])
    for i in range(2_000):
        worksheet.append([f"person{i:05d}@acme.example.com", f"Person {i}", "student", "north", "Algebra 1"])
    content = xlsx_bytes_of(workbook)

    assert len(parse_people_file(filename="people.xlsx", content=content).rows) == 2_000


def test_the_limits_are_settings(settings):
    settings.IMPORT_MAX_ROWS = 3
    settings.IMPORT_XLSX_MAX_UNCOMPRESSED_MB = 1
    people = [(f"p{i}@acme.example.com", "", "student", "north", "") for i in range(4)]
    five_parts = xlsx_of(workbook_parts(one_person_sheet()))
    over_a_megabyte = xlsx_of(workbook_parts(one_person_sheet()), extra=(deflated("xl/big.xml", b"x" * MiB),))

    assert len(parse_people_file(filename="people.csv", content=csv_bytes(people[:3])).rows) == 3
    assert refusal("people.csv", csv_bytes(people)).startswith("The file has more than 3 rows (blank rows")
    assert refusal("people.xlsx", over_a_megabyte) == (
        "This workbook unpacks to more than 1 MB. Keep only the sheet of people (delete other sheets and "
        "pictures), or save it as CSV UTF-8, and upload that."
    )
    settings.IMPORT_XLSX_MAX_ENTRIES = 4
    assert refusal("people.xlsx", five_parts) == (
        "This workbook is made of 5 parts, more than the 4 an import accepts. " + SAVE_AGAIN
    )


def test_a_csv_keeps_its_utf8_bom_handling():
    content = csv_bytes([("bom@acme.example.com", "Zoë", "student", "north", "")], bom=True)

    parsed = parse_people_file(filename="people.csv", content=content)

    assert (parsed.columns[0], parsed.rows[0].name) == ("email", "Zoë")


def xlsx_bytes_of(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
