"""The organization's navigation is what the apps registered (apps.core.navigation): each app adds its own
entries from its AppConfig.ready(), each viewer sees those their roles allow, in order, and a new entry needs
no edit of apps.core."""

import re

import pytest
from django.utils.translation import gettext_lazy as _

from apps.accounts.permissions import scope_of
from apps.core.navigation import NavEntry, register_nav, registered_entries, unregister_nav
from tests.conftest import browser_for, person

pytestmark = pytest.mark.django_db


def nav_labels(client, path="/") -> list[str]:
    body = client.get(path).content.decode()
    nav = re.search(r'<nav aria-label="Main"[^>]*>.*?</nav>', body, re.S).group(0)
    return re.findall(r'<a href="[^"]*"(?: aria-current="page")?>([^<]+)</a>', nav)


def as_person(acme, local):
    return browser_for(acme, person(acme, local))


def org_admins_only(request) -> bool:
    return scope_of(request.user).is_org_admin


@pytest.fixture
def reports_entry():
    """A throwaway entry for Org Admins, between API keys and the audit log (it leads to the profile page)."""
    entry = register_nav(NavEntry(_("Reports"), "profile", visible=org_admins_only, order=85))
    yield entry
    unregister_nav("profile")


def test_each_role_sees_the_entries_its_roles_allow_in_order(acme):
    """Between the Dashboard link and the person's own (profile) link, as before the registry."""
    labels = {
        local: nav_labels(as_person(acme, local))[1:-1]
        for local in ("orgadmin", "manager", "teacher", "student")
    }

    assert labels["orgadmin"] == [
        "Catalog",
        "My learning",
        "Teaching",
        "Question bank",
        "Badges",
        "Certificates",
        "People",
        "Branches",
        "Classes",
        "Import",
        "API keys",
        "Audit log",
        "Settings",
    ]
    assert labels["manager"] == [
        "Catalog",
        "My learning",
        "Teaching",
        "Question bank",
        "Badges",
        "Certificates",
        "People",
        "Branches",
        "Classes",
        "Import",
    ]
    assert labels["teacher"] == [
        "Catalog",
        "My learning",
        "Teaching",
        "Question bank",
        "Badges",
        "Certificates",
        "People",
        "Branches",
        "Classes",
    ]
    assert labels["student"] == ["Catalog", "My learning", "My achievements", "Branches", "Classes"]


def test_a_registered_entry_appears_for_the_roles_it_names_only(acme, reports_entry):
    admin_labels = nav_labels(as_person(acme, "orgadmin"))
    teacher_labels = nav_labels(as_person(acme, "teacher"))

    assert admin_labels[admin_labels.index("API keys") : admin_labels.index("Audit log") + 1] == [
        "API keys",
        "Reports",
        "Audit log",
    ]
    assert "Reports" not in teacher_labels


def test_the_current_page_marks_the_registered_entry_that_names_it(acme):
    entry = register_nav(
        NavEntry(_("Reports"), "profile", visible=org_admins_only, order=85, active=("profile", "profile_*"))
    )
    try:
        body = as_person(acme, "orgadmin").get("/accounts/profile/").content.decode()
    finally:
        unregister_nav(entry.url_name)

    assert '<a href="/accounts/profile/" aria-current="page">Reports</a>' in body


def test_registering_an_entry_again_replaces_it(reports_entry):
    register_nav(NavEntry(_("Reports"), "profile", visible=org_admins_only, order=85))
    register_nav(NavEntry(_("Reports and exports"), "profile", visible=org_admins_only, order=85))

    named = [entry for entry in registered_entries() if entry.url_name == "profile"]
    assert [str(entry.label) for entry in named] == ["Reports and exports"]


def test_visitors_and_the_platform_host_get_no_entries(acme):
    body = browser_for(acme).get("/accounts/login/").content.decode()

    assert "Catalog" not in body
    assert "Audit log" not in body
