"""/api/v1/users: listing, inviting, editing, roles, deactivation and deletion."""

import pytest
from django_tenants.utils import schema_context

from apps.accounts.models import RoleAssignment, User
from apps.accounts.services import user_deactivate
from apps.audit.models import AuditEntry
from apps.core.errors import ValidationFailed
from tests.api.helpers import assert_error, assert_ok
from tests.hierarchy.conftest import api_client, in_acme


def emails(response) -> list[str]:
    return [person["email"] for person in assert_ok(response)]


# --- listing ------------------------------------------------------------------------------------------------


def test_filters_role_and_branch_apply_to_the_same_role(ids, admin_api):
    with in_acme():
        # The south teacher also learns in north: a student there, not a teacher.
        RoleAssignment.objects.create(user_id=ids.south_teacher, role="student", branch_id=ids.north)

    teachers_in_north = admin_api.get("/api/v1/users", {"filter[role]": "teacher", "filter[branch]": "north"})
    anyone_in_north = admin_api.get("/api/v1/users", {"filter[branch]": "north"})

    assert emails(teachers_in_north) == ["teacher@acme.example.com"]
    assert emails(anyone_in_north) == [
        "manager@acme.example.com",
        "south-teacher@acme.example.com",
        "student@acme.example.com",
        "teacher@acme.example.com",
    ]


def test_filters_on_status_email_name_and_class(ids, admin_api):
    with in_acme():
        User.objects.filter(pk=ids.south_student).update(status="deactivated")

    deactivated = admin_api.get("/api/v1/users", {"filter[status]": "deactivated"})
    by_email = admin_api.get("/api/v1/users", {"filter[email][ilike]": "SOUTH-"})
    by_name = admin_api.get("/api/v1/users", {"filter[full_name][ilike]": "manag"})
    in_algebra = admin_api.get("/api/v1/users", {"filter[class]": ids.algebra})

    assert emails(deactivated) == ["south-student@acme.example.com"]
    assert emails(by_email) == ["south-student@acme.example.com", "south-teacher@acme.example.com"]
    assert emails(by_name) == ["manager@acme.example.com"]
    assert emails(in_algebra) == ["student@acme.example.com", "teacher@acme.example.com"]


def test_search_matches_part_of_an_email_or_a_name(admin_api):
    response = admin_api.get("/api/v1/users", {"search": "teach"})

    assert emails(response) == ["south-teacher@acme.example.com", "teacher@acme.example.com"]


def test_a_value_that_does_not_fit_the_filter_is_refused(admin_api):
    bad_status = admin_api.get("/api/v1/users", {"filter[status]": "zombie"})
    bad_class = admin_api.get("/api/v1/users", {"filter[class]": "algebra"})
    not_whitelisted = admin_api.get("/api/v1/users", {"filter[password]": "x"})

    assert list(assert_error(bad_status, 400, "INVALID_FILTER")["details"]) == ["status"]
    assert list(assert_error(bad_class, 400, "INVALID_FILTER")["details"]) == ["class"]
    assert list(assert_error(not_whitelisted, 400, "INVALID_FILTER")["details"]) == ["filter[password]"]


def test_sorting_and_sparse_fields(admin_api):
    response = admin_api.get("/api/v1/users", {"sort": "-email", "per_page": 2, "fields": "email,roles.role"})

    assert assert_ok(response) == [
        {"email": "teacher@acme.example.com", "roles": [{"role": "teacher"}]},
        {"email": "student@acme.example.com", "roles": [{"role": "student"}]},
    ]
    assert response.json()["meta"]["total"] == 6


# --- inviting -----------------------------------------------------------------------------------------------


def test_inviting_creates_the_person_and_sends_the_email_after_commit(
    ids, admin_api, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_api.post(
            "/api/v1/users",
            {
                "email": "New.Teacher@acme.example.com",
                "full_name": "New Teacher",
                "timezone": "Europe/Berlin",
                "roles": [{"role": "teacher", "class": ids.algebra}, {"role": "student", "branch": "south"}],
            },
            format="json",
        )

    data = assert_ok(response, 201)
    assert (data["email"], data["status"], data["timezone"]) == (
        "new.teacher@acme.example.com",
        "invited",
        "Europe/Berlin",
    )
    assert sorted((r["role"], r["branch"]["code"]) for r in data["roles"]) == [
        ("student", "south"),
        ("teacher", "north"),
    ]
    assert data["invitation_url"].startswith("http://acme.learnstack.test/invite/")
    assert len(callbacks) == 1
    assert [m.to for m in mailoutbox] == [["new.teacher@acme.example.com"]]
    assert data["invitation_url"] in mailoutbox[0].body
    with in_acme():
        entry = AuditEntry.objects.get(action="user.invited", target_repr="new.teacher@acme.example.com")
        assert (entry.actor_email, entry.ip_address, entry.target_repr) == (
            "orgadmin@acme.example.com",
            "127.0.0.1",
            "new.teacher@acme.example.com",
        )


def test_a_branch_manager_invites_into_their_branch_without_seeing_the_link(ids, manager_api):
    response = manager_api.post(
        "/api/v1/users",
        {"email": "pupil@acme.example.com", "roles": [{"role": "student", "class": ids.algebra}]},
        format="json",
    )

    data = assert_ok(response, 201)
    assert data["invitation_url"] is None


@pytest.mark.parametrize(
    "roles",
    [
        [{"role": "student", "branch": "south"}],
        [{"role": "student", "class": 999_999}],
        [{"role": "branch_manager", "branch": "north"}],
        [{"role": "org_admin"}],
    ],
    ids=["foreign branch", "missing class", "manager role", "admin role"],
)
def test_a_branch_manager_may_not_invite_outside_their_branches_or_above_them(manager_api, roles):
    response = manager_api.post(
        "/api/v1/users", {"email": "pupil@acme.example.com", "roles": roles}, format="json"
    )

    assert_error(response, 403, "PERMISSION_DENIED")
    with in_acme():
        assert not User.objects.filter(email="pupil@acme.example.com").exists()


@pytest.mark.parametrize(
    ("role", "field"),
    [
        ({"role": "teacher"}, "branch"),
        ({"role": "org_admin", "branch": "north"}, "role"),
        ({"role": "branch_manager", "class": "{algebra}"}, "branch"),
        ({"role": "student", "branch": "nowhere"}, "branch"),
        ({"role": "student", "class": 999_999}, "class"),
        ({"role": "janitor"}, "roles"),
    ],
    ids=[
        "no place",
        "admin in a branch",
        "manager of a class",
        "unknown branch",
        "unknown class",
        "unknown role",
    ],
)
def test_a_role_in_the_wrong_place_is_a_field_error_and_nothing_is_written(ids, admin_api, role, field):
    role = {k: (ids.algebra if v == "{algebra}" else v) for k, v in role.items()}

    response = admin_api.post(
        "/api/v1/users", {"email": "pupil@acme.example.com", "roles": [role]}, format="json"
    )

    assert list(assert_error(response, 400, "VALIDATION_ERROR")["details"]) == [field]
    with in_acme():
        assert not User.objects.filter(email="pupil@acme.example.com").exists()
        assert not AuditEntry.objects.filter(target_repr="pupil@acme.example.com").exists()


def test_an_email_already_in_the_organization_is_refused(
    admin_api, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post("/api/v1/users", {"email": "TEACHER@acme.example.com"}, format="json")

    assert assert_error(response, 400, "VALIDATION_ERROR")["details"] == {
        "email": ["Someone with this email already belongs to this organization."]
    }
    assert mailoutbox == []


def test_teachers_and_students_may_not_invite(teacher_api, student_api):
    for client in (teacher_api, student_api):
        response = client.post("/api/v1/users", {"email": "pupil@acme.example.com"}, format="json")

        assert_error(response, 403, "PERMISSION_DENIED")


def test_inviting_past_the_plans_active_user_limit_is_refused(acme, admin_api):
    from tenants.models import Subscription

    Subscription.objects.filter(organization=acme).update(seats=6)  # acme has 6 people

    response = admin_api.post("/api/v1/users", {"email": "seat-seven@acme.example.com"}, format="json")

    error = assert_error(response, 403, "PLAN_LIMIT_REACHED")
    assert error["details"]["maximum"] == 6
    with in_acme():
        assert not User.objects.filter(email="seat-seven@acme.example.com").exists()


# --- one person ---------------------------------------------------------------------------------------------


def test_reading_a_person(ids, teacher_api):
    data = assert_ok(teacher_api.get(f"/api/v1/users/{ids.student}"))

    assert {k: data[k] for k in ("id", "email", "full_name", "status")} == {
        "id": ids.student,
        "email": "student@acme.example.com",
        "full_name": "Student",
        "status": "active",
    }
    assert [(r["role"], r["branch"]["code"], r["class"]["name"]) for r in data["roles"]] == [
        ("student", "north", "Algebra 1")
    ]


def test_put_names_the_person_and_patch_changes_what_it_is_given(ids, manager_api):
    put = manager_api.put(
        f"/api/v1/users/{ids.student}", {"full_name": "Sam Student", "language": "fr"}, format="json"
    )
    patch = manager_api.patch(f"/api/v1/users/{ids.student}", {"timezone": "Europe/Paris"}, format="json")
    nameless = manager_api.put(f"/api/v1/users/{ids.student}", {"language": "en"}, format="json")

    assert (assert_ok(put)["full_name"], assert_ok(put)["language"]) == ("Sam Student", "fr")
    assert (assert_ok(patch)["full_name"], assert_ok(patch)["timezone"]) == ("Sam Student", "Europe/Paris")
    assert assert_error(nameless, 400, "VALIDATION_ERROR")["details"] == {
        "full_name": ["This field is required."]
    }


def test_only_org_admins_change_an_email(ids, manager_api, admin_api):
    by_manager = manager_api.patch(
        f"/api/v1/users/{ids.student}", {"email": "sam@acme.example.com"}, format="json"
    )
    same_email = manager_api.patch(
        f"/api/v1/users/{ids.student}", {"email": "student@acme.example.com", "full_name": "S"}, format="json"
    )
    by_admin = admin_api.patch(
        f"/api/v1/users/{ids.student}", {"email": "sam@acme.example.com"}, format="json"
    )
    taken = admin_api.patch(
        f"/api/v1/users/{ids.student}", {"email": "teacher@acme.example.com"}, format="json"
    )

    assert_error(by_manager, 403, "PERMISSION_DENIED")
    assert_ok(same_email)
    assert assert_ok(by_admin)["email"] == "sam@acme.example.com"
    assert list(assert_error(taken, 400, "VALIDATION_ERROR")["details"]) == ["email"]


def test_a_manager_may_not_edit_an_org_admin_they_can_see(ids, acme, manager_api):
    with in_acme():
        admin = User.objects.get(email="orgadmin@acme.example.com")
        RoleAssignment.objects.create(user=admin, role="teacher", branch_id=ids.north)

    response = manager_api.patch(f"/api/v1/users/{admin.pk}", {"full_name": "Renamed"}, format="json")

    assert_error(response, 403, "PERMISSION_DENIED")


def test_profile_is_read_and_changed_by_the_person(ids, student_api):
    read = student_api.get(f"/api/v1/users/{ids.student}/profile")
    change = student_api.put(
        f"/api/v1/users/{ids.student}/profile",
        {"full_name": "Sam", "language": "fr", "timezone": "America/Lima", "email": "ignored@example.com"},
        format="json",
    )

    assert assert_ok(read) == {
        "id": ids.student,
        "email": "student@acme.example.com",
        "full_name": "Student",
        "language": "",
        "timezone": "",
    }
    assert assert_ok(change) == {
        "id": ids.student,
        "email": "student@acme.example.com",
        "full_name": "Sam",
        "language": "fr",
        "timezone": "America/Lima",
    }


def test_unknown_timezone_in_a_profile_is_a_field_error_and_changes_nothing(ids, student_api):
    response = student_api.put(
        f"/api/v1/users/{ids.student}/profile",
        {"full_name": "Sam", "timezone": "Nowhere/Special"},
        format="json",
    )

    assert assert_error(response, 400, "VALIDATION_ERROR")["details"] == {"timezone": ["Unknown time zone."]}
    with in_acme():
        assert User.objects.get(pk=ids.student).full_name == "Student"


# --- deactivation and deletion ------------------------------------------------------------------------------


def test_delete_deactivates_and_the_persons_token_stops_working(ids, acme, acme_student, manager_api):
    student_api = api_client(acme, acme_student)

    response = manager_api.delete(f"/api/v1/users/{ids.student}", REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 204
    assert student_api.get("/api/v1/users").status_code == 401
    with in_acme():
        assert User.objects.get(pk=ids.student).status == "deactivated"
        entry = AuditEntry.objects.get(action="user.deactivated")
        assert (entry.actor_email, entry.ip_address, entry.changes) == (
            "manager@acme.example.com",
            "198.51.100.7",
            {"status": ["active", "deactivated"]},
        )


def test_reactivating_lets_the_person_back_in(ids, acme, acme_student, admin_api):
    admin_api.delete(f"/api/v1/users/{ids.student}")

    response = admin_api.post(f"/api/v1/users/{ids.student}/reactivate")

    assert assert_ok(response)["status"] == "active"
    assert api_client(acme, acme_student).get("/api/v1/users").status_code == 200
    with in_acme():
        assert AuditEntry.objects.filter(action="user.reactivated").count() == 1


def test_permanent_delete_frees_the_email(ids, admin_api):
    response = admin_api.delete(f"/api/v1/users/{ids.student}?permanent=true")
    again = admin_api.post("/api/v1/users", {"email": "student@acme.example.com"}, format="json")

    assert response.status_code == 204
    assert assert_ok(again, 201)["id"] != ids.student
    with in_acme():
        entry = AuditEntry.objects.get(action="user.deleted")
        assert (entry.target_repr, entry.actor_email) == (
            "student@acme.example.com",
            "orgadmin@acme.example.com",
        )


def test_only_org_admins_delete_for_good(ids, manager_api):
    response = manager_api.delete(f"/api/v1/users/{ids.student}?permanent=true")

    assert_error(response, 403, "PERMISSION_DENIED")
    with in_acme():
        assert User.objects.get(pk=ids.student).status == "active"


def test_an_org_admin_cannot_deactivate_or_delete_themselves(acme_admin, admin_api):
    deactivate = admin_api.delete(f"/api/v1/users/{acme_admin.pk}")
    delete = admin_api.delete(f"/api/v1/users/{acme_admin.pk}?permanent=true")

    assert assert_error(deactivate, 400, "VALIDATION_ERROR")["details"] == {
        "user": ["You cannot deactivate yourself."]
    }
    assert assert_error(delete, 400, "VALIDATION_ERROR")["details"] == {
        "user": ["You cannot delete yourself."]
    }


def test_the_last_org_admin_cannot_lose_the_role(acme_admin, admin_api):
    with in_acme():
        assignment = RoleAssignment.objects.get(user=acme_admin, role="org_admin")

    response = admin_api.delete(f"/api/v1/users/{acme_admin.pk}/roles/{assignment.pk}")

    assert assert_error(response, 400, "VALIDATION_ERROR")["details"] == {
        "user": ["This is the organization's last Org Admin; appoint another first."]
    }
    with in_acme():
        assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
        assert not AuditEntry.objects.filter(action="role.revoked").exists()


def test_the_last_org_admin_cannot_be_deactivated(acme, acme_admin):
    with schema_context(acme.schema_name), pytest.raises(ValidationFailed) as refused:
        user_deactivate(user=acme_admin, actor=None)

    assert refused.value.field_errors == {
        "user": ["This is the organization's last Org Admin; appoint another first."]
    }
    with in_acme():
        assert User.objects.get(pk=acme_admin.pk).status == "active"


def test_with_a_second_org_admin_the_first_may_step_down(ids, acme_admin, admin_api):
    admin_api.post(f"/api/v1/users/{ids.manager}/roles", {"role": "org_admin"}, format="json")
    with in_acme():
        assignment = RoleAssignment.objects.get(user=acme_admin, role="org_admin")

    response = admin_api.delete(f"/api/v1/users/{acme_admin.pk}/roles/{assignment.pk}")

    assert response.status_code == 204


# --- roles --------------------------------------------------------------------------------------------------


def test_granting_a_role_and_granting_it_again(ids, admin_api):
    first = admin_api.post(
        f"/api/v1/users/{ids.teacher}/roles", {"role": "teacher", "class": ids.biology}, format="json"
    )
    again = admin_api.post(
        f"/api/v1/users/{ids.teacher}/roles", {"role": "teacher", "class": ids.biology}, format="json"
    )

    granted = assert_ok(first, 201)
    assert (granted["role"], granted["branch"]["code"], granted["class"]["name"]) == (
        "teacher",
        "south",
        "Biology 1",
    )
    assert assert_ok(again, 200)["id"] == granted["id"]
    with in_acme():
        entry = AuditEntry.objects.get(action="role.granted")
        assert (entry.actor_email, entry.ip_address, entry.target_id) == (
            "orgadmin@acme.example.com",
            "127.0.0.1",
            str(ids.teacher),
        )


def test_a_manager_grants_roles_in_their_branch_only(ids, manager_api):
    own = manager_api.post(
        f"/api/v1/users/{ids.student}/roles", {"role": "teacher", "branch": "north"}, format="json"
    )
    foreign = manager_api.post(
        f"/api/v1/users/{ids.student}/roles", {"role": "teacher", "class": ids.biology}, format="json"
    )

    assert_ok(own, 201)
    assert_error(foreign, 403, "PERMISSION_DENIED")
    with in_acme():
        assert not RoleAssignment.objects.filter(user_id=ids.student, school_class_id=ids.biology).exists()


def test_revoking_a_role(ids, manager_api):
    with in_acme():
        assignment = RoleAssignment.objects.get(user_id=ids.student)

    response = manager_api.delete(f"/api/v1/users/{ids.student}/roles/{assignment.pk}")

    assert response.status_code == 204
    with in_acme():
        assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_role_of_someone_else_or_out_of_sight_is_404(ids, manager_api):
    with in_acme():
        teachers_role = RoleAssignment.objects.get(user_id=ids.teacher)
        RoleAssignment.objects.create(
            user_id=ids.student, role="student", school_class_id=ids.biology, branch_id=ids.south
        )
        south_role = RoleAssignment.objects.get(user_id=ids.student, school_class_id=ids.biology)

    wrong_person = manager_api.delete(f"/api/v1/users/{ids.student}/roles/{teachers_role.pk}")
    out_of_sight = manager_api.delete(f"/api/v1/users/{ids.student}/roles/{south_role.pk}")

    assert_error(wrong_person, 404, "NOT_FOUND")
    assert_error(out_of_sight, 404, "NOT_FOUND")
    with in_acme():
        assert RoleAssignment.objects.filter(pk__in=[teachers_role.pk, south_role.pk]).count() == 2


# --- invitations --------------------------------------------------------------------------------------------


def test_resending_an_invitation_gives_org_admins_the_link_and_emails_it(
    ids, admin_api, manager_api, mailoutbox, django_capture_on_commit_callbacks
):
    invited = assert_ok(
        admin_api.post(
            "/api/v1/users",
            {"email": "late@acme.example.com", "roles": [{"role": "student", "class": ids.algebra}]},
            format="json",
        ),
        201,
    )

    with django_capture_on_commit_callbacks(execute=True):
        as_admin = admin_api.post(f"/api/v1/users/{invited['id']}/invitation")
        as_manager = manager_api.post(f"/api/v1/users/{invited['id']}/invitation")

    admin_data, manager_data = assert_ok(as_admin), assert_ok(as_manager)
    assert admin_data["invitation_url"].startswith("http://acme.learnstack.test/invite/")
    assert (admin_data["sent"], admin_data["user"]["email"]) == (True, "late@acme.example.com")
    assert manager_data["invitation_url"] is None
    assert [m.to for m in mailoutbox] == [["late@acme.example.com"], ["late@acme.example.com"]]
    with in_acme():
        assert AuditEntry.objects.filter(action="user.invitation_resent").count() == 2


def test_an_active_person_has_no_invitation_to_resend(ids, admin_api):
    response = admin_api.post(f"/api/v1/users/{ids.student}/invitation")

    assert assert_error(response, 400, "VALIDATION_ERROR")["details"] == {
        "status": ["Only invited people can be sent a new invitation."]
    }


# --- API keys -----------------------------------------------------------------------------------------------


def test_an_api_key_reaches_people_and_structure_only_within_its_scopes(ids, acme, acme_admin):
    from apps.apikeys.services import api_key_create
    from tests.conftest import client_for

    with in_acme():
        raw = api_key_create(actor=acme_admin, name="HR sync", scopes=["users:read"]).raw_key
    client = client_for("acme")
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")

    people = client.get("/api/v1/users")
    invite = client.post("/api/v1/users", {"email": "robot@acme.example.com"}, format="json")
    classes = client.get("/api/v1/classes")
    audit = client.get("/api/v1/audit-log")

    assert len(assert_ok(people)) == 6
    for refused in (invite, classes, audit):
        assert_error(refused, 403, "PERMISSION_DENIED")
    with in_acme():
        assert not User.objects.filter(email="robot@acme.example.com").exists()


def test_the_invitation_email_names_the_organization_as_its_branding_does(
    acme, admin_api, mailoutbox, django_capture_on_commit_callbacks
):
    from tenants.models import OrganizationSettings

    OrganizationSettings.objects.filter(organization=acme).update(display_name="Acme Learning Hub")

    with django_capture_on_commit_callbacks(execute=True):
        admin_api.post("/api/v1/users", {"email": "branded@acme.example.com"}, format="json")

    assert [m.subject for m in mailoutbox] == ["You are invited to Acme Learning Hub on LearnStack"]
