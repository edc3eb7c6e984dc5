"""Importing people: CSV and XLSX files create, update or leave people as they are, ensure their roles
and classes, and record one report row per data row."""

from apps.accounts.models import RoleAssignment, User
from apps.audit.models import AuditEntry
from apps.hierarchy.models import SchoolClass
from apps.imports.models import ImportJob, ImportRow
from tests.api.helpers import assert_ok

from .conftest import api_for, csv_bytes, in_schema, upload, xlsx_bytes

ROWS = [
    ("new.student@acme.example.com", "New Student", "student", "north", "Algebra 1"),
    ("new.teacher@acme.example.com", "New Teacher", "teacher", "south", "Chemistry 2"),
    ("teacher@acme.example.com", "Renamed Teacher", "teacher", "north", "Algebra 1"),
    ("student@acme.example.com", "", "student", "north", "Algebra 1"),
]
EXPECTED_REPORT = [
    (2, "new.student@acme.example.com", "created", "Invited as Student in class 'Algebra 1' of branch north"),
    (
        3,
        "new.teacher@acme.example.com",
        "created",
        "Invited as Teacher in class 'Chemistry 2' of branch south; created class 'Chemistry 2' in branch "
        "south",
    ),
    (4, "teacher@acme.example.com", "updated", "Name changed"),
    (5, "student@acme.example.com", "unchanged", "Already up to date"),
]


def roles_of(email):
    return sorted(
        (a.role, a.branch.code if a.branch else None, a.school_class.name if a.school_class else None)
        for a in RoleAssignment.objects.filter(user__email=email).select_related("branch", "school_class")
    )


def report_rows(job_id):
    return list(
        ImportRow.objects.filter(job_id=job_id)
        .order_by("row_number")
        .values_list("row_number", "email", "outcome", "reason")
    )


def test_a_csv_file_creates_updates_and_reports_every_row(acme, acme_admin, run_jobs, mailoutbox):
    client = api_for(acme, acme_admin)

    with run_jobs():
        response = upload(client, csv_bytes(ROWS))

    created = assert_ok(response, 201)
    job = assert_ok(client.get(f"/api/v1/imports/{created['id']}"))
    assert (job["status"], job["total_rows"], job["processed_rows"], job["progress_percent"]) == (
        "completed",
        4,
        4,
        100,
    )
    assert (job["created"], job["updated"], job["unchanged"], job["failed"]) == (2, 1, 1, 0)
    assert job["file_format"] == "csv"
    assert job["report_url"] == f"/api/v1/imports/{job['id']}/report"
    with in_schema(acme):
        assert report_rows(job["id"]) == EXPECTED_REPORT
        new_student = User.objects.get(email="new.student@acme.example.com")
        assert (new_student.full_name, new_student.status, new_student.has_usable_password()) == (
            "New Student",
            "invited",
            False,
        )
        assert roles_of("new.student@acme.example.com") == [("student", "north", "Algebra 1")]
        assert roles_of("new.teacher@acme.example.com") == [("teacher", "south", "Chemistry 2")]
        assert User.objects.get(email="teacher@acme.example.com").full_name == "Renamed Teacher"
        assert User.objects.get(email="student@acme.example.com").full_name == "Student"  # empty name: kept
        assert list(SchoolClass.objects.filter(name="Chemistry 2").values_list("branch__code", "term")) == [
            ("south", "")
        ]
        actions = list(
            AuditEntry.objects.exclude(action="user.invited")
            .order_by("pk")
            .values_list("action", "actor_email", "target_id")
        )
        assert actions == [
            ("import.created", "orgadmin@acme.example.com", str(job["id"])),
            (
                "class.created",
                "orgadmin@acme.example.com",
                str(SchoolClass.objects.get(name="Chemistry 2").pk),
            ),
            ("import.completed", "orgadmin@acme.example.com", str(job["id"])),
        ]
        completed = AuditEntry.objects.get(action="import.completed")
        assert completed.changes == {
            "rows": 4,
            "processed": 4,
            "created": 2,
            "updated": 1,
            "unchanged": 1,
            "failed": 0,
        }
    assert mailoutbox == []  # "send invitations" was not ticked


def test_an_xlsx_file_is_imported_like_a_csv_file(acme, acme_admin, run_jobs):
    client = api_for(acme, acme_admin)

    with run_jobs():
        response = upload(client, xlsx_bytes(ROWS), filename="People.XLSX")

    job = assert_ok(client.get(f"/api/v1/imports/{assert_ok(response, 201)['id']}"))
    assert (job["status"], job["file_format"], job["created"], job["updated"], job["unchanged"]) == (
        "completed",
        "xlsx",
        2,
        1,
        1,
    )
    with in_schema(acme):
        assert report_rows(job["id"]) == EXPECTED_REPORT


def test_headers_are_case_insensitive_with_aliases_and_a_bom(acme, acme_admin, run_jobs):
    content = csv_bytes(
        [("Mixed.Case@ACME.example.com", "Mixed Case", "Student", "NORTH", "algebra 1")],
        header=("E-mail", "Full Name", "ROLE", "Branch_Code", "Class Name"),
        bom=True,
    )

    with run_jobs():
        job = assert_ok(upload(api_for(acme, acme_admin), content), 201)

    with in_schema(acme):
        assert report_rows(job["id"]) == [
            (
                2,
                "mixed.case@acme.example.com",
                "created",
                "Invited as Student in class 'Algebra 1' of branch north",
            ),
        ]
        assert roles_of("mixed.case@acme.example.com") == [("student", "north", "Algebra 1")]


def test_optional_columns_may_be_left_out(acme, acme_admin, run_jobs):
    content = csv_bytes([("boss@acme.example.com", "org_admin")], header=("email", "role"))

    with run_jobs():
        job = assert_ok(upload(api_for(acme, acme_admin), content), 201)

    with in_schema(acme):
        assert report_rows(job["id"]) == [(2, "boss@acme.example.com", "created", "Invited as Org Admin")]
        assert roles_of("boss@acme.example.com") == [("org_admin", None, None)]


def test_a_new_role_for_someone_already_here_is_an_update(acme, acme_admin, run_jobs):
    content = csv_bytes(
        [
            ("student@acme.example.com", "", "student", "south", "Biology 1"),
            ("student@acme.example.com", "", "teacher", "south", ""),
        ]
    )

    with run_jobs():
        job = assert_ok(upload(api_for(acme, acme_admin), content), 201)

    with in_schema(acme):
        assert report_rows(job["id"]) == [
            (2, "student@acme.example.com", "updated", "Added Student in class 'Biology 1' of branch south"),
            (3, "student@acme.example.com", "updated", "Added Teacher of branch south"),
        ]
        assert roles_of("student@acme.example.com") == [
            ("student", "north", "Algebra 1"),
            ("student", "south", "Biology 1"),
            ("teacher", "south", None),
        ]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(acme, acme_admin, run_jobs):
    client = api_for(acme, acme_admin)
    content = csv_bytes(ROWS)
    with run_jobs():
        upload(client, content)

    def snapshot():
        with in_schema(acme):
            return (
                sorted(User.objects.values_list("email", "full_name", "status", "invited_at")),
                sorted(
                    RoleAssignment.objects.values_list("user__email", "role", "branch_id", "school_class_id")
                ),
                sorted(SchoolClass.objects.values_list("branch_id", "name", "term", "created_at")),
            )

    before = snapshot()
    with run_jobs():
        second = assert_ok(upload(client, content), 201)

    assert snapshot() == before
    job = assert_ok(client.get(f"/api/v1/imports/{second['id']}"))
    assert (job["created"], job["updated"], job["unchanged"], job["failed"]) == (0, 0, 4, 0)
    with in_schema(acme):
        assert [(n, outcome, reason) for n, _, outcome, reason in report_rows(second["id"])] == [
            (2, "unchanged", "Already up to date"),
            (3, "unchanged", "Already up to date"),
            (4, "unchanged", "Already up to date"),
            (5, "unchanged", "Already up to date"),
        ]


def test_running_a_finished_job_again_changes_nothing(acme, acme_admin, run_jobs):
    from apps.imports.services import import_run

    with run_jobs():
        job_id = assert_ok(upload(api_for(acme, acme_admin), csv_bytes(ROWS)), 201)["id"]

    with in_schema(acme):
        before = (User.objects.count(), RoleAssignment.objects.count(), ImportRow.objects.count())
        job = import_run(job_id=job_id)
        assert (job.status, job.created_count, job.processed_rows) == ("completed", 2, 4)
        assert (User.objects.count(), RoleAssignment.objects.count(), ImportRow.objects.count()) == before


def test_send_invitations_emails_each_new_person_once(acme, acme_admin, run_jobs, mailoutbox):
    with run_jobs():
        job = assert_ok(upload(api_for(acme, acme_admin), csv_bytes(ROWS), send_invitations="true"), 201)

    assert sorted(m.to[0] for m in mailoutbox) == [
        "new.student@acme.example.com",
        "new.teacher@acme.example.com",
    ]
    assert "http://acme.learnstack.test/invite/" in mailoutbox[0].body
    with in_schema(acme):
        assert report_rows(job["id"])[0][3] == (
            "Invited as Student in class 'Algebra 1' of branch north; invitation email sent"
        )


def test_json_content_is_accepted_for_csv_text(acme, acme_admin, run_jobs):
    client = api_for(acme, acme_admin)

    with run_jobs():
        content = "email,role,branch\njson@acme.example.com,student,north\n"
        response = client.post(
            "/api/v1/imports", {"filename": "people.csv", "content": content}, format="json"
        )

    job = assert_ok(client.get(f"/api/v1/imports/{assert_ok(response, 201)['id']}"))
    assert (job["status"], job["created"]) == ("completed", 1)
    with in_schema(acme):
        assert roles_of("json@acme.example.com") == [("student", "north", None)]


def test_the_job_row_keeps_who_uploaded_what(acme, acme_admin, run_jobs):
    content = csv_bytes(ROWS)
    with run_jobs():
        response = upload(api_for(acme, acme_admin), content, filename="../../etc/people.csv")
    job_id = assert_ok(response, 201)["id"]

    with in_schema(acme):
        job = ImportJob.objects.get(pk=job_id)
        assert (job.filename, job.size_bytes, bytes(job.source), job.created_by_email) == (
            "people.csv",
            len(content),
            content,
            "orgadmin@acme.example.com",
        )
        assert job.started_at <= job.finished_at
