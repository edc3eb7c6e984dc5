"""A 10,000-row file imports completely in one job (its speed is measured in benchmarks/import_bench.py)."""

from apps.accounts.models import RoleAssignment, User
from apps.hierarchy.models import SchoolClass
from apps.imports.models import ImportRow
from tests.api.helpers import assert_ok

from .conftest import api_for, csv_bytes, in_schema, upload

ROWS = 10_000


def people(count: int) -> list[tuple]:
    """Students spread over 40 classes (38 of them new) in both branches, with a teacher for each tenth."""
    rows = []
    for i in range(count):
        branch = ("north", "south")[i % 2]
        class_name = f"Group {i % 40}" if i % 40 > 1 else ("Algebra 1" if branch == "north" else "Biology 1")
        role = "teacher" if i % 10 == 0 else "student"
        rows.append((f"person{i:05d}@acme.example.com", f"Person {i}", role, branch, class_name))
    return rows


def test_a_10000_row_file_is_imported_completely(acme, acme_admin, run_jobs):
    from tenants.models import Plan, Subscription

    Subscription.objects.filter(organization=acme).update(plan=Plan.objects.get(code="enterprise"))
    client = api_for(acme, acme_admin)

    with run_jobs():
        created = assert_ok(upload(client, csv_bytes(people(ROWS))), 201)

    job = assert_ok(client.get(f"/api/v1/imports/{created['id']}"))
    assert (job["status"], job["total_rows"], job["processed_rows"], job["created"], job["failed"]) == (
        "completed",
        ROWS,
        ROWS,
        ROWS,
        0,
    )
    with in_schema(acme):
        assert User.objects.filter(email__startswith="person").count() == ROWS
        assert RoleAssignment.objects.filter(user__email__startswith="person").count() == ROWS
        assert SchoolClass.objects.filter(name__startswith="Group ").count() == 38
        assert ImportRow.objects.filter(job_id=job["id"], outcome="created").count() == ROWS
