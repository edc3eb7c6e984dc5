"""Who may open which page of the organization area, with exact answers: 200, 404 for objects outside the
viewer's scope (the same as for missing ones), 403 where the viewer sees the object but may not do this, and
the sign-in page for anonymous visitors. Writes refused this way change nothing."""

import pytest
from django_tenants.utils import schema_context

from tests.conftest import browser_for, client_for
from tests.isolation.registry import targets

from .conftest import acme_user, audit_actions

ROLES = ("org_admin", "branch_manager", "teacher", "student")

# path template -> status for (org admin, north's manager, Algebra's teacher, Algebra's student)
MATRIX = [
    ("/", (200, 200, 200, 200)),
    ("/manage/people/", (200, 200, 200, 404)),
    ("/manage/people/invite/", (200, 200, 403, 404)),
    ("/manage/people/{student}/", (200, 200, 200, 404)),
    ("/manage/people/{south_student}/", (200, 404, 404, 404)),
    ("/manage/people/{student}/edit/", (200, 200, 403, 404)),
    ("/manage/people/{south_student}/edit/", (200, 404, 404, 404)),
    ("/manage/people/{student}/delete/", (200, 403, 403, 404)),
    ("/manage/people/999999/", (404, 404, 404, 404)),
    ("/manage/branches/", (200, 200, 200, 200)),
    ("/manage/branches/new/", (200, 403, 403, 403)),
    ("/manage/branches/{north}/", (200, 200, 200, 200)),
    ("/manage/branches/{south}/", (200, 404, 404, 404)),
    ("/manage/branches/{north}/edit/", (200, 200, 403, 403)),
    ("/manage/branches/{south}/edit/", (200, 404, 404, 404)),
    ("/manage/branches/999999/", (404, 404, 404, 404)),
    ("/manage/classes/", (200, 200, 200, 200)),
    ("/manage/classes/new/", (200, 200, 403, 403)),
    ("/manage/classes/{algebra}/", (200, 200, 200, 200)),
    ("/manage/classes/{biology}/", (200, 404, 404, 404)),
    ("/manage/classes/{algebra}/edit/", (200, 200, 403, 403)),
    ("/manage/classes/{algebra}/delete/", (200, 200, 403, 403)),
    ("/manage/classes/{biology}/edit/", (200, 404, 404, 404)),
    ("/manage/classes/{biology}/delete/", (200, 404, 404, 404)),
    ("/manage/classes/999999/", (404, 404, 404, 404)),
    ("/manage/settings/", (200, 403, 403, 403)),
    ("/manage/audit/", (200, 403, 403, 403)),
]


@pytest.mark.parametrize(("template", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_each_role_gets_exactly_the_expected_answer(template, expected, ids, as_role):
    path = template.format(**vars(ids))

    answers = tuple(as_role(role).get(path).status_code for role in ROLES)

    assert answers == expected


@pytest.mark.parametrize("template", [row[0] for row in MATRIX if row[0] != "/"])
def test_anonymous_visitors_are_sent_to_sign_in(template, ids, acme):
    path = template.format(**vars(ids))

    response = browser_for(acme).get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_anonymous_home_is_the_branded_sign_in_call(acme):
    response = browser_for(acme).get("/")

    body = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="home-title">Acme Academy</h1>' in body
    assert 'href="/accounts/login/">Sign in</a>' in body


def test_forbidden_pages_say_why(as_role, ids):
    response = as_role("teacher").get(f"/manage/classes/{ids.algebra}/edit/")

    assert response.status_code == 403
    assert (
        "Only the managers of this class&#x27;s branch and Org Admins may change it."
        in response.content.decode()
    )


# --- refused writes change nothing -------------------------------------------------------------------------


def test_manager_cannot_deactivate_someone_of_another_branch(manager, ids):
    response = manager.post(f"/manage/people/{ids.south_student}/deactivate/")

    assert response.status_code == 404
    assert acme_user("south-student@acme.example.com").status == "active"
    assert audit_actions(action="user.deactivated") == []


def test_teacher_cannot_deactivate_their_student(teacher, ids):
    response = teacher.post(f"/manage/people/{ids.student}/deactivate/")

    assert response.status_code == 403
    assert acme_user("student@acme.example.com").status == "active"
    assert audit_actions(action="user.deactivated") == []


def test_manager_cannot_delete_people(manager, ids):
    response = manager.post(
        f"/manage/people/{ids.student}/delete/", {"confirm_email": "student@acme.example.com"}
    )

    assert response.status_code == 403
    assert acme_user("student@acme.example.com") is not None


def test_teacher_cannot_add_members_to_their_class(teacher, ids):
    response = teacher.post(
        f"/manage/classes/{ids.algebra}/members/",
        {"email": "south-student@acme.example.com", "role": "student"},
    )

    assert response.status_code == 403
    assert audit_actions(action="role.granted") == []


def test_manager_cannot_edit_another_branch(manager, ids):
    from apps.hierarchy.models import Branch

    response = manager.post(f"/manage/branches/{ids.south}/edit/", {"name": "Taken over"})

    assert response.status_code == 404
    with schema_context("acme"):
        assert Branch.objects.get(pk=ids.south).name == "South Campus"


def test_student_cannot_delete_their_class(as_role, ids):
    from apps.hierarchy.models import SchoolClass

    response = as_role("student").post(f"/manage/classes/{ids.algebra}/delete/")

    assert response.status_code == 403
    with schema_context("acme"):
        assert SchoolClass.objects.filter(pk=ids.algebra).exists()


def test_non_admins_cannot_change_settings(manager, acme):
    from tenants.models import OrganizationSettings

    response = manager.post(
        "/manage/settings/",
        {
            "display_name": "Hijacked",
            "primary_color": "#000000",
            "default_language": "en",
            "default_timezone": "UTC",
        },
    )

    assert response.status_code == 403
    assert OrganizationSettings.objects.get(organization=acme).display_name == "Acme Academy"


def test_anonymous_writes_go_to_sign_in_and_change_nothing(acme, ids):
    response = browser_for(acme).post(f"/manage/people/{ids.student}/deactivate/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert acme_user("student@acme.example.com").status == "active"


def test_pages_answer_get_only_where_they_only_read(admin, ids):
    assert admin.post("/manage/people/").status_code == 405
    assert admin.get(f"/manage/people/{ids.student}/deactivate/").status_code == 405


# --- another organization's ids ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "/manage/people/{user_id}/deactivate/",
        "/manage/people/{user_id}/reactivate/",
        "/manage/people/{user_id}/resend-invitation/",
        "/manage/people/{user_id}/roles/",
        "/manage/people/{user_id}/delete/",
        "/manage/branches/{branch_id}/edit/",
        "/manage/branches/{branch_id}/delete/",
        "/manage/classes/{class_id}/edit/",
        "/manage/classes/{class_id}/delete/",
        "/manage/classes/{class_id}/members/",
    ],
)
def test_writes_with_globex_ids_on_acme_answer_404_and_change_nothing(template, admin, globex):
    from apps.audit.models import AuditEntry

    values = targets(globex)
    with schema_context("globex"):
        entries_before = AuditEntry.objects.count()
    acme_entries_before = audit_actions()

    response = admin.post(
        template.format(**values),
        {"name": "Intruder", "role": "student", "email": "isolation@globex.example.com"},
    )

    assert response.status_code == 404
    assert "globex" not in response.content.decode().lower()
    with schema_context("globex"):
        assert AuditEntry.objects.count() == entries_before
    assert audit_actions() == acme_entries_before


def test_acme_session_cookie_opens_no_page_on_globex(acme, acme_admin):
    acme_browser = browser_for(acme, acme_admin)
    intruder = client_for("globex")
    intruder.cookies["sessionid"] = acme_browser.cookies["sessionid"].value

    response = intruder.get("/manage/people/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/manage/people/"
