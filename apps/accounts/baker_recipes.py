"""model-bakery recipes for people, one per role, each made with its RoleAssignment:

    baker.make_recipe("accounts.student", school_class=algebra)   a Student of that class (and its branch)
    baker.make_recipe("accounts.teacher")                         a Teacher of a new class in a new branch
    baker.make_recipe("accounts.branch_manager", branch=north)    a Branch Manager of north
    baker.make_recipe("accounts.org_admin")                       an Org Admin

Everyone is active, with an address of example.com and no usable password. Test-only helpers: model_bakery
imports this module when a test asks for a recipe (model-bakery is a dev dependency); the product never
imports it.
"""

from django.contrib.auth.hashers import make_password
from model_bakery import baker
from model_bakery.recipe import Recipe, seq

from .models import RoleAssignment, User


class PersonRecipe(Recipe):
    """A User recipe that also grants `role`, where the caller says (`branch=`, `school_class=`) or in a new
    branch or class of its own."""

    def __init__(self, _model=User, *, role: str, **attrs):
        super().__init__(_model, **attrs)
        self.role = role

    def extend(self, **attrs):
        return PersonRecipe(self._model, role=self.role, **{**self.attr_mapping, **attrs})

    def make(self, _quantity=None, *, branch=None, school_class=None, **attrs):
        if _quantity is not None:
            return [self.make(branch=branch, school_class=school_class, **attrs) for _ in range(_quantity)]
        user = super().make(**attrs)
        if self.role == RoleAssignment.Role.BRANCH_MANAGER:
            branch = branch or baker.make_recipe("hierarchy.branch")
        elif self.role in (RoleAssignment.Role.TEACHER, RoleAssignment.Role.STUDENT):
            if school_class is None and branch is None:
                school_class = baker.make_recipe("hierarchy.school_class")
            branch = branch or school_class.branch
        RoleAssignment.objects.create(user=user, role=self.role, branch=branch, school_class=school_class)
        return user


def _unusable_password() -> str:
    return make_password(None)


def _person(role: str, local: str) -> PersonRecipe:
    return PersonRecipe(
        role=role,
        email=seq(local, suffix="@example.com"),
        full_name=seq(local.replace("-", " ").title() + " "),
        status=User.Status.ACTIVE,
        password=_unusable_password,  # recipe people sign in with force_login or a token
    )


org_admin = _person(RoleAssignment.Role.ORG_ADMIN, "admin")
branch_manager = _person(RoleAssignment.Role.BRANCH_MANAGER, "manager")
teacher = _person(RoleAssignment.Role.TEACHER, "teacher")
student = _person(RoleAssignment.Role.STUDENT, "student")
