"""A bad file is refused as a whole, with a message that says what to do, before anything is written."""

import io
import zipfile

import pytest

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.imports.models import ImportJob
from tests.api.helpers import assert_error
from tests.conftest import browser_for

from .conftest import api_for, csv_bytes, in_schema, upload, xlsx_bytes

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
GOOD_ROW = ("someone@acme.example.com", "Someone", "student", "north", "")


def big_csv(rows: int) -> bytes:
    return csv_bytes([(f"p{i}@acme.example.com", "", "student", "north", "") for i in range(rows)])


def over_five_megabytes() -> bytes:
    """Fewer than 20,000 rows, but 5.5 MB."""
    filler = "x" * 262
    rows = [(f"p{i:05d}@acme.example.com", filler, "student", "north", "") for i in range(19_000)]
    content = csv_bytes(rows)
    assert round(len(content) / (1024 * 1024), 1) == 5.5
    return content


def a_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("people.txt", "email,role\n")
    return buffer.getvalue()


BAD_FILES = {
    "unknown column": (
        "people.csv",
        csv_bytes([GOOD_ROW], header=("email", "nam", "role", "branch", "class")),
        "Unknown column 'nam'. The columns are: email, name, role, branch (or branch_code), class (or "
        "class_name).",
    ),
    "missing role column": (
        "people.csv",
        csv_bytes([("a@acme.example.com", "A")], header=("email", "name")),
        "The header row lacks the required column role. The columns are: email, name, role, branch (or "
        "branch_code), class (or class_name); the first row must name them.",
    ),
    "no header at all": (
        "people.csv",
        csv_bytes([GOOD_ROW], header=None),
        "Unknown columns 'someone@acme.example.com', 'Someone', 'student', 'north'. The columns are: email, "
        "name, role, branch (or branch_code), class (or class_name).",
    ),
    "semicolons": (
        "people.csv",
        b"email;name;role\na@acme.example.com;A;student\n",
        "The columns are separated by ';'; separate them with commas (save the file as CSV UTF-8, comma "
        "delimited).",
    ),
    "latin-1": (
        "people.csv",
        "email,name,role,branch\nrene@acme.example.com,René,student,north\n".encode("latin-1"),
        "The file is not UTF-8 encoded (byte 0xe9 on line 2 is not UTF-8; the file is probably Latin-1 or "
        'Windows-1252). Save it as "CSV UTF-8" and upload it again.',
    ),
    "utf-16": (
        "people.csv",
        "email,role\na@acme.example.com,student\n".encode("utf-16"),
        "The file is encoded as UTF-16. Save it as CSV UTF-8 and upload it again.",
    ),
    "a PNG named .csv": (
        "people.csv",
        PNG,
        "This file is a PNG image, not a CSV or XLSX file, whatever its name says.",
    ),
    "a PNG named .xlsx": (
        "people.xlsx",
        PNG,
        "This file is a PNG image, not a CSV or XLSX file, whatever its name says.",
    ),
    "CSV text named .xlsx": (
        "people.xlsx",
        csv_bytes([GOOD_ROW]),
        "This file is named .xlsx but is not an Excel workbook. Save it from your spreadsheet program as "
        ".xlsx, or as CSV UTF-8 named .csv.",
    ),
    "a workbook named .csv": (
        "people.csv",
        xlsx_bytes([GOOD_ROW]),
        "This file is named .csv but is a ZIP archive (perhaps an Excel workbook): name it .xlsx, or save it "
        "as CSV UTF-8.",
    ),
    "a ZIP that is no workbook": (
        "people.xlsx",
        a_zip(),
        "This is a ZIP archive but not an Excel workbook. Upload a .xlsx or CSV file.",
    ),
    "a damaged workbook": (
        "people.xlsx",
        xlsx_bytes([GOOD_ROW])[:600],
        "This file is named .xlsx but is not a readable Excel workbook.",
    ),
    "another extension": ("people.txt", csv_bytes([GOOD_ROW]), "Upload a .csv or .xlsx file."),
    "an old .xls": (
        "people.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
        "Old Excel files (.xls) are not supported. Save the sheet as .xlsx or as CSV UTF-8, then upload it "
        "again.",
    ),
    "empty": ("people.csv", b"", "The file is empty."),
    "only a header": ("people.csv", csv_bytes([]), "The file has a header row but no people below it."),
    "more than 20,000 rows": (
        "people.csv",
        big_csv(20_001),
        "The file has more than 20,000 rows (blank rows count too). Delete any empty rows below your data, "
        "or split it into files of at most 20,000 rows.",
    ),
    "more than 5 MB": (
        "people.csv",
        over_five_megabytes(),
        "The file is larger than 5 MB. Split it into smaller files.",
    ),
}


def nothing_written(organization):
    with in_schema(organization):
        return (
            ImportJob.objects.count(),
            User.objects.count(),
            AuditEntry.objects.filter(action__startswith="import.").count(),
        )


@pytest.mark.parametrize("case", BAD_FILES, ids=str)
def test_a_bad_file_is_refused_with_a_clear_message_before_anything_is_written(
    case, acme, acme_admin, run_jobs
):
    filename, content, message = BAD_FILES[case]
    before = nothing_written(acme)

    with run_jobs():
        response = upload(api_for(acme, acme_admin), content, filename=filename)

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error == {"code": "VALIDATION_ERROR", "message": message, "details": {"file": [message]}}
    assert nothing_written(acme) == before == (0, before[1], 0)


def test_exactly_20000_rows_are_accepted(acme, acme_admin):
    # Not run (no on-commit callbacks here): only the file check is under test.
    response = upload(api_for(acme, acme_admin), big_csv(20_000))

    assert response.status_code == 201
    assert response.json()["data"]["total_rows"] == 20_000


def test_a_request_without_a_file_names_the_field(acme, acme_admin):
    response = api_for(acme, acme_admin).post("/api/v1/imports", {}, format="multipart")

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"] == {
        "file": [
            "Upload a CSV or XLSX file in `file` (multipart/form-data), or send the CSV text in `content`."
        ]
    }


def test_the_upload_page_shows_why_a_file_was_refused(acme, acme_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = browser_for(acme, acme_admin)

    response = page.post("/manage/imports/", {"file": SimpleUploadedFile("people.csv", PNG)})

    assert response.status_code == 200
    html = response.content.decode()
    assert "This file is a PNG image, not a CSV or XLSX file, whatever its name says." in html
    assert 'class="field has-error"' in html
    assert nothing_written(acme)[0] == 0


def test_the_upload_page_asks_for_a_file(acme, acme_admin):
    response = browser_for(acme, acme_admin).post("/manage/imports/", {})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert nothing_written(acme)[0] == 0


def test_the_upload_page_refuses_a_file_over_5_mb(acme, acme_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = browser_for(acme, acme_admin).post(
        "/manage/imports/", {"file": SimpleUploadedFile("people.csv", over_five_megabytes())}
    )

    assert response.status_code == 200
    assert "The file is larger than 5 MB. Split it into smaller files." in response.content.decode()
    assert nothing_written(acme)[0] == 0
