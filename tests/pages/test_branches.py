"""The branch pages: list, creation by Org Admins, a branch's page with its classes and people, editing
(branding override included) by the branch's managers, and deletion."""

from django_tenants.utils import schema_context

from tests.console.helpers import accessibility_problems

from .conftest import audit_actions, queries_for

NEW_BRANCH = {
    "name": "East Campus",
    "code": "east",
    "address": "3 East Street",
    "timezone": "Europe/Berlin",
    "display_name": "",
    "primary_color": "",
    "welcome_text": "",
    "is_active": "on",
}


def branch(code: str):
    from apps.hierarchy.models import Branch

    with schema_context("acme"):
        return Branch.objects.filter(code=code).first()


def branch_count() -> int:
    from apps.hierarchy.models import Branch

    with schema_context("acme"):
        return Branch.objects.count()


def test_list_shows_the_viewers_branches_with_counts(admin, manager):
    everyone = admin.get("/manage/branches/").content.decode()
    managers = manager.get("/manage/branches/").content.decode()

    assert "North Campus" in everyone
    assert "South Campus" in everyone
    assert "2 branches." in everyone
    assert "New branch" in everyone
    assert "North Campus" in managers
    assert "South Campus" not in managers
    assert "New branch" not in managers


def test_search_by_name_or_code(admin):
    body = admin.get("/manage/branches/?q=sou").content.decode()

    assert "South Campus" in body
    assert "North Campus" not in body


def test_branch_list_costs_the_same_number_of_queries_for_5_and_30_rows(admin):
    from apps.hierarchy.models import Branch

    with schema_context("acme"):
        Branch.objects.bulk_create([Branch(name=f"Branch {n}", code=f"b{n}") for n in range(3)])
    few = queries_for(admin, "/manage/branches/")
    with schema_context("acme"):
        Branch.objects.bulk_create([Branch(name=f"Branch {n}", code=f"b{n}") for n in range(3, 28)])

    many = queries_for(admin, "/manage/branches/")

    assert few == many


def test_org_admin_creates_a_branch(admin):
    response = admin.post("/manage/branches/new/", NEW_BRANCH)

    east = branch("east")
    assert response.status_code == 302
    assert response["Location"] == f"/manage/branches/{east.pk}/"
    assert (east.name, east.address, east.timezone, east.is_active) == (
        "East Campus",
        "3 East Street",
        "Europe/Berlin",
        True,
    )
    assert audit_actions(action="branch.created") == [
        ("branch.created", "orgadmin@acme.example.com", str(east.pk))
    ]


def test_a_taken_code_is_a_field_error_and_nothing_is_created(admin):
    response = admin.post("/manage/branches/new/", {**NEW_BRANCH, "code": "NORTH"})

    body = response.content.decode()
    assert response.status_code == 200
    assert (
        '<div class="error" id="id_code_error"><p><span class="sr-only">Error: </span>'
        "Another branch already uses this code.</p></div>" in body
    )
    assert branch_count() == 2
    assert audit_actions(action="branch.created") == []


def test_bad_colour_and_missing_name_are_field_errors(admin):
    response = admin.post("/manage/branches/new/", {**NEW_BRANCH, "name": "", "primary_color": "red"})

    body = response.content.decode()
    assert '<div class="error" id="id_name_error">' in body
    assert "Use a colour like #2457d6." in body
    assert accessibility_problems(body) == []
    assert branch_count() == 2


def test_branch_page_shows_its_classes_and_people(manager, ids):
    body = manager.get(f"/manage/branches/{ids.north}/").content.decode()

    assert "Algebra 1 (2026)" in body
    assert "Teacher" in body
    assert "Student" in body
    assert "Biology 1" not in body
    assert "Edit branch" in body


def test_students_see_their_branch_without_management_links(as_role, ids):
    body = as_role("student").get(f"/manage/branches/{ids.north}/").content.decode()

    assert "North Campus" in body
    assert "Edit branch" not in body
    assert "Delete North Campus" not in body


def test_manager_edits_their_branchs_branding_but_not_its_code(manager, ids):
    form = manager.get(f"/manage/branches/{ids.north}/edit/").content.decode()

    response = manager.post(
        f"/manage/branches/{ids.north}/edit/",
        {
            "name": "North Campus",
            "code": "stolen",
            "address": "",
            "timezone": "",
            "display_name": "Acme North",
            "primary_color": "#112233",
            "welcome_text": "Hello North",
            "is_active": "on",
        },
    )

    north = branch("north")
    assert 'name="code"' not in form
    assert response.status_code == 302
    assert (north.display_name, north.primary_color, north.welcome_text) == (
        "Acme North",
        "#112233",
        "Hello North",
    )
    assert branch("stolen") is None
    assert [a for a, *_ in audit_actions(action="branch.updated")] == ["branch.updated"]


def test_org_admin_changes_a_code(admin, ids):
    response = admin.post(
        f"/manage/branches/{ids.south}/edit/",
        {
            "name": "South Campus",
            "code": "sud",
            "address": "",
            "timezone": "",
            "display_name": "",
            "primary_color": "",
            "welcome_text": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    assert branch("sud").pk == ids.south


def test_saving_an_unchanged_branch_writes_no_audit_entry(admin, ids):
    response = admin.post(
        f"/manage/branches/{ids.south}/edit/",
        {
            "name": "South Campus",
            "code": "south",
            "address": "",
            "timezone": "",
            "display_name": "",
            "primary_color": "",
            "welcome_text": "",
            "is_active": "on",
        },
        follow=True,
    )

    assert "Nothing changed." in response.content.decode()
    assert audit_actions(action="branch.updated") == []


def test_a_branch_with_classes_is_not_deleted(admin, ids):
    response = admin.post(f"/manage/branches/{ids.north}/delete/", follow=True)

    assert "This branch still has classes." in response.content.decode()
    assert branch("north") is not None
    assert audit_actions(action="branch.deleted") == []


def test_an_empty_branch_is_deleted(admin):
    from apps.hierarchy.models import Branch

    with schema_context("acme"):
        empty = Branch.objects.create(name="Empty", code="empty")

    response = admin.post(f"/manage/branches/{empty.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == "/manage/branches/"
    assert branch("empty") is None
    assert audit_actions(action="branch.deleted") == [
        ("branch.deleted", "orgadmin@acme.example.com", str(empty.pk))
    ]


def test_manager_may_not_delete_their_branch(manager, ids):
    response = manager.post(f"/manage/branches/{ids.north}/delete/")

    assert response.status_code == 403
    assert branch("north") is not None
