"""The dashboard at "/" shows the cards the apps registered (apps.core.dashboard) that the viewer may see, in
order, and the getting-started checklist the steps they registered (apps.hierarchy.onboarding): a feature app
adds a card or a step from its own AppConfig.ready(), without an edit of the shell."""

import pytest
from django.db.models import Q
from django_tenants.utils import schema_context

from apps.accounts.permissions import scope_of
from apps.core.dashboard import register_card, registered_cards, unregister_card
from apps.hierarchy.onboarding import (
    ORGANIZATION,
    Link,
    onboarding_checklist,
    register_onboarding_step,
    registered_steps,
    unregister_onboarding_step,
)
from tests.conftest import browser_for, person

pytestmark = pytest.mark.django_db

THROWAWAY = '<span class="status status-thrown">A throwaway card</span>'


def as_person(acme, local):
    return browser_for(acme, person(acme, local))


def org_admins_only(request) -> bool:
    return scope_of(request.user).is_org_admin


@pytest.fixture
def throwaway_card():
    """A card for Org Admins between the organization's counts and recent activity."""
    card = register_card(
        "throwaway",
        template="org/includes/status.html",
        context=lambda request: {"person": {"status": "thrown", "get_status_display": "A throwaway card"}},
        visible=org_admins_only,
        order=35,
    )
    yield card
    unregister_card("throwaway")


def test_the_apps_register_their_cards_in_order():
    assert [card.code for card in registered_cards()] == [
        "checklist",
        "courses",
        "organization",
        "recent_activity",
        "managed_branches",
        "teaching_classes",
        "learning_classes",
    ]


def test_a_registered_card_shows_for_the_roles_it_names_only(acme, throwaway_card):
    admin_body = as_person(acme, "orgadmin").get("/").content.decode()
    teacher_body = as_person(acme, "teacher").get("/").content.decode()

    assert THROWAWAY in admin_body
    assert (
        admin_body.index('id="org-title"')
        < admin_body.index(THROWAWAY)
        < admin_body.index('id="recent-title"')
    )
    assert THROWAWAY not in teacher_body


def test_a_card_with_nothing_to_show_is_left_out(acme):
    register_card("empty", template="org/includes/status.html", context=lambda request: None, order=1)
    try:
        body = as_person(acme, "orgadmin").get("/").content.decode()
    finally:
        unregister_card("empty")

    assert 'class="status status-' not in body.split('id="welcome-title"')[1].split('id="org-title"')[0]


def test_registering_a_card_again_replaces_it(throwaway_card):
    register_card("throwaway", template="org/includes/status.html", context=lambda request: {}, order=36)

    assert [card.order for card in registered_cards() if card.code == "throwaway"] == [36]


def test_each_app_registers_its_own_checklist_steps():
    assert [step.code for step in registered_steps(ORGANIZATION)] == [
        "branch",
        "people",
        "course",
        "publish",
        "enroll",
    ]
    assert {step.code: step.evidence.__module__ for step in registered_steps(ORGANIZATION)} == {
        "branch": "apps.hierarchy.onboarding",
        "people": "apps.hierarchy.onboarding",
        "course": "apps.courses.onboarding",
        "publish": "apps.courses.onboarding",
        "enroll": "apps.courses.onboarding",
    }


@pytest.fixture
def certificate_step():
    """A step another app would register: done once someone is an Org Admin besides the viewer."""
    from apps.accounts.models import RoleAssignment

    step = register_onboarding_step(
        checklist=ORGANIZATION,
        code="second_admin",
        order=60,
        label="Name a second Org Admin",
        hint="So that someone else can step in.",
        links=lambda viewer: (Link("People", "/manage/people/"),),
        evidence=lambda viewer: RoleAssignment.objects.filter(role="org_admin").filter(~Q(user_id=viewer.pk)),
    )
    yield step
    unregister_onboarding_step(checklist=ORGANIZATION, code="second_admin")


def test_a_registered_step_joins_the_checklist_still_read_in_one_query(
    acme, certificate_step, django_assert_num_queries
):
    with schema_context("acme"):
        admin = person(acme, "orgadmin")
        scope_of(admin)
        with django_assert_num_queries(1):
            checklist = onboarding_checklist(viewer=admin)
        manager_checklist = onboarding_checklist(viewer=person(acme, "manager"))

    assert [step.code for step in checklist.steps][-1] == "second_admin"
    assert checklist.steps[-1].done is False
    assert checklist.total == 6
    assert "second_admin" not in [step.code for step in manager_checklist.steps]
