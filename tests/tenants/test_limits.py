"""Plan limits are enforced where things are created, with PLAN_LIMIT_REACHED, never silently."""

import pytest
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.services import active_user_count, user_invite
from apps.core.errors import PlanLimitReached
from tenants import services
from tenants.models import Plan


@pytest.fixture
def globex_people(globex):
    with schema_context("globex"):
        return active_user_count()  # admin, teacher and student


@pytest.fixture
def tiny_plan(db, globex_people):
    """A plan with room for exactly one more person in globex."""
    return Plan.objects.create(code="tiny", name="Tiny", max_active_users=globex_people + 1)


def test_inviting_past_the_plans_user_limit_is_refused(globex, globex_people, tiny_plan):
    services.subscription_change_plan(organization=globex, plan=tiny_plan)
    with schema_context("globex"):
        user_invite(email="last-seat@globex.example.com")

        with pytest.raises(PlanLimitReached) as error:
            user_invite(email="one-too-many@globex.example.com")

        assert not User.objects.filter(email="one-too-many@globex.example.com").exists()
    maximum = globex_people + 1
    assert error.value.code == "PLAN_LIMIT_REACHED"
    assert error.value.details == {
        "limit": "max_active_users",
        "maximum": maximum,
        "current": maximum,
        "plan": "tiny",
    }
    assert f"Tiny plan allows {maximum} active users" in error.value.message


def test_deactivated_people_free_their_seat(globex, tiny_plan):
    services.subscription_change_plan(organization=globex, plan=tiny_plan)
    with schema_context("globex"):
        leaver = user_invite(email="leaver@globex.example.com").user
        leaver.status = User.Status.DEACTIVATED
        leaver.save()

        invited = user_invite(email="newcomer@globex.example.com")

    assert invited.user.status == User.Status.INVITED


def test_paid_seats_override_the_plan_limit(globex, globex_people, tiny_plan):
    services.subscription_change_plan(organization=globex, plan=tiny_plan, seats=globex_people + 2)
    with schema_context("globex"):
        user_invite(email="second@globex.example.com")
        user_invite(email="third@globex.example.com")

        with pytest.raises(PlanLimitReached):
            user_invite(email="fourth@globex.example.com")


def test_unlimited_plans_have_no_user_limit(globex, globex_people, plans):
    services.subscription_change_plan(organization=globex, plan=plans["enterprise"])
    with schema_context("globex"):
        for n in range(5):
            user_invite(email=f"person{n}@globex.example.com")

        assert User.objects.count() == globex_people + 5
