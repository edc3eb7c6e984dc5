"""/api/v1/organizations/{orgId}/branches: create, read, update, delete, settings, people."""

from apps.accounts.models import RoleAssignment, User
from apps.audit.models import AuditEntry
from apps.hierarchy.models import Branch, SchoolClass
from tests.api.helpers import assert_error, assert_ok
from tests.hierarchy.conftest import in_acme


def branches(ids) -> str:
    return f"/api/v1/organizations/{ids.org}/branches"


def test_branch_list_is_paginated_sorted_and_sparse(ids, admin_api):
    response = admin_api.get(branches(ids), {"sort": "-name", "fields": "id,code,class_count"})

    data = assert_ok(response)
    assert data == [
        {"id": ids.south, "code": "south", "class_count": 1},
        {"id": ids.north, "code": "north", "class_count": 1},
    ]
    assert response.json()["meta"]["total"] == 2


def test_branch_list_filters_on_whitelisted_fields_only(ids, admin_api):
    by_code = admin_api.get(branches(ids), {"filter[code][in]": "south,nowhere"})
    by_owner = admin_api.get(branches(ids), {"filter[address]": "x"})

    assert [b["code"] for b in assert_ok(by_code)] == ["south"]
    error = assert_error(by_owner, 400, "INVALID_FILTER")
    assert list(error["details"]) == ["filter[address]"]


def test_org_admin_creates_a_branch_and_it_is_recorded(ids, admin_api):
    response = admin_api.post(
        branches(ids),
        {"name": "East Campus", "code": "East", "timezone": "Europe/Paris", "address": "1 Rue de Paris"},
        format="json",
    )

    data = assert_ok(response, 201)
    assert {k: data[k] for k in ("name", "code", "timezone", "class_count", "member_count")} == {
        "name": "East Campus",
        "code": "east",
        "timezone": "Europe/Paris",
        "class_count": 0,
        "member_count": 0,
    }
    with in_acme():
        entry = AuditEntry.objects.get(action="branch.created")
        assert (entry.actor_email, entry.ip_address, entry.target_id) == (
            "orgadmin@acme.example.com",
            "127.0.0.1",
            str(data["id"]),
        )


def test_duplicate_branch_code_is_a_field_error_and_nothing_is_written(ids, admin_api):
    response = admin_api.post(branches(ids), {"name": "Another North", "code": "NORTH"}, format="json")

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"] == {"code": ["Another branch already uses this code."]}
    with in_acme():
        assert Branch.objects.count() == 2


def test_a_branch_needs_a_name_and_a_code(ids, admin_api):
    response = admin_api.post(branches(ids), {"code": "not a slug!"}, format="json")

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert sorted(error["details"]) == ["code", "name"]


def test_branch_manager_updates_their_branch(ids, manager_api):
    response = manager_api.put(
        f"{branches(ids)}/{ids.north}", {"name": "North Side", "code": "north"}, format="json"
    )

    assert assert_ok(response)["name"] == "North Side"
    with in_acme():
        assert Branch.objects.get(pk=ids.north).name == "North Side"
        assert AuditEntry.objects.get(action="branch.updated").changes == {
            "name": ["North Campus", "North Side"]
        }


def test_branch_manager_may_not_change_the_code(ids, manager_api):
    response = manager_api.patch(f"{branches(ids)}/{ids.north}", {"code": "uptown"}, format="json")

    assert_error(response, 403, "PERMISSION_DENIED")
    with in_acme():
        assert Branch.objects.get(pk=ids.north).code == "north"


def test_put_names_the_branch_while_patch_changes_only_what_it_is_given(ids, admin_api):
    put = admin_api.put(f"{branches(ids)}/{ids.north}", {"address": "2 High St"}, format="json")
    patch = admin_api.patch(f"{branches(ids)}/{ids.north}", {"address": "2 High St"}, format="json")

    assert assert_error(put, 400, "VALIDATION_ERROR")["details"] == {"name": ["This field is required."]}
    assert assert_ok(patch)["address"] == "2 High St"
    assert assert_ok(patch)["name"] == "North Campus"


def test_a_branch_with_classes_cannot_be_deleted(ids, admin_api):
    response = admin_api.delete(f"{branches(ids)}/{ids.north}")

    error = assert_error(response, 409, "CONFLICT")
    assert error["details"] == {"classes": ["Algebra 1 (2026)"]}
    with in_acme():
        assert Branch.objects.filter(pk=ids.north).exists()


def test_an_empty_branch_is_deleted(ids, admin_api):
    created = assert_ok(
        admin_api.post(branches(ids), {"name": "Pop-up", "code": "popup"}, format="json"), 201
    )

    response = admin_api.delete(f"{branches(ids)}/{created['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert admin_api.get(f"{branches(ids)}/{created['id']}").status_code == 404
    with in_acme():
        assert AuditEntry.objects.filter(action="branch.deleted", target_id=str(created["id"])).count() == 1


def test_another_organizations_id_in_the_path_is_404(ids, admin_api, globex):
    foreign = admin_api.get(f"/api/v1/organizations/{globex.pk}/branches")
    create = admin_api.post(
        f"/api/v1/organizations/{globex.pk}/branches", {"name": "X", "code": "x"}, format="json"
    )

    assert_error(foreign, 404, "NOT_FOUND")
    assert_error(create, 404, "NOT_FOUND")
    with in_acme():
        assert not Branch.objects.filter(code="x").exists()


# --- settings -----------------------------------------------------------------------------------------------


def test_branch_settings_are_read_by_members_and_changed_by_the_manager(ids, manager_api, student_api):
    change = manager_api.put(
        f"{branches(ids)}/{ids.north}/settings",
        {
            "display_name": "Acme North",
            "primary_color": "#112233",
            "welcome_text": "Welcome north",
            "timezone": "America/New_York",
            "settings": {"bell": "08:00"},
        },
        format="json",
    )
    read = student_api.get(f"{branches(ids)}/{ids.north}/settings")

    expected = {
        "display_name": "Acme North",
        "primary_color": "#112233",
        "welcome_text": "Welcome north",
        "timezone": "America/New_York",
        "settings": {"bell": "08:00"},
    }
    # `contrast` (derived from the colour) is covered by tests/hierarchy/test_brand_contrast_api.py.
    assert {k: v for k, v in assert_ok(change).items() if k != "contrast"} == expected
    assert {k: v for k, v in assert_ok(read).items() if k != "contrast"} == expected


def test_branch_settings_change_is_audited_with_actor_and_ip(ids, manager_api):
    manager_api.patch(
        f"{branches(ids)}/{ids.north}/settings",
        {"primary_color": "#abcdef"},
        format="json",
        REMOTE_ADDR="203.0.113.9",
    )

    with in_acme():
        entry = AuditEntry.objects.get(action="branch.settings_changed")
    assert (entry.actor_email, entry.ip_address, entry.target_type, entry.target_id) == (
        "manager@acme.example.com",
        "203.0.113.9",
        "hierarchy.branch",
        str(ids.north),
    )
    assert entry.changes == {"primary_color": ["", "#abcdef"]}


def test_unknown_timezone_bad_colour_and_non_object_settings_are_field_errors_and_change_nothing(
    ids, admin_api
):
    response = admin_api.put(
        f"{branches(ids)}/{ids.north}/settings",
        {
            "timezone": "Mars/Olympus",
            "primary_color": "blue",
            "settings": ["a"],
            "welcome_text": "changed",
        },
        format="json",
    )

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"] == {
        "timezone": ["Unknown time zone."],
        "primary_color": ["Use a colour like #2457d6."],
        "settings": ["Settings must be an object."],
    }
    with in_acme():
        branch = Branch.objects.get(pk=ids.north)
        assert (branch.timezone, branch.primary_color, branch.welcome_text) == ("", "", "")
        assert not AuditEntry.objects.filter(action="branch.settings_changed").exists()


def test_settings_endpoint_changes_settings_only(ids, admin_api):
    response = admin_api.patch(f"{branches(ids)}/{ids.north}/settings", {"name": "Renamed"}, format="json")

    assert_ok(response)
    with in_acme():
        assert Branch.objects.get(pk=ids.north).name == "North Campus"


# --- people of a branch -------------------------------------------------------------------------------------


def test_branch_users_lists_the_people_with_a_role_there(ids, admin_api):
    response = admin_api.get(f"{branches(ids)}/{ids.south}/users", {"sort": "email"})

    assert [p["email"] for p in assert_ok(response)] == [
        "south-student@acme.example.com",
        "south-teacher@acme.example.com",
    ]


def test_branch_users_filter_by_role_and_search(ids, admin_api):
    teachers = admin_api.get(f"{branches(ids)}/{ids.north}/users", {"filter[role]": "teacher"})
    found = admin_api.get(f"{branches(ids)}/{ids.north}/users", {"search": "STUD"})

    assert [p["email"] for p in assert_ok(teachers)] == ["teacher@acme.example.com"]
    assert [p["email"] for p in assert_ok(found)] == ["student@acme.example.com"]


def test_adding_an_existing_person_to_a_branch_class(ids, manager_api):
    with in_acme():
        newcomer = User.objects.create_user("newcomer@acme.example.com", "x-pass-123")
        RoleAssignment.objects.create(user=newcomer, role="student", branch_id=ids.north)

    response = manager_api.post(
        f"{branches(ids)}/{ids.north}/users",
        {"user_id": newcomer.pk, "role": "student", "class": ids.algebra},
        format="json",
    )
    again = manager_api.post(
        f"{branches(ids)}/{ids.north}/users",
        {"user_id": newcomer.pk, "role": "student", "class": ids.algebra},
        format="json",
    )

    data = assert_ok(response, 201)
    assert sorted((r["role"], (r["class"] or {}).get("name", "-")) for r in data["roles"]) == [
        ("student", "-"),
        ("student", "Algebra 1"),
    ]
    assert_ok(again, 200)
    with in_acme():
        assert RoleAssignment.objects.filter(user=newcomer, school_class_id=ids.algebra).count() == 1


def test_inviting_a_new_person_into_a_branch_sends_the_invitation_after_commit(
    ids, admin_api, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(
            f"{branches(ids)}/{ids.south}/users",
            {"email": "Fresh@Acme.example.com", "full_name": "Fresh Face", "role": "teacher"},
            format="json",
        )

    data = assert_ok(response, 201)
    assert (data["email"], data["status"], [r["role"] for r in data["roles"]]) == (
        "fresh@acme.example.com",
        "invited",
        ["teacher"],
    )
    assert [m.to for m in mailoutbox] == [["fresh@acme.example.com"]]
    assert "http://acme.learnstack.test/invite/" in mailoutbox[0].body


def test_branch_users_refuses_a_class_of_another_branch_and_a_manager_role_in_a_class(ids, admin_api):
    other_branch_class = admin_api.post(
        f"{branches(ids)}/{ids.north}/users",
        {"user_id": ids.south_student, "role": "student", "class": ids.biology},
        format="json",
    )
    manager_in_class = admin_api.post(
        f"{branches(ids)}/{ids.north}/users",
        {"user_id": ids.teacher, "role": "branch_manager", "class": ids.algebra},
        format="json",
    )
    neither = admin_api.post(f"{branches(ids)}/{ids.north}/users", {"role": "student"}, format="json")

    assert assert_error(other_branch_class, 400, "VALIDATION_ERROR")["details"] == {
        "class": ["No such class in this branch."]
    }
    assert assert_error(manager_in_class, 400, "VALIDATION_ERROR")["details"] == {
        "class": ["A Branch Manager manages the whole branch, not a class."]
    }
    assert assert_error(neither, 400, "VALIDATION_ERROR")["details"] == {
        "user_id": ["Give either user_id or email."]
    }
    with in_acme():
        assert not RoleAssignment.objects.filter(user_id=ids.south_student, branch_id=ids.north).exists()


def test_a_manager_cannot_name_people_outside_their_branches(ids, manager_api):
    by_id = manager_api.post(
        f"{branches(ids)}/{ids.north}/users", {"user_id": ids.south_teacher, "role": "student"}, format="json"
    )
    by_email = manager_api.post(
        f"{branches(ids)}/{ids.north}/users",
        {"email": "south-teacher@acme.example.com", "role": "student"},
        format="json",
    )

    assert assert_error(by_id, 400, "VALIDATION_ERROR")["details"] == {"user_id": ["No such person."]}
    assert assert_error(by_email, 400, "VALIDATION_ERROR")["details"] == {
        "email": ["Someone with this email already belongs to this organization."]
    }
    with in_acme():
        assert not RoleAssignment.objects.filter(user_id=ids.south_teacher, branch_id=ids.north).exists()


def test_a_manager_cannot_appoint_a_branch_manager(ids, manager_api):
    response = manager_api.post(
        f"{branches(ids)}/{ids.north}/users",
        {"user_id": ids.teacher, "role": "branch_manager"},
        format="json",
    )

    assert_error(response, 403, "PERMISSION_DENIED")
    with in_acme():
        assert not RoleAssignment.objects.filter(user_id=ids.teacher, role="branch_manager").exists()


def test_deleting_a_branch_removes_the_roles_held_there(ids, admin_api):
    created = assert_ok(admin_api.post(branches(ids), {"name": "Annex", "code": "annex"}, format="json"), 201)
    admin_api.post(
        f"{branches(ids)}/{created['id']}/users", {"user_id": ids.teacher, "role": "teacher"}, format="json"
    )

    assert admin_api.delete(f"{branches(ids)}/{created['id']}").status_code == 204
    with in_acme():
        assert list(
            RoleAssignment.objects.filter(user_id=ids.teacher).values_list("branch_id", flat=True)
        ) == [ids.north]
        assert SchoolClass.objects.count() == 2
