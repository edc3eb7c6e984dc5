"""The getting-started checklist on the dashboard (apps/hierarchy/onboarding.py): it ticks itself off from
the organization's real state, collapses to "You're set up" when everything is done, can be hidden per
person, and is the same over the API. The import template it links to imports cleanly as downloaded."""

import csv
import io
from types import SimpleNamespace

import pytest
from django_tenants.utils import schema_context

from tests.conftest import browser_for, client_for, jwt_for, person
from tests.console.helpers import accessibility_problems

from .conftest import add_students

ADMIN_STEPS = ["branch", "people", "course", "publish", "enroll"]
MANAGER_STEPS = ["class", "people", "class_members"]


@pytest.fixture
def fresh(db, plans):
    """A newly provisioned organization, as the console leaves it: its first Org Admin and nothing else."""
    from django.contrib.auth import get_user_model

    from tenants.services import organization_provision

    organization = organization_provision(
        name="Fresh Start",
        slug="freshstart",
        plan=plans["growth"],
        admin_email="admin@freshstart.example.com",
        admin_name="Fresh Admin",
        trial_days=0,
    ).organization
    with schema_context(organization.schema_name):
        admin = get_user_model().objects.get(email="admin@freshstart.example.com")
        admin.status = "active"
        admin.save()
    return SimpleNamespace(
        organization=organization,
        admin=admin,
        page=browser_for(organization, admin),
        api=client_for(organization.slug, token=jwt_for(organization, admin)),
    )


def signed_up(invitation):
    """The invited person, as if they had accepted their invitation (invited people cannot sign in)."""
    user = invitation.user
    user.status = "active"
    user.save(update_fields=["status"])
    return user


def in_fresh(fresh):
    return schema_context(fresh.organization.schema_name)


def steps_of(body: str) -> dict[str, bool]:
    """{step code: done} as the dashboard shows them."""
    import re

    return {
        code: done == "true"
        for code, done in re.findall(r'data-step="([a-z_]+)" data-done="(true|false)"', body)
    }


def api_steps(client) -> dict[str, bool]:
    response = client.get("/api/v1/onboarding")
    assert response.status_code == 200, response.json()
    return {step["code"]: step["done"] for step in response.json()["data"]["steps"]}


def build_course(actor, *, publish: bool = False, enroll=()):
    from apps.courses import services

    course = services.course_create(actor=actor, title="First steps")
    if publish or enroll:
        module = services.module_create(actor=actor, course=course, title="Welcome")
        services.content_create(actor=actor, module=module, kind="text", title="Hello", body="Hi there")
        services.course_publish(actor=actor, course=course)
    if enroll:
        services.enroll_assign(actor=actor, course=course, users=[user.pk for user in enroll])
    return course


# --- the organization's checklist -------------------------------------------------------------------------


def test_a_freshly_provisioned_org_shows_0_of_5_with_a_link_for_each_step(fresh):
    response = fresh.page.get("/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "<strong>0 of 5 done</strong>" in body
    assert '<progress class="onboarding-bar" value="0" max="5"' in body
    assert steps_of(body) == dict.fromkeys(ADMIN_STEPS, False)
    assert body.count("Not done yet") == 5
    assert 'href="/manage/branches/new/">New branch</a>' in body
    assert 'href="/manage/people/invite/">Invite someone</a>' in body
    assert 'href="/manage/imports/">Import people</a>' in body
    assert 'href="/manage/imports/template.csv">Download the import template</a>' in body
    assert 'href="/courses/new/">New course</a>' in body
    assert "You're set up" not in body
    assert accessibility_problems(body) == []


def test_adding_a_branch_through_the_service_ticks_the_first_step(fresh):
    from apps.hierarchy.services import branch_create

    with in_fresh(fresh):
        branch_create(actor=fresh.admin, name="Main Campus", code="main")

    body = fresh.page.get("/").content.decode()

    assert steps_of(body) == {**dict.fromkeys(ADMIN_STEPS, False), "branch": True}
    assert "<strong>1 of 5 done</strong>" in body
    assert body.count('<span class="onboarding-state">Done</span>') == 1  # said in words, not by colour
    assert body.count("Not done yet") == 4
    assert '<a class="button primary" href="/manage/branches/new/">New branch</a>' not in body


def test_inviting_someone_ticks_the_people_step_while_the_invitation_is_pending(fresh):
    from apps.accounts.services import user_invite

    with in_fresh(fresh):
        invitation = user_invite(actor=fresh.admin, email="new.teacher@example.com", roles=())

    assert invitation.user.status == "invited"
    assert api_steps(fresh.api) == {**dict.fromkeys(ADMIN_STEPS, False), "people": True}


def test_importing_people_ticks_the_people_step(fresh, django_capture_on_commit_callbacks):
    from apps.hierarchy.services import branch_create
    from apps.imports.services import import_create

    with in_fresh(fresh):
        branch_create(actor=fresh.admin, name="Main Campus", code="main")
        with django_capture_on_commit_callbacks(execute=True):
            import_create(
                actor=fresh.admin,
                filename="people.csv",
                content=b"email,name,role,branch\nlearner@example.com,A Learner,student,main\n",
            )

    assert api_steps(fresh.api) == {**dict.fromkeys(ADMIN_STEPS, False), "branch": True, "people": True}


def test_creating_a_course_ticks_the_course_step_and_publishing_it_the_next(fresh):
    with in_fresh(fresh):
        course = build_course(fresh.admin)

    assert api_steps(fresh.api) == {**dict.fromkeys(ADMIN_STEPS, False), "course": True}

    from apps.courses import services

    with in_fresh(fresh):
        module = services.module_create(actor=fresh.admin, course=course, title="Welcome")
        services.content_create(actor=fresh.admin, module=module, kind="text", title="Hello", body="Hi")
        services.course_publish(actor=fresh.admin, course=course)

    assert api_steps(fresh.api) == {**dict.fromkeys(ADMIN_STEPS, False), "course": True, "publish": True}


def test_when_every_step_is_done_the_checklist_collapses_to_youre_set_up(fresh):
    from apps.accounts.services import RoleSpec, user_invite
    from apps.hierarchy.services import branch_create

    with in_fresh(fresh):
        branch = branch_create(actor=fresh.admin, name="Main Campus", code="main")
        learner = user_invite(
            actor=fresh.admin,
            email="learner@example.com",
            roles=[RoleSpec(role="student", branch_id=branch.pk)],
        ).user
        build_course(fresh.admin, publish=True, enroll=[learner])

    body = fresh.page.get("/").content.decode()

    assert "You're set up" in body
    assert "All 5 getting-started steps are done (5 of 5 done)." in body
    assert ">Dismiss</button>" in body
    assert "Not done yet" not in body
    assert steps_of(body) == {}  # collapsed: the steps are one click away, on the checklist's page
    data = fresh.api.get("/api/v1/onboarding").json()["data"]
    assert (data["done_count"], data["total"], data["complete"], data["dismissed"]) == (5, 5, True, False)
    assert steps_of(fresh.page.get("/manage/onboarding/").content.decode()) == {}  # the page collapses too


def test_undoing_a_step_unticks_it(fresh):
    from apps.hierarchy.services import branch_create, branch_delete

    with in_fresh(fresh):
        branch = branch_create(actor=fresh.admin, name="Main Campus", code="main")
        branch_delete(actor=fresh.admin, branch=branch)

    assert api_steps(fresh.api)["branch"] is False


def test_dismissing_hides_the_checklist_from_that_persons_dashboard_only(fresh):
    from apps.accounts.services import user_invite

    with in_fresh(fresh):
        co_admin = signed_up(
            user_invite(actor=fresh.admin, email="co-admin@example.com", roles=["org_admin"])
        )

    response = fresh.page.post("/manage/onboarding/", {"action": "dismiss", "next": "dashboard"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    body = fresh.page.get("/").content.decode()
    assert 'id="onboarding"' not in body
    assert "Hide this checklist" not in body
    assert 'href="/manage/onboarding/">Getting started</a>' in body  # still reachable
    other = browser_for(fresh.organization, co_admin).get("/").content.decode()
    assert 'id="onboarding"' in other


def test_a_hidden_checklist_stays_on_its_page_and_can_come_back(fresh):
    fresh.page.post("/manage/onboarding/", {"action": "dismiss"})

    page = fresh.page.get("/manage/onboarding/").content.decode()
    assert "Hidden from your dashboard" in page
    assert accessibility_problems(page) == []
    assert "<strong>0 of 5 done</strong>" in page
    response = fresh.page.post("/manage/onboarding/", {"action": "restore"})

    assert response.status_code == 302
    assert response["Location"] == "/manage/onboarding/"
    assert 'id="onboarding"' in fresh.page.get("/").content.decode()


def test_dismissing_twice_changes_nothing(fresh):
    from apps.hierarchy.models import OnboardingDismissal

    fresh.page.post("/manage/onboarding/", {"action": "dismiss"})
    fresh.page.post("/manage/onboarding/", {"action": "dismiss"})

    with in_fresh(fresh):
        assert list(OnboardingDismissal.objects.values_list("user_id", "checklist")) == [
            (fresh.admin.pk, "organization")
        ]


def test_an_unknown_action_is_a_400_page_that_changes_nothing(fresh):
    from apps.hierarchy.models import OnboardingDismissal

    response = fresh.page.post("/manage/onboarding/", {"action": "explode"})

    assert response.status_code == 400
    assert "Choose to hide the checklist or to show it again." in response.content.decode()
    with in_fresh(fresh):
        assert not OnboardingDismissal.objects.exists()


def test_the_acme_test_org_has_its_branches_and_people_but_no_course_yet(admin):
    body = admin.get("/").content.decode()

    assert steps_of(body) == {
        "branch": True,
        "people": True,
        "course": False,
        "publish": False,
        "enroll": False,
    }
    assert "<strong>2 of 5 done</strong>" in body


# --- Branch Managers --------------------------------------------------------------------------------------


def test_a_branch_manager_gets_their_branchs_checklist(acme, acme_admin):
    from apps.accounts.services import RoleSpec, user_invite
    from apps.hierarchy.services import branch_create

    with schema_context("acme"):
        east = branch_create(actor=acme_admin, name="East Campus", code="east")
        east_manager = signed_up(
            user_invite(
                actor=acme_admin,
                email="east-manager@acme.example.com",
                roles=[RoleSpec(role="branch_manager", branch_id=east.pk)],
            )
        )

    body = browser_for(acme, east_manager).get("/").content.decode()

    assert "Get your branch started" in body
    assert "<strong>0 of 3 done</strong>" in body
    assert steps_of(body) == dict.fromkeys(MANAGER_STEPS, False)
    assert f'href="/manage/classes/new/?branch={east.pk}">New class</a>' in body
    assert f'href="/manage/people/invite/?branch={east.pk}">Invite someone</a>' in body
    assert "New branch" not in body  # not theirs to do


def test_a_branch_managers_steps_tick_from_their_branch_only(acme, acme_admin):
    from apps.accounts.services import RoleSpec, user_invite
    from apps.hierarchy.services import branch_create, class_create

    with schema_context("acme"):
        east = branch_create(actor=acme_admin, name="East Campus", code="east")
        east_manager = signed_up(
            user_invite(
                actor=acme_admin,
                email="east-manager@acme.example.com",
                roles=[RoleSpec(role="branch_manager", branch_id=east.pk)],
            )
        )
        api = client_for("acme", token=jwt_for(acme, east_manager))
        assert api_steps(api) == dict.fromkeys(MANAGER_STEPS, False)  # north's classes and people don't count

        school_class = class_create(actor=east_manager, branch=east, name="Art 1")
        assert api_steps(api) == {"class": True, "people": False, "class_members": False}

        user_invite(
            actor=east_manager,
            email="east-student@acme.example.com",
            roles=[RoleSpec(role="student", branch_id=east.pk, school_class_id=school_class.pk)],
        )
    assert api_steps(api) == dict.fromkeys(MANAGER_STEPS, True)
    assert "You're set up" in browser_for(acme, east_manager).get("/").content.decode()


def test_teachers_and_students_have_no_checklist(acme, as_role):
    for role in ("teacher", "student"):
        client = as_role(role)

        assert 'id="onboarding"' not in client.get("/").content.decode()
        response = client.get("/manage/onboarding/")
        assert response.status_code == 403
        assert (
            "Only Org Admins and Branch Managers have a getting-started checklist."
            in response.content.decode()
        )


# --- the API ----------------------------------------------------------------------------------------------


def test_the_api_gives_codes_labels_done_flags_and_absolute_urls(fresh):
    response = fresh.api.get("/api/v1/onboarding")

    data = response.json()["data"]
    assert response.status_code == 200
    assert (data["kind"], data["done_count"], data["total"], data["complete"]) == (
        "organization",
        0,
        5,
        False,
    )
    first = data["steps"][0]
    assert first == {
        "code": "branch",
        "label": "Add a branch",
        "hint": "Branches group your classes and people, for example one per campus or site.",
        "done": False,
        "url": "http://freshstart.learnstack.test/manage/branches/new/",
        "links": [{"label": "New branch", "url": "http://freshstart.learnstack.test/manage/branches/new/"}],
    }
    assert [step["code"] for step in data["steps"]] == ADMIN_STEPS


def test_dismiss_and_restore_over_the_api_act_on_the_dashboard(fresh):
    dismissed = fresh.api.post("/api/v1/onboarding/dismiss")

    assert dismissed.status_code == 200
    assert dismissed.json()["data"]["dismissed"] is True
    assert 'id="onboarding"' not in fresh.page.get("/").content.decode()

    restored = fresh.api.post("/api/v1/onboarding/restore")

    assert restored.json()["data"]["dismissed"] is False
    assert 'id="onboarding"' in fresh.page.get("/").content.decode()


@pytest.mark.parametrize("role", ["teacher", "student"])
def test_other_roles_are_refused_by_the_api(acme, role):
    client = client_for("acme", token=jwt_for(acme, person(acme, role)))

    for method, path in (("get", "/api/v1/onboarding"), ("post", "/api/v1/onboarding/dismiss")):
        response = getattr(client, method)(path)
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "PERMISSION_DENIED"
        assert error["message"] == "Only Org Admins and Branch Managers have a getting-started checklist."


def test_the_manager_api_gives_the_branch_checklist(acme, acme_manager):
    data = client_for("acme", token=jwt_for(acme, acme_manager)).get("/api/v1/onboarding").json()["data"]

    assert data["kind"] == "branch"
    assert [(s["code"], s["done"]) for s in data["steps"]] == [
        ("class", True),
        ("people", True),
        ("class_members", True),
    ]


# --- cost -------------------------------------------------------------------------------------------------


def test_the_checklist_is_read_in_one_query(fresh, django_assert_num_queries):
    from apps.accounts.permissions import scope_of
    from apps.hierarchy.onboarding import onboarding_checklist

    with in_fresh(fresh):
        scope_of(fresh.admin)  # the viewer's roles: read once per request, whatever the page shows
        with django_assert_num_queries(1):
            checklist = onboarding_checklist(viewer=fresh.admin)

    assert checklist.progress_label == "0 of 5 done"


@pytest.mark.parametrize(("role", "most"), [("org_admin", 14), ("branch_manager", 10)])
def test_the_dashboard_with_its_checklist_stays_within_a_fixed_number_of_queries(
    as_role, role, most, django_assert_max_num_queries
):
    # Measured: 13 for the Org Admin, 9 for the Branch Manager, the checklist's one query included.
    client = as_role(role)
    client.get("/")  # warm up (session, caches)
    with django_assert_max_num_queries(most):
        small = client.get("/")
    add_students(30, prefix="many")

    with django_assert_max_num_queries(most):
        large = client.get("/")

    assert small.status_code == large.status_code == 200
    assert 'id="onboarding"' in large.content.decode()


# --- the import template ----------------------------------------------------------------------------------


def rows_of_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_template_header_is_what_the_import_reads(admin):
    from apps.imports.parsing import COLUMN_ALIASES, REQUIRED_COLUMNS, SourceRow, parse_people_file

    response = admin.get("/manage/imports/template.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="people-import-template.csv"'
    header, example = rows_of_csv(response.content)
    assert header == ["email", "name", "role", "branch", "class"]
    assert example == ["ada.lovelace@example.com", "Ada Lovelace", "student", "north", "Algebra 1"]
    # Every column the import reads is in the header, under a name it accepts, the required ones included.
    read = {COLUMN_ALIASES[name] for name in header}
    assert read == {f for f in SourceRow.__dataclass_fields__ if f != "number"}
    assert set(REQUIRED_COLUMNS) <= read
    parsed = parse_people_file(filename="people-import-template.csv", content=response.content)
    assert parsed.rows[0].branch == "north"
    assert parsed.rows[0].class_name == "Algebra 1"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_template_imports_cleanly_through_the_import_service(
    acme, acme_admin, admin, file_format, django_capture_on_commit_callbacks
):
    from apps.imports.models import ImportJob
    from apps.imports.services import import_create

    content = admin.get(f"/manage/imports/template.{file_format}").content

    with schema_context("acme"), django_capture_on_commit_callbacks(execute=True):
        job = import_create(
            actor=acme_admin, filename=f"people-import-template.{file_format}", content=content
        )
    with schema_context("acme"):
        job = ImportJob.objects.get(pk=job.pk)
        assert (job.status, job.total_rows, job.created_count, job.failed_count) == ("completed", 1, 1, 0)
        assert job.file_format == file_format


def test_a_branch_managers_template_names_their_branch_and_imports_for_them(
    acme, acme_manager, manager, django_capture_on_commit_callbacks
):
    from apps.imports.models import ImportJob
    from apps.imports.services import import_create

    response = client_for("acme", token=jwt_for(acme, acme_manager)).get("/api/v1/imports/template")
    _header, example = rows_of_csv(response.content)
    assert example[3] == "north"

    with schema_context("acme"), django_capture_on_commit_callbacks(execute=True):
        job = import_create(actor=acme_manager, filename="template.csv", content=response.content)
    with schema_context("acme"):
        assert ImportJob.objects.get(pk=job.pk).failed_count == 0


def test_the_xlsx_template_has_the_same_rows(admin):
    import openpyxl

    response = admin.get("/manage/imports/template.xlsx")

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows == [
        ["email", "name", "role", "branch", "class"],
        ["ada.lovelace@example.com", "Ada Lovelace", "student", "north", "Algebra 1"],
    ]


def test_the_import_page_links_to_both_templates(admin):
    body = admin.get("/manage/imports/").content.decode()

    assert '<a href="/manage/imports/template.csv" download>Download the CSV template</a>' in body
    assert '<a href="/manage/imports/template.xlsx" download>Excel (.xlsx) template</a>' in body


def test_the_template_is_for_importers_only(acme, as_role):
    teacher = as_role("teacher")

    assert teacher.get("/manage/imports/template.csv").status_code == 403
    api = client_for("acme", token=jwt_for(acme, person(acme, "student")))
    response = api.get("/api/v1/imports/template")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"


def test_an_unknown_template_format_is_a_400_with_the_field(acme_admin_client):
    response = acme_admin_client.get("/api/v1/imports/template?file_format=pdf")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"] == {"file_format": ["Choose one of: csv, xlsx."]}


def test_an_org_without_a_branch_gets_a_placeholder_branch_in_its_template(fresh):
    _header, example = rows_of_csv(fresh.api.get("/api/v1/imports/template").content)

    assert example == ["ada.lovelace@example.com", "Ada Lovelace", "student", "main", ""]


def test_a_body_that_is_not_an_object_is_a_400_and_hides_nothing(fresh):
    response = fresh.api.post("/api/v1/onboarding/dismiss", ["not", "an", "object"], format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert fresh.api.get("/api/v1/onboarding").json()["data"]["dismissed"] is False


def test_the_api_serves_the_xlsx_template_too(acme_admin_client):
    response = acme_admin_client.get("/api/v1/imports/template?file_format=xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="people-import-template.xlsx"'
    assert response.content.startswith(b"PK\x03\x04")
