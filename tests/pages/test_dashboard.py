"""The start page at "/": the sign-in call to action for visitors, and one dashboard section per role."""

from django_tenants.utils import schema_context

from tests.conftest import browser_for, person
from tests.console.helpers import accessibility_problems

from .conftest import add_students, queries_for


def test_visitors_get_the_orgs_branding_and_a_sign_in_button(acme):
    from tenants.models import OrganizationSettings

    OrganizationSettings.objects.filter(organization=acme).update(welcome_text="Learn with us")

    body = browser_for(acme).get("/").content.decode()

    assert "Learn with us" in body
    assert '<a class="button primary" href="/accounts/login/">Sign in</a>' in body
    assert "Your organization" not in body


def test_org_admin_sees_counts_recent_activity_and_shortcuts(admin, ids):
    admin.post(f"/manage/people/{ids.south_student}/deactivate/")

    response = admin.get("/")

    body = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert '<span class="stat-value">6</span><span class="stat-label">People</span>' in body
    assert '<span class="stat-value">5</span><span class="stat-label">Active</span>' in body
    assert '<span class="stat-value">1</span><span class="stat-label">Deactivated</span>' in body
    assert '<span class="stat-value">2</span><span class="stat-label">Branches</span>' in body
    assert '<span class="stat-value">2</span><span class="stat-label">Classes</span>' in body
    assert '<span class="stat-value">2</span><span class="stat-label">Teachers</span>' in body
    assert '<span class="stat-value">1</span><span class="stat-label">Branch Manager</span>' in body
    assert "<code>user.deactivated</code>" not in body  # a sentence, not the raw code
    assert f'deactivated <a href="/manage/people/{ids.south_student}/">South-Student</a>' in body
    assert 'href="/manage/people/invite/"' in body
    assert accessibility_problems(body) == []


def test_manager_sees_their_branches_with_classes_and_counts(manager):
    body = manager.get("/").content.decode()

    assert "Branches you manage" in body
    assert "North Campus" in body
    assert "3 people · 1 class" in body
    assert "Algebra 1 (2026)" in body
    assert "South Campus" not in body
    assert "Biology 1" not in body
    assert "Your organization" not in body


def test_teacher_sees_their_classes_with_students(teacher):
    body = teacher.get("/").content.decode()

    assert "Classes you teach" in body
    assert "Algebra 1 (2026)" in body
    assert ">Student</a>" in body
    assert "1 student" in body
    assert "South-Student" not in body


def test_student_sees_their_classes_and_branches(as_role, ids):
    body = as_role("student").get("/").content.decode()

    assert "Your classes" in body
    assert f'<a href="/manage/classes/{ids.algebra}/">Algebra 1 (2026)</a>' in body
    assert f'<a href="/manage/branches/{ids.north}/">North Campus</a>' in body
    assert "Biology 1" not in body
    assert "Classes you teach" not in body


def test_someone_with_several_roles_sees_each_section(acme, ids):
    from apps.accounts.models import RoleAssignment

    with schema_context("acme"):
        RoleAssignment.objects.create(
            user_id=ids.teacher, role="student", branch_id=ids.south, school_class_id=ids.biology
        )

    body = browser_for(acme, person(acme, "teacher")).get("/").content.decode()

    assert "Classes you teach" in body
    assert "Your classes" in body
    assert "Biology 1 (2026)" in body


def test_teacher_dashboard_costs_the_same_number_of_queries_for_5_and_30_students(teacher):
    add_students(4, prefix="few")
    few = queries_for(teacher, "/")
    add_students(25, prefix="many")

    many = queries_for(teacher, "/")

    assert few == many
