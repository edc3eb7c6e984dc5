"""The people pages: list with search, filters and pagination scoped by role; inviting; a person's page
with roles, profile, deactivation, invitation links and permanent deletion."""

import re

import pytest
from django.core import mail
from django_tenants.utils import schema_context

from tests.console.helpers import accessibility_problems

from .conftest import acme_user, add_students, audit_actions, queries_for


def emails_on(response) -> set[str]:
    return set(re.findall(r"[\w.+-]+@acme\.example\.com", response.content.decode()))


def roles_of(email: str) -> set[tuple]:
    from apps.accounts.models import RoleAssignment

    with schema_context("acme"):
        return set(
            RoleAssignment.objects.filter(user__email=email).values_list(
                "role", "branch__code", "school_class__name"
            )
        )


# --- the list ----------------------------------------------------------------------------------------------


def test_org_admin_sees_everyone(admin):
    response = admin.get("/manage/people/")

    assert response.status_code == 200
    assert emails_on(response) == {
        f"{local}@acme.example.com"
        for local in ("orgadmin", "manager", "teacher", "student", "south-teacher", "south-student")
    }
    assert "6 people." in response.content.decode()


def test_branch_manager_sees_only_their_branchs_people(manager):
    response = manager.get("/manage/people/")

    assert emails_on(response) == {
        "manager@acme.example.com",
        "teacher@acme.example.com",
        "student@acme.example.com",
    }


def test_teacher_sees_their_classs_people(teacher):
    response = teacher.get("/manage/people/")

    assert emails_on(response) == {"teacher@acme.example.com", "student@acme.example.com"}
    assert "Invite someone" not in response.content.decode()


def test_manager_does_not_see_roles_held_outside_their_branches(manager, ids):
    from apps.accounts.models import RoleAssignment
    from apps.hierarchy.models import SchoolClass

    with schema_context("acme"):
        RoleAssignment.objects.create(
            user_id=ids.student,
            role="student",
            branch_id=ids.south,
            school_class=SchoolClass.objects.get(pk=ids.biology),
        )

    body = manager.get("/manage/people/").content.decode()

    assert "Student · Algebra 1" in body
    assert "Biology 1" not in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=south", {"south-teacher@acme.example.com", "south-student@acme.example.com"}),
        ("q=Manager", {"manager@acme.example.com"}),
        ("role=teacher", {"teacher@acme.example.com", "south-teacher@acme.example.com"}),
        ("role=teacher&branch={north}", {"teacher@acme.example.com"}),
        ("school_class={biology}", {"south-teacher@acme.example.com", "south-student@acme.example.com"}),
        ("role=student&school_class={biology}", {"south-student@acme.example.com"}),
        ("status=invited", set()),
    ],
)
def test_search_and_filters(query, expected, admin, ids):
    response = admin.get("/manage/people/?" + query.format(**vars(ids)))

    assert response.status_code == 200
    assert emails_on(response) == expected


def test_status_filter_finds_invited_people(admin, ids):
    from apps.accounts.services import user_invite

    with schema_context("acme"):
        user_invite(email="newbie@acme.example.com", full_name="New Bie")

    response = admin.get("/manage/people/?status=invited")

    assert emails_on(response) == {"newbie@acme.example.com"}


def test_a_branch_outside_the_managers_scope_is_not_a_filter_they_can_use(manager, ids):
    response = manager.get(f"/manage/people/?branch={ids.south}")

    assert response.status_code == 200
    assert f'value="{ids.south}"' not in response.content.decode()
    assert emails_on(response) == {
        "manager@acme.example.com",
        "teacher@acme.example.com",
        "student@acme.example.com",
    }


def test_pagination_splits_the_list(admin):
    add_students(30)

    first = admin.get("/manage/people/")
    second = admin.get("/manage/people/?page=2")

    assert "36 people, showing 1\u201325." in first.content.decode()
    assert len(emails_on(first)) == 25
    assert len(emails_on(second)) == 11
    assert emails_on(first).isdisjoint(emails_on(second))


def test_people_list_costs_the_same_number_of_queries_for_5_and_30_rows(admin):
    add_students(5, prefix="few")
    few = queries_for(admin, "/manage/people/?role=student")
    add_students(25, prefix="many")

    many = queries_for(admin, "/manage/people/?role=student")

    assert few == many


# --- inviting ----------------------------------------------------------------------------------------------


def test_inviting_creates_the_person_with_the_role_and_shows_the_link_once(
    admin, ids, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/manage/people/invite/",
            {
                "email": "New.Person@acme.example.com",
                "full_name": "New Person",
                "role": "teacher",
                "school_class": ids.biology,
            },
        )

    person = acme_user("new.person@acme.example.com")
    assert response.status_code == 302
    assert response["Location"] == f"/manage/people/{person.pk}/"
    assert (person.status, person.full_name) == ("invited", "New Person")
    assert roles_of(person.email) == {("teacher", "south", "Biology 1")}
    assert audit_actions(action="user.invited", target_id=str(person.pk)) == [
        ("user.invited", "orgadmin@acme.example.com", str(person.pk))
    ]
    assert [m.to for m in mail.outbox] == [["new.person@acme.example.com"]]
    page = admin.get(response["Location"]).content.decode()
    assert "http://acme.learnstack.test/invite/" in page
    assert "http://acme.learnstack.test/invite/" not in admin.get(response["Location"]).content.decode()


def test_invite_form_shows_field_errors_and_writes_nothing(admin):
    from django.contrib.auth import get_user_model

    with schema_context("acme"):
        before = get_user_model().objects.count()

    response = admin.post("/manage/people/invite/", {"email": "not-an-email", "role": "student"})

    body = response.content.decode()
    assert response.status_code == 200
    assert '<div class="error" id="id_email_error">' in body
    assert 'aria-describedby="id_email_error"' in body
    assert "Teachers and students belong to a branch or a class: name one." not in body  # not reached
    assert accessibility_problems(body) == []
    with schema_context("acme"):
        assert get_user_model().objects.count() == before


def test_service_errors_land_on_their_fields(admin, ids):
    response = admin.post("/manage/people/invite/", {"email": "someone@acme.example.com", "role": "student"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Teachers and students belong to a branch or a class: name one." in body
    assert acme_user("someone@acme.example.com") is None


def test_an_email_already_in_the_org_is_refused_on_the_email_field(admin, ids):
    response = admin.post(
        "/manage/people/invite/",
        {"email": "TEACHER@acme.example.com", "role": "student", "branch": ids.north},
    )

    body = response.content.decode()
    assert (
        '<div class="error" id="id_email_error"><p><span class="sr-only">Error: </span>'
        "Someone with this email already belongs to this organization.</p></div>" in body
    )
    assert roles_of("teacher@acme.example.com") == {("teacher", "north", "Algebra 1")}


def test_manager_may_only_invite_into_their_branches(manager, ids):
    page = manager.get("/manage/people/invite/").content.decode()

    response = manager.post(
        "/manage/people/invite/", {"email": "x@acme.example.com", "role": "student", "branch": ids.south}
    )

    assert '<option value="org_admin">' not in page
    assert '<option value="branch_manager">' not in page
    assert f'<option value="{ids.south}">' not in page
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert acme_user("x@acme.example.com") is None


def test_manager_invites_a_student_into_their_branch(manager, ids):
    response = manager.post(
        "/manage/people/invite/",
        {"email": "pupil@acme.example.com", "role": "student", "school_class": ids.algebra},
    )

    assert response.status_code == 302
    assert roles_of("pupil@acme.example.com") == {("student", "north", "Algebra 1")}


# --- a person's page ---------------------------------------------------------------------------------------


def test_person_page_shows_profile_and_roles(admin, ids):
    body = admin.get(f"/manage/people/{ids.student}/").content.decode()

    assert "student@acme.example.com" in body
    assert "<strong>Student</strong>" in body
    assert "Algebra 1 (2026)" in body
    assert "Deactivate" in body
    assert "Delete permanently" in body


def test_teacher_sees_a_student_but_no_actions(teacher, ids):
    body = teacher.get(f"/manage/people/{ids.student}/").content.decode()

    assert "student@acme.example.com" in body
    assert "Deactivate" not in body
    assert "Add a role" not in body
    assert "Edit profile" not in body


def test_adding_a_role(admin, ids):
    response = admin.post(
        f"/manage/people/{ids.student}/roles/", {"role": "teacher", "school_class": ids.biology}
    )

    assert response.status_code == 302
    assert roles_of("student@acme.example.com") == {
        ("student", "north", "Algebra 1"),
        ("teacher", "south", "Biology 1"),
    }
    assert audit_actions(action="role.granted") == [
        ("role.granted", "orgadmin@acme.example.com", str(ids.student))
    ]


def test_adding_a_role_that_does_not_fit_is_a_field_error(admin, ids):
    response = admin.post(f"/manage/people/{ids.student}/roles/", {"role": "branch_manager"})

    body = response.content.decode()
    assert response.status_code == 200
    assert '<div class="error" id="role_branch_error">' in body
    assert "A Branch Manager manages a branch: name one (and no class)." in body
    assert roles_of("student@acme.example.com") == {("student", "north", "Algebra 1")}
    assert audit_actions(action="role.granted") == []


def test_removing_a_role(admin, ids):
    from apps.accounts.models import RoleAssignment

    with schema_context("acme"):
        assignment = RoleAssignment.objects.get(user_id=ids.student)

    response = admin.post(f"/manage/people/{ids.student}/roles/{assignment.pk}/remove/")

    assert response.status_code == 302
    assert roles_of("student@acme.example.com") == set()
    assert [a for a, *_ in audit_actions(action="role.revoked")] == ["role.revoked"]


def test_a_role_of_someone_else_cannot_be_removed_through_another_person(admin, ids):
    from apps.accounts.models import RoleAssignment

    with schema_context("acme"):
        teachers_role = RoleAssignment.objects.get(user_id=ids.teacher)

    response = admin.post(f"/manage/people/{ids.student}/roles/{teachers_role.pk}/remove/")

    assert response.status_code == 404
    assert roles_of("teacher@acme.example.com") == {("teacher", "north", "Algebra 1")}


def test_editing_a_profile(admin, ids):
    response = admin.post(
        f"/manage/people/{ids.student}/edit/",
        {
            "full_name": "Stu Dent",
            "email": "stu@acme.example.com",
            "language": "fr",
            "timezone": "Europe/Paris",
        },
    )

    person = acme_user("stu@acme.example.com")
    assert response.status_code == 302
    assert (person.full_name, person.language, person.timezone) == ("Stu Dent", "fr", "Europe/Paris")
    assert [a for a, *_ in audit_actions(action="user.updated")] == ["user.updated"]


def test_profile_errors_change_nothing(admin, ids):
    response = admin.post(
        f"/manage/people/{ids.student}/edit/",
        {"full_name": "Stu Dent", "email": "teacher@acme.example.com", "timezone": "Mars/Olympus"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert '<div class="error" id="id_timezone_error">' in body
    assert acme_user("student@acme.example.com").full_name == "Student"
    assert audit_actions(action="user.updated") == []


def test_a_duplicate_email_is_refused_on_the_email_field(admin, ids):
    response = admin.post(
        f"/manage/people/{ids.student}/edit/", {"full_name": "Student", "email": "teacher@acme.example.com"}
    )

    assert "Someone with this email already belongs to this organization." in response.content.decode()
    assert acme_user("student@acme.example.com") is not None


def test_managers_edit_profiles_but_not_emails(manager, ids):
    page = manager.get(f"/manage/people/{ids.student}/edit/").content.decode()

    response = manager.post(
        f"/manage/people/{ids.student}/edit/", {"full_name": "Renamed", "email": "evil@acme.example.com"}
    )

    assert 'name="email"' not in page
    assert response.status_code == 302
    person = acme_user("student@acme.example.com")
    assert person.full_name == "Renamed"


def test_deactivating_and_reactivating(admin, ids):
    deactivated = admin.post(f"/manage/people/{ids.student}/deactivate/")
    status_after_deactivation = acme_user("student@acme.example.com").status
    reactivated = admin.post(f"/manage/people/{ids.student}/reactivate/")

    assert (deactivated.status_code, reactivated.status_code) == (302, 302)
    assert status_after_deactivation == "deactivated"
    assert acme_user("student@acme.example.com").status == "active"
    assert [a for a, *_ in audit_actions(target_id=str(ids.student))] == [
        "user.deactivated",
        "user.reactivated",
    ]


def test_deactivating_yourself_is_refused_with_a_message(admin, ids):
    response = admin.post(f"/manage/people/{ids.orgadmin}/deactivate/", follow=True)

    assert "You cannot deactivate yourself." in response.content.decode()
    assert acme_user("orgadmin@acme.example.com").status == "active"


def test_manager_deactivates_a_student_of_their_branch(manager, ids):
    response = manager.post(f"/manage/people/{ids.student}/deactivate/")

    assert response.status_code == 302
    assert acme_user("student@acme.example.com").status == "deactivated"


def test_manager_may_not_deactivate_a_manager(manager, ids):
    from apps.accounts.services import user_invite

    with schema_context("acme"):
        from apps.accounts.services import RoleSpec

        other = user_invite(
            email="co-manager@acme.example.com", roles=[RoleSpec("branch_manager", branch_id=ids.north)]
        ).user

    response = manager.post(f"/manage/people/{other.pk}/deactivate/")

    assert response.status_code == 403
    assert acme_user("co-manager@acme.example.com").status == "invited"


def test_resending_an_invitation_shows_the_new_link(admin, django_capture_on_commit_callbacks):
    from apps.accounts.services import user_invite

    with schema_context("acme"):
        invited = user_invite(email="late@acme.example.com").user

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/manage/people/{invited.pk}/resend-invitation/", follow=True)

    body = response.content.decode()
    assert re.search(r'value="http://acme\.learnstack\.test/invite/[\w-]+/[\w-]+/"', body)
    assert "A new invitation for late@acme.example.com is on its way." in body
    assert [m.to for m in mail.outbox] == [["late@acme.example.com"]]
    assert [a for a, *_ in audit_actions(action="user.invitation_resent")] == ["user.invitation_resent"]


def test_resending_to_an_active_person_is_refused(admin, ids):
    response = admin.post(f"/manage/people/{ids.student}/resend-invitation/", follow=True)

    assert "Only invited people can be sent a new invitation." in response.content.decode()
    assert audit_actions(action="user.invitation_resent") == []


def test_deleting_needs_the_email_typed_and_then_frees_it(admin, ids):
    wrong = admin.post(f"/manage/people/{ids.student}/delete/", {"confirm_email": "someone@else"})
    still_there = acme_user("student@acme.example.com")
    right = admin.post(f"/manage/people/{ids.student}/delete/", {"confirm_email": "Student@acme.example.com"})

    assert wrong.status_code == 200
    assert "This is not the person&#x27;s email address; nothing was deleted." in wrong.content.decode()
    assert still_there is not None
    assert right.status_code == 302
    assert right["Location"] == "/manage/people/"
    assert acme_user("student@acme.example.com") is None
    assert audit_actions(action="user.deleted") == [
        ("user.deleted", "orgadmin@acme.example.com", str(ids.student))
    ]


def test_person_pages_pass_the_accessibility_checks(admin, ids):
    for path in (
        f"/manage/people/{ids.student}/",
        f"/manage/people/{ids.student}/edit/",
        "/manage/people/invite/",
        "/manage/people/",
    ):
        assert accessibility_problems(admin.get(path).content.decode()) == [], path


def test_role_filters_see_only_roles_the_viewer_may_know_of(manager, ids):
    from apps.accounts.models import RoleAssignment

    with schema_context("acme"):
        RoleAssignment.objects.create(
            user_id=ids.teacher, role="student", branch_id=ids.south, school_class_id=ids.biology
        )

    response = manager.get("/manage/people/?role=student")

    assert emails_on(response) == {"student@acme.example.com"}
