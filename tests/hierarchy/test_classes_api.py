"""/api/v1/classes and their members."""

from apps.accounts.models import RoleAssignment
from apps.audit.models import AuditEntry
from apps.hierarchy.models import SchoolClass
from tests.api.helpers import assert_error, assert_ok
from tests.hierarchy.conftest import in_acme


def test_class_list_filters_by_branch_code_and_sorts(ids, admin_api):
    north = admin_api.get("/api/v1/classes", {"filter[branch.code]": "north"})
    everything = admin_api.get("/api/v1/classes", {"sort": "-name", "fields": "name,branch.code"})

    assert [c["name"] for c in assert_ok(north)] == ["Algebra 1"]
    assert assert_ok(everything) == [
        {"name": "Biology 1", "branch": {"code": "south"}},
        {"name": "Algebra 1", "branch": {"code": "north"}},
    ]


def test_class_detail_counts_teachers_and_students(ids, teacher_api):
    data = assert_ok(teacher_api.get(f"/api/v1/classes/{ids.algebra}"))

    assert {k: data[k] for k in ("name", "term", "teacher_count", "student_count")} == {
        "name": "Algebra 1",
        "term": "2026",
        "teacher_count": 1,
        "student_count": 1,
    }
    assert data["branch"] == {"id": ids.north, "code": "north", "name": "North Campus"}


def test_branch_manager_creates_a_class_in_their_branch_by_code_or_id(ids, manager_api):
    by_code = manager_api.post(
        "/api/v1/classes", {"branch": "north", "name": "Geometry", "term": "2026"}, format="json"
    )
    by_id = manager_api.post("/api/v1/classes", {"branch": ids.north, "name": "Calculus"}, format="json")

    assert assert_ok(by_code, 201)["branch"]["code"] == "north"
    assert assert_ok(by_id, 201)["name"] == "Calculus"
    with in_acme():
        entry = AuditEntry.objects.get(action="class.created", target_repr="Geometry (2026)")
        assert (entry.actor_email, entry.ip_address) == ("manager@acme.example.com", "127.0.0.1")


def test_a_manager_is_refused_alike_for_a_foreign_and_a_missing_branch(ids, manager_api):
    foreign = manager_api.post("/api/v1/classes", {"branch": "south", "name": "Geometry"}, format="json")
    missing = manager_api.post("/api/v1/classes", {"branch": "nowhere", "name": "Geometry"}, format="json")

    assert assert_error(foreign, 403, "PERMISSION_DENIED") == assert_error(missing, 403, "PERMISSION_DENIED")
    with in_acme():
        assert not SchoolClass.objects.filter(name="Geometry").exists()


def test_an_org_admin_naming_a_missing_branch_gets_a_field_error(admin_api):
    response = admin_api.post("/api/v1/classes", {"branch": "nowhere", "name": "Geometry"}, format="json")
    not_a_ref = admin_api.post("/api/v1/classes", {"branch": True, "name": "Geometry"}, format="json")

    assert assert_error(response, 400, "VALIDATION_ERROR")["details"] == {"branch": ["No such branch."]}
    assert assert_error(not_a_ref, 400, "VALIDATION_ERROR")["details"] == {
        "branch": ["Give a branch id (a number) or its code (a text)."]
    }


def test_the_same_name_and_term_twice_in_a_branch_is_a_field_error(ids, admin_api):
    response = admin_api.post(
        "/api/v1/classes", {"branch": "north", "name": "Algebra 1", "term": "2026"}, format="json"
    )

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"] == {"name": ["This branch already has a class with this name and term."]}
    with in_acme():
        assert SchoolClass.objects.filter(name="Algebra 1").count() == 1


def test_updating_a_class(ids, manager_api):
    put = manager_api.put(
        f"/api/v1/classes/{ids.algebra}", {"name": "Algebra I", "term": "2027"}, format="json"
    )
    patch = manager_api.patch(
        f"/api/v1/classes/{ids.algebra}", {"description": "Linear things"}, format="json"
    )
    nameless_put = manager_api.put(f"/api/v1/classes/{ids.algebra}", {"term": "2028"}, format="json")

    assert (assert_ok(put)["name"], assert_ok(put)["term"]) == ("Algebra I", "2027")
    assert assert_ok(patch)["description"] == "Linear things"
    assert assert_error(nameless_put, 400, "VALIDATION_ERROR")["details"] == {
        "name": ["This field is required."]
    }
    with in_acme():
        assert SchoolClass.objects.get(pk=ids.algebra).term == "2027"


def test_moving_a_class_moves_its_people_to_the_new_branch(ids, admin_api):
    response = admin_api.patch(f"/api/v1/classes/{ids.algebra}", {"branch": "south"}, format="json")

    assert assert_ok(response)["branch"]["code"] == "south"
    with in_acme():
        assert set(
            RoleAssignment.objects.filter(school_class_id=ids.algebra).values_list("branch_id", flat=True)
        ) == {ids.south}


def test_a_manager_cannot_move_a_class_out_of_their_branches(ids, manager_api):
    response = manager_api.patch(f"/api/v1/classes/{ids.algebra}", {"branch": "south"}, format="json")

    assert_error(response, 403, "PERMISSION_DENIED")
    with in_acme():
        assert SchoolClass.objects.get(pk=ids.algebra).branch_id == ids.north


def test_deleting_a_class(ids, manager_api):
    response = manager_api.delete(f"/api/v1/classes/{ids.algebra}")

    assert response.status_code == 204
    assert manager_api.get(f"/api/v1/classes/{ids.algebra}").status_code == 404
    with in_acme():
        assert AuditEntry.objects.filter(
            action="class.deleted", actor_email="manager@acme.example.com"
        ).exists()
        assert not RoleAssignment.objects.filter(school_class_id=ids.algebra).exists()


# --- members ------------------------------------------------------------------------------------------------


def test_members_list_teachers_first_then_students(ids, admin_api):
    response = admin_api.get(f"/api/v1/classes/{ids.algebra}/members")

    assert [(m["role"], m["user"]["email"]) for m in assert_ok(response)] == [
        ("teacher", "teacher@acme.example.com"),
        ("student", "student@acme.example.com"),
    ]


def test_members_filter_by_role(ids, admin_api):
    response = admin_api.get(f"/api/v1/classes/{ids.algebra}/members", {"filter[role]": "student"})

    assert [m["user"]["email"] for m in assert_ok(response)] == ["student@acme.example.com"]


def test_a_student_sees_only_themselves_among_the_members(ids, student_api):
    response = student_api.get(f"/api/v1/classes/{ids.algebra}/members")

    assert [m["user"]["email"] for m in assert_ok(response)] == ["student@acme.example.com"]


def test_adding_a_member_by_id_and_again_changes_nothing(ids, admin_api):
    first = admin_api.post(
        f"/api/v1/classes/{ids.algebra}/members",
        {"user_id": ids.south_student, "role": "student"},
        format="json",
    )
    again = admin_api.post(
        f"/api/v1/classes/{ids.algebra}/members",
        {"user_id": ids.south_student, "role": "student"},
        format="json",
    )

    assert assert_ok(first, 201)["email"] == "south-student@acme.example.com"
    assert_ok(again, 200)
    with in_acme():
        assert (
            RoleAssignment.objects.filter(user_id=ids.south_student, school_class_id=ids.algebra).count() == 1
        )
        assert AuditEntry.objects.filter(action="role.granted", target_id=str(ids.south_student)).count() == 1


def test_adding_a_new_person_invites_them_into_the_class(
    ids, manager_api, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_api.post(
            f"/api/v1/classes/{ids.algebra}/members",
            {"email": "pupil@acme.example.com", "full_name": "Pupil", "role": "student"},
            format="json",
        )

    data = assert_ok(response, 201)
    assert data["status"] == "invited"
    assert [(r["role"], r["class"]["name"]) for r in data["roles"]] == [("student", "Algebra 1")]
    assert [m.to for m in mailoutbox] == [["pupil@acme.example.com"]]


def test_a_member_role_must_be_teacher_or_student(ids, admin_api):
    response = admin_api.post(
        f"/api/v1/classes/{ids.algebra}/members", {"user_id": ids.teacher, "role": "org_admin"}, format="json"
    )

    assert list(assert_error(response, 400, "VALIDATION_ERROR")["details"]) == ["role"]


def test_removing_a_member(ids, manager_api):
    response = manager_api.delete(f"/api/v1/classes/{ids.algebra}/members/{ids.student}?role=student")

    assert response.status_code == 204
    with in_acme():
        assert not RoleAssignment.objects.filter(user_id=ids.student, school_class_id=ids.algebra).exists()
        entry = AuditEntry.objects.get(action="role.revoked")
        assert (entry.actor_email, entry.target_id, entry.changes) == (
            "manager@acme.example.com",
            str(ids.student),
            {"role": "student", "branch": ids.north, "class": ids.algebra},
        )


def test_removing_a_role_the_person_does_not_hold_here_is_404_and_a_bad_role_is_400(ids, admin_api):
    not_held = admin_api.delete(f"/api/v1/classes/{ids.algebra}/members/{ids.student}?role=teacher")
    not_member = admin_api.delete(f"/api/v1/classes/{ids.algebra}/members/{ids.south_student}")
    bad_role = admin_api.delete(f"/api/v1/classes/{ids.algebra}/members/{ids.student}?role=janitor")

    assert_error(not_held, 404, "NOT_FOUND")
    assert_error(not_member, 404, "NOT_FOUND")
    assert assert_error(bad_role, 400, "VALIDATION_ERROR")["details"] == {
        "role": ["Use one of: teacher, student."]
    }
    with in_acme():
        assert RoleAssignment.objects.filter(user_id=ids.student, school_class_id=ids.algebra).exists()
