"""Helpers for the import tests: files built in memory, uploads through the API and the page, and the
on-commit queueing run for real (a test's transaction never commits, so callbacks are captured and run)."""

import csv
import io

import pytest
from django_tenants.utils import schema_context

from tests.conftest import client_for, jwt_for

HEADER = ("email", "name", "role", "branch", "class")


def csv_bytes(rows, header=HEADER, *, bom: bool = False) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows, header=HEADER) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if header:
        sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_of(response) -> list[dict]:
    """The rows of a CSV report response (streamed), as dicts."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """`with run_jobs(): <upload>`: what commits inside queues the import, which runs eagerly at the end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def api_for(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


def upload(client, content: bytes, filename: str = "people.csv", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/api/v1/imports", {"file": SimpleUploadedFile(filename, content), **fields}, format="multipart"
    )


def in_schema(organization):
    return schema_context(organization.schema_name)
