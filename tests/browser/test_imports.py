"""The import page in a real browser: upload a file and watch the progress bar reach completion with the
counts, first with the job running inside the upload (eager tasks, as in `make run`), then with the job
running elsewhere while the page polls the status endpoint."""

import re

import pytest
from django_tenants.utils import schema_context

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

HEADER = "email,name,role,branch,class\n"


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def people_csv(count: int, slug: str) -> bytes:
    rows = [f"person{i}@{slug}.example.com,Person {i},student,north,Algebra 1\n" for i in range(count)]
    return (HEADER + "".join(rows)).encode()


@pytest.fixture
def admin_page(server, provisioned, context, page):
    """A page signed in as the Org Admin of a fresh organization that has a branch `north` with a class."""
    from django.db import connection

    from apps.accounts.models import User
    from apps.hierarchy.models import Branch, SchoolClass
    from tests.conftest import browser_for

    organization = provisioned(plan="growth")
    with schema_context(organization.schema_name):
        admin = User.objects.get(email=organization.admin_email)
        admin.status = User.Status.ACTIVE
        admin.save(update_fields=["status"])
        north = Branch.objects.create(code="north", name="North Campus")
        SchoolClass.objects.create(branch=north, name="Algebra 1")
    connection.set_schema_to_public()
    # The session is made as a sign-in makes it, in the organization's schema; the browser gets its cookie.
    session = browser_for(organization, admin).cookies["sessionid"].value
    connection.set_schema_to_public()
    context.add_cookies([{"name": "sessionid", "value": session, "url": server.url("/", organization.slug)}])
    return page, organization


def upload(page, server, organization, content: bytes):
    page.goto(server.url("/manage/imports/", organization.slug))
    expect(page.get_by_role("heading", name="Import people")).to_be_visible()
    file = {"name": "people.csv", "mimeType": "text/csv", "buffer": content}
    page.get_by_label("People file").set_input_files(file)
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(re.compile(r"/manage/imports/\d+/$"))


def test_an_upload_shows_its_finished_progress_and_counts(admin_page, server):
    page, organization = admin_page

    upload(page, server, organization, people_csv(30, organization.slug))

    expect(page.locator("#import-status")).to_have_text("Completed")
    expect(page.locator("#import-progress-bar")).to_have_js_property("value", 100)
    expect(page.locator('dd[data-field="created"]')).to_have_text("30")
    expect(page.locator('dd[data-field="failed"]')).to_have_text("0")
    expect(page.get_by_role("link", name="Download the report (CSV)")).to_be_visible()
    screenshot(page, "import-finished.png")

    page.get_by_role("link", name="Import people").click()
    expect(page.get_by_role("link", name=re.compile(r"#\d+ people\.csv"))).to_be_visible()
    screenshot(page, "import-list.png")


def test_the_progress_bar_follows_a_job_running_in_the_background(admin_page, server, monkeypatch):
    from apps.imports import services

    page, organization = admin_page
    queued = []
    # As with a real worker: the upload only queues the job; it runs later, somewhere else.
    monkeypatch.setattr(services, "queue_import", lambda schema, job_id: queued.append((schema, job_id)))
    monkeypatch.setattr(services, "CHUNK_SIZE", 10)

    upload(page, server, organization, people_csv(25, organization.slug))

    expect(page.locator("#import-status")).to_have_text("Queued")
    expect(page.locator("#import-progress-bar")).to_have_js_property("value", 0)
    expect(page.get_by_role("link", name="Download the report (CSV)")).to_be_hidden()
    page.evaluate("window.notReloaded = true")
    ((schema, job_id),) = queued
    with schema_context(schema):
        services.import_run(job_id=job_id)  # the worker

    expect(page.locator("#import-status")).to_have_text("Completed", timeout=10_000)
    expect(page.locator("#import-progress-bar")).to_have_js_property("value", 100)
    expect(page.locator("#import-progress-text")).to_have_text("25 of 25 rows processed (100%).")
    expect(page.locator('dd[data-field="created"]')).to_have_text("25")
    expect(page.locator('dd[data-field="unchanged"]')).to_have_text("0")
    expect(page.get_by_role("link", name="Download the report (CSV)")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True  # updated by polling, not by a reload
    screenshot(page, "import-polled.png")
