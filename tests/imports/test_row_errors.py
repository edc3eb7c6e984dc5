"""Rows that cannot be applied fail one by one, each with its reason in the report; the other rows of the
file are imported."""

from apps.accounts.models import RoleAssignment, User
from apps.hierarchy.models import SchoolClass
from tests.api.helpers import assert_ok

from .conftest import api_for, csv_bytes, in_schema, upload
from .test_import_runs import report_rows


def import_as(organization, user, rows, run_jobs):
    client = api_for(organization, user)
    with run_jobs():
        created = assert_ok(upload(client, csv_bytes(rows)), 201)
    return assert_ok(client.get(f"/api/v1/imports/{created['id']}"))


def test_bad_values_fail_their_row_only(acme, acme_admin, run_jobs):
    rows = [
        ("not-an-email", "X", "student", "north", ""),
        ("", "Nobody", "student", "north", ""),
        ("wizard@acme.example.com", "W", "wizard", "north", ""),
        ("norole@acme.example.com", "N", "", "north", ""),
        ("lost@acme.example.com", "L", "student", "east", ""),
        ("nobranch@acme.example.com", "N", "teacher", "", ""),
        ("classonly@acme.example.com", "C", "student", "", "Algebra 1"),
        ("admin-in-branch@acme.example.com", "A", "org_admin", "north", ""),
        ("manager-in-class@acme.example.com", "M", "branch_manager", "north", "Algebra 1"),
        ("long@acme.example.com", "n" * 151, "student", "north", ""),
        ("fine@acme.example.com", "Fine", "Branch Manager", "North", ""),
    ]

    job = import_as(acme, acme_admin, rows, run_jobs)

    assert (job["status"], job["created"], job["failed"], job["processed_rows"]) == ("completed", 1, 10, 11)
    with in_schema(acme):
        assert report_rows(job["id"]) == [
            (2, "not-an-email", "failed", "'not-an-email' is not a valid email address."),
            (3, "", "failed", "The email is empty."),
            (
                4,
                "wizard@acme.example.com",
                "failed",
                "Unknown role 'wizard'. Use org_admin, branch_manager, teacher or student.",
            ),
            (
                5,
                "norole@acme.example.com",
                "failed",
                "The role is empty. Use org_admin, branch_manager, teacher or student.",
            ),
            (6, "lost@acme.example.com", "failed", "Unknown branch code 'east'."),
            (
                7,
                "nobranch@acme.example.com",
                "failed",
                "A Teacher belongs to a branch: fill in the branch code.",
            ),
            (8, "classonly@acme.example.com", "failed", "A class needs its branch: fill in the branch code."),
            (
                9,
                "admin-in-branch@acme.example.com",
                "failed",
                "An Org Admin applies to the whole organization: leave branch and class empty.",
            ),
            (
                10,
                "manager-in-class@acme.example.com",
                "failed",
                "A Branch Manager manages a branch, not a class: leave the class empty.",
            ),
            (11, "long@acme.example.com", "failed", "The name is longer than 150 characters."),
            (12, "fine@acme.example.com", "created", "Invited as Branch Manager of branch north"),
        ]
        assert not User.objects.filter(email__in=[row[0] for row in rows[:-1]]).exists()
        assert User.objects.filter(email="fine@acme.example.com").exists()


def test_a_branch_manager_imports_only_into_their_branches(acme, acme_manager, run_jobs):
    rows = [
        ("north.new@acme.example.com", "North New", "student", "north", "Algebra 1"),
        ("north.class@acme.example.com", "", "teacher", "north", "Geometry"),
        ("south.new@acme.example.com", "South New", "student", "south", "Biology 1"),
        ("nowhere@acme.example.com", "", "student", "atlantis", ""),
        ("boss@acme.example.com", "", "branch_manager", "north", ""),
        ("admin@acme.example.com", "", "org_admin", "", ""),
        ("south-student@acme.example.com", "", "student", "north", ""),
        ("orgadmin@acme.example.com", "Renamed Admin", "teacher", "north", ""),
        ("student@acme.example.com", "Renamed Student", "student", "north", "Algebra 1"),
    ]

    job = import_as(acme, acme_manager, rows, run_jobs)

    not_yours = "You may only import people into the branches you manage (north); '{}' is not one of them."
    only_admins = "Only Org Admins may appoint Org Admins and Branch Managers."
    outside = (
        "Someone with this email already belongs to this organization outside your branches; ask an "
        "Org Admin to add them."
    )
    with in_schema(acme):
        assert report_rows(job["id"]) == [
            (
                2,
                "north.new@acme.example.com",
                "created",
                "Invited as Student in class 'Algebra 1' of branch north",
            ),
            (
                3,
                "north.class@acme.example.com",
                "created",
                "Invited as Teacher in class 'Geometry' of branch north; created class 'Geometry' in branch "
                "north",
            ),
            (4, "south.new@acme.example.com", "failed", not_yours.format("south")),
            (5, "nowhere@acme.example.com", "failed", not_yours.format("atlantis")),
            (6, "boss@acme.example.com", "failed", only_admins),
            (7, "admin@acme.example.com", "failed", only_admins),
            (8, "south-student@acme.example.com", "failed", outside),
            (9, "orgadmin@acme.example.com", "failed", outside),
            (10, "student@acme.example.com", "updated", "Name changed"),
        ]
        refused = ["south.new@acme.example.com", "boss@acme.example.com"]
        assert not User.objects.filter(email__in=refused).exists()
        assert not RoleAssignment.objects.filter(
            user__email="south-student@acme.example.com", branch__code="north"
        ).exists()
        assert SchoolClass.objects.filter(name="Geometry", branch__code="north").exists()


def test_a_branch_manager_may_not_rename_another_manager(acme, acme_admin, acme_manager, run_jobs):
    with in_schema(acme):
        from apps.accounts.services import RoleSpec, user_invite
        from apps.hierarchy.models import Branch

        north = Branch.objects.get(code="north")
        user_invite(
            email="co-manager@acme.example.com",
            full_name="Co Manager",
            roles=[RoleSpec("branch_manager", branch_id=north.pk)],
        )

    job = import_as(
        acme, acme_manager, [("co-manager@acme.example.com", "Renamed", "teacher", "north", "")], run_jobs
    )

    with in_schema(acme):
        assert report_rows(job["id"]) == [
            (
                2,
                "co-manager@acme.example.com",
                "failed",
                "Only Org Admins may change the name of an Org Admin or Branch Manager.",
            )
        ]
        assert User.objects.get(email="co-manager@acme.example.com").full_name == "Co Manager"


def test_rows_past_the_plan_limit_fail(acme, acme_admin, run_jobs):
    from tenants.models import Subscription

    with in_schema(acme):
        seats_left = 2
        seats = User.objects.exclude(status="deactivated").count() + seats_left
    Subscription.objects.filter(organization=acme).update(seats=seats)
    rows = [(f"seat{i}@acme.example.com", "", "student", "north", "") for i in range(4)]
    rows.insert(2, ("teacher@acme.example.com", "", "student", "north", ""))  # already here: needs no seat

    job = import_as(acme, acme_admin, rows, run_jobs)

    limit = f"Plan limit reached: the Growth plan allows {seats} active users."
    with in_schema(acme):
        assert report_rows(job["id"]) == [
            (2, "seat0@acme.example.com", "created", "Invited as Student of branch north"),
            (3, "seat1@acme.example.com", "created", "Invited as Student of branch north"),
            (4, "teacher@acme.example.com", "updated", "Added Student of branch north"),
            (5, "seat2@acme.example.com", "failed", limit),
            (6, "seat3@acme.example.com", "failed", limit),
        ]
        assert User.objects.exclude(status="deactivated").count() == seats


def test_a_deactivated_person_is_not_brought_back_by_an_import(acme, acme_admin, run_jobs):
    with in_schema(acme):
        User.objects.filter(email="student@acme.example.com").update(status="deactivated")

    job = import_as(acme, acme_admin, [("student@acme.example.com", "", "teacher", "north", "")], run_jobs)

    with in_schema(acme):
        assert report_rows(job["id"]) == [
            (
                2,
                "student@acme.example.com",
                "failed",
                "This person is deactivated; reactivate them before importing them again.",
            )
        ]
        assert User.objects.get(email="student@acme.example.com").status == "deactivated"


def test_a_class_name_shared_by_two_terms_is_refused_as_ambiguous(acme, acme_admin, run_jobs):
    with in_schema(acme):
        algebra = SchoolClass.objects.get(name="Algebra 1")
        SchoolClass.objects.create(branch=algebra.branch, name="Algebra 1", term="2027")

    rows = [("amb@acme.example.com", "", "student", "north", "Algebra 1")]

    job = import_as(acme, acme_admin, rows, run_jobs)

    with in_schema(acme):
        assert report_rows(job["id"]) == [
            (
                2,
                "amb@acme.example.com",
                "failed",
                "Branch north has several classes named 'Algebra 1' (2026, 2027); "
                "rename one of them so the import knows which class is meant.",
            )
        ]
