"""The model-bakery recipes (apps/<app>/baker_recipes.py) make rows the product itself would make: a person's
role sits in their class's branch, a lesson in its module's course, and an API key authenticates."""

import pytest
from model_bakery import baker

from apps.accounts.permissions import scope_of
from apps.apikeys.baker_recipes import make_api_key
from apps.apikeys.services import api_key_authenticate
from tests.conftest import in_org


@pytest.mark.parametrize("role", ["teacher", "student"])
def test_a_class_member_holds_the_role_in_the_class_and_its_branch(acme, role):
    with in_org(acme):
        school_class = baker.make_recipe("hierarchy.school_class")
        person = baker.make_recipe(f"accounts.{role}", school_class=school_class)

        assignment = person.role_assignments.get()
        assert (assignment.role, assignment.school_class, assignment.branch) == (
            role,
            school_class,
            school_class.branch,
        )
        assert person.status == "active"
        assert not person.has_usable_password()


def test_each_role_recipe_gives_its_role_and_a_place_of_its_own(acme):
    with in_org(acme):
        admin = baker.make_recipe("accounts.org_admin")
        manager = baker.make_recipe("accounts.branch_manager")
        teacher, other_teacher = baker.make_recipe("accounts.teacher", _quantity=2)

        assert scope_of(admin).is_org_admin
        assert scope_of(manager).manages_branch(manager.role_assignments.get().branch_id)
        assert (
            teacher.role_assignments.get().school_class != other_teacher.role_assignments.get().school_class
        )
        assert teacher.email != other_teacher.email


def test_a_lesson_is_published_in_its_modules_course(acme):
    with in_org(acme):
        module = baker.make_recipe("courses.module")
        lesson = baker.make_recipe("courses.lesson", module=module)
        enrollment = baker.make_recipe("courses.enrollment", course=module.course)

        lesson.refresh_from_db()
        assert lesson.course == module.course
        assert lesson.published_version == lesson.latest_version
        assert lesson.published_version.number == 1
        assert enrollment.user.role_assignments.get().role == "student"


def test_an_import_job_is_a_finished_upload_of_a_branch_manager(acme):
    with in_org(acme):
        job = baker.make_recipe("imports.import_job")

        assert job.status == "completed"
        assert job.created_by.role_assignments.get().role == "branch_manager"


def test_a_made_api_key_authenticates_with_its_raw_key(acme, acme_admin):
    with in_org(acme):
        api_key, raw = make_api_key(created_by=acme_admin, scopes=["users:read"])

        assert api_key_authenticate(raw_key=raw) == api_key
        assert api_key.scopes == ["users:read"]
