"""The class pages: list, creation by Org Admins and the branch's managers, a class's page with teachers and
students, adding and removing members, editing and deleting."""

from django.core import mail
from django_tenants.utils import schema_context

from tests.console.helpers import accessibility_problems

from .conftest import acme_user, audit_actions, queries_for


def school_class(name: str):
    from apps.hierarchy.models import SchoolClass

    with schema_context("acme"):
        return SchoolClass.objects.select_related("branch").filter(name=name).first()


def class_roles(class_id: int) -> set[tuple[str, str]]:
    from apps.accounts.models import RoleAssignment

    with schema_context("acme"):
        return set(RoleAssignment.objects.filter(school_class_id=class_id).values_list("user__email", "role"))


def test_list_is_scoped_and_counts_members(admin, teacher):
    everyone = admin.get("/manage/classes/").content.decode()
    teachers = teacher.get("/manage/classes/").content.decode()

    assert "Algebra 1" in everyone
    assert "Biology 1" in everyone
    assert "2 classes." in everyone
    assert "Algebra 1" in teachers
    assert "Biology 1" not in teachers
    assert "New class" not in teachers


def test_list_filters_by_branch(admin, ids):
    body = admin.get(f"/manage/classes/?branch={ids.south}").content.decode()

    assert "Biology 1" in body
    assert "Algebra 1" not in body


def test_class_list_costs_the_same_number_of_queries_for_5_and_30_rows(admin, ids):
    from apps.hierarchy.models import SchoolClass

    with schema_context("acme"):
        SchoolClass.objects.bulk_create(
            [SchoolClass(branch_id=ids.north, name=f"Class {n}") for n in range(3)]
        )
    few = queries_for(admin, "/manage/classes/")
    with schema_context("acme"):
        SchoolClass.objects.bulk_create(
            [SchoolClass(branch_id=ids.south, name=f"Class {n}") for n in range(3, 28)]
        )

    many = queries_for(admin, "/manage/classes/")

    assert few == many


def test_manager_creates_a_class_in_their_branch(manager, ids):
    response = manager.post(
        "/manage/classes/new/",
        {"branch": ids.north, "name": "Physics", "term": "2026", "description": "Forces", "is_active": "on"},
    )

    physics = school_class("Physics")
    assert response.status_code == 302
    assert response["Location"] == f"/manage/classes/{physics.pk}/"
    assert (physics.branch.code, physics.term, physics.description) == ("north", "2026", "Forces")
    assert audit_actions(action="class.created") == [
        ("class.created", "manager@acme.example.com", str(physics.pk))
    ]


def test_manager_cannot_create_a_class_in_another_branch(manager, ids):
    page = manager.get("/manage/classes/new/").content.decode()

    response = manager.post("/manage/classes/new/", {"branch": ids.south, "name": "Physics", "term": "2026"})

    assert f'<option value="{ids.south}"' not in page
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert school_class("Physics") is None


def test_a_duplicate_class_is_a_field_error(admin, ids):
    response = admin.post("/manage/classes/new/", {"branch": ids.north, "name": "Algebra 1", "term": "2026"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "This branch already has a class with this name and term." in body
    assert accessibility_problems(body) == []
    assert audit_actions(action="class.created") == []


def test_class_page_lists_teachers_and_students(manager, ids):
    body = manager.get(f"/manage/classes/{ids.algebra}/").content.decode()

    assert "Teachers" in body
    assert ">Teacher</a>" in body
    assert ">Student</a>" in body
    assert "Add a member" in body
    assert accessibility_problems(body) == []


def test_adding_an_existing_person_to_a_class(admin, ids):
    response = admin.post(
        f"/manage/classes/{ids.algebra}/members/",
        {"email": "south-student@acme.example.com", "role": "student"},
    )

    assert response.status_code == 302
    assert ("south-student@acme.example.com", "student") in class_roles(ids.algebra)
    assert audit_actions(action="role.granted") == [
        ("role.granted", "orgadmin@acme.example.com", str(ids.south_student))
    ]


def test_adding_someone_new_invites_them(manager, ids, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            f"/manage/classes/{ids.algebra}/members/",
            {"email": "fresh@acme.example.com", "full_name": "Fresh", "role": "student"},
            follow=True,
        )

    body = response.content.decode()
    assert "fresh@acme.example.com is invited as a student of Algebra 1 (2026)." in body
    assert acme_user("fresh@acme.example.com").status == "invited"
    assert ("fresh@acme.example.com", "student") in class_roles(ids.algebra)
    assert [m.to for m in mail.outbox] == [["fresh@acme.example.com"]]


def test_manager_cannot_pull_in_someone_from_another_branch(manager, ids):
    response = manager.post(
        f"/manage/classes/{ids.algebra}/members/",
        {"email": "south-student@acme.example.com", "role": "student"},
    )

    assert response.status_code == 200
    assert "Someone with this email already belongs to this organization." in response.content.decode()
    assert ("south-student@acme.example.com", "student") not in class_roles(ids.algebra)


def test_a_bad_email_is_a_field_error(admin, ids):
    response = admin.post(f"/manage/classes/{ids.algebra}/members/", {"email": "nope", "role": "student"})

    assert '<div class="error" id="member_email_error">' in response.content.decode()
    assert audit_actions(action="role.granted") == []


def test_removing_a_member(manager, ids):
    from apps.accounts.models import RoleAssignment

    with schema_context("acme"):
        assignment = RoleAssignment.objects.get(user_id=ids.student, school_class_id=ids.algebra)

    response = manager.post(f"/manage/classes/{ids.algebra}/members/{assignment.pk}/remove/")

    assert response.status_code == 302
    assert class_roles(ids.algebra) == {("teacher@acme.example.com", "teacher")}
    assert [a for a, *_ in audit_actions(action="role.revoked")] == ["role.revoked"]


def test_a_member_of_another_class_cannot_be_removed_through_this_one(admin, ids):
    from apps.accounts.models import RoleAssignment

    with schema_context("acme"):
        biology_role = RoleAssignment.objects.get(user_id=ids.south_student)

    response = admin.post(f"/manage/classes/{ids.algebra}/members/{biology_role.pk}/remove/")

    assert response.status_code == 404
    assert ("south-student@acme.example.com", "student") in class_roles(ids.biology)


def test_editing_a_class(manager, ids):
    response = manager.post(
        f"/manage/classes/{ids.algebra}/edit/",
        {"branch": ids.north, "name": "Algebra I", "term": "2026", "description": "", "is_active": "on"},
    )

    assert response.status_code == 302
    assert school_class("Algebra I").pk == ids.algebra
    assert [a for a, *_ in audit_actions(action="class.updated")] == ["class.updated"]


def test_moving_a_class_moves_its_members(admin, ids):
    response = admin.post(
        f"/manage/classes/{ids.algebra}/edit/",
        {"branch": ids.south, "name": "Algebra 1", "term": "2026", "description": "", "is_active": "on"},
    )

    from apps.accounts.models import RoleAssignment

    assert response.status_code == 302
    with schema_context("acme"):
        assert set(
            RoleAssignment.objects.filter(school_class_id=ids.algebra).values_list("branch_id", flat=True)
        ) == {ids.south}


def test_deleting_a_class_after_confirmation(manager, ids):
    confirm = manager.get(f"/manage/classes/{ids.algebra}/delete/")

    response = manager.post(f"/manage/classes/{ids.algebra}/delete/")

    assert "Delete Algebra 1 (2026)?" in confirm.content.decode()
    assert response.status_code == 302
    assert response["Location"] == "/manage/classes/"
    assert school_class("Algebra 1") is None
    assert audit_actions(action="class.deleted") == [
        ("class.deleted", "manager@acme.example.com", str(ids.algebra))
    ]
