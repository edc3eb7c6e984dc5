"""Plan limits are enforced where things are created, with PLAN_LIMIT_REACHED, never silently."""

import pytest
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.services import user_invite
from apps.core.errors import PlanLimitReached
from tenants import services
from tenants.models import Plan


@pytest.fixture
def tiny_plan(db):
    return Plan.objects.create(code="tiny", name="Tiny", max_active_users=2)


def test_inviting_past_the_plans_user_limit_is_refused(globex, tiny_plan):
    services.subscription_change_plan(organization=globex, plan=tiny_plan)
    with schema_context("globex"):
        user_invite(email="second@globex.example.com")

        with pytest.raises(PlanLimitReached) as error:
            user_invite(email="third@globex.example.com")

        assert not User.objects.filter(email="third@globex.example.com").exists()
    assert error.value.code == "PLAN_LIMIT_REACHED"
    assert error.value.details == {"limit": "max_active_users", "maximum": 2, "current": 2, "plan": "tiny"}
    assert "Tiny plan allows 2 active users" in error.value.message


def test_deactivated_people_free_their_seat(globex, tiny_plan):
    services.subscription_change_plan(organization=globex, plan=tiny_plan)
    with schema_context("globex"):
        leaver = user_invite(email="leaver@globex.example.com").user
        leaver.status = User.Status.DEACTIVATED
        leaver.save()

        invited = user_invite(email="newcomer@globex.example.com")

    assert invited.user.status == User.Status.INVITED


def test_paid_seats_override_the_plan_limit(globex, tiny_plan):
    services.subscription_change_plan(organization=globex, plan=tiny_plan, seats=3)
    with schema_context("globex"):
        user_invite(email="second@globex.example.com")
        user_invite(email="third@globex.example.com")

        with pytest.raises(PlanLimitReached):
            user_invite(email="fourth@globex.example.com")


def test_unlimited_plans_have_no_user_limit(globex, plans):
    services.subscription_change_plan(organization=globex, plan=plans["enterprise"])
    with schema_context("globex"):
        for n in range(5):
            user_invite(email=f"person{n}@globex.example.com")

        assert User.objects.count() == 6
