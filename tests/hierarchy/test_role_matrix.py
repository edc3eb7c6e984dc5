"""Each role against objects in its own scope (north, Algebra 1, student@) and outside it (south, Biology 1,
south-student@): the exact status, and nothing of the foreign object in the body.

A role that may never do an action is refused with 403 whatever the id; a role that may do it somewhere gets
404 for objects it cannot see, exactly as for objects that do not exist.
"""

import pytest

ROLES = ("org_admin", "branch_manager", "teacher", "student")
BRANCHES = "/api/v1/organizations/{org}/branches"

# (method, path, body, expected status for org_admin, branch_manager, teacher, student)
OWN_SCOPE = [
    ("GET", BRANCHES + "/{north}", None, (200, 200, 200, 200)),
    ("PATCH", BRANCHES + "/{north}", {"address": "1 Main St"}, (200, 200, 403, 403)),
    ("DELETE", BRANCHES + "/{north}", None, (409, 403, 403, 403)),  # it still has a class
    ("GET", BRANCHES + "/{north}/settings", None, (200, 200, 200, 200)),
    ("PUT", BRANCHES + "/{north}/settings", {"welcome_text": "Hi"}, (200, 200, 403, 403)),
    ("GET", BRANCHES + "/{north}/users", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/classes/{algebra}", None, (200, 200, 200, 200)),
    ("PATCH", "/api/v1/classes/{algebra}", {"description": "x"}, (200, 200, 403, 403)),
    ("GET", "/api/v1/classes/{algebra}/members", None, (200, 200, 200, 200)),
    ("GET", "/api/v1/users/{student}", None, (200, 200, 200, 200)),
    ("PATCH", "/api/v1/users/{student}", {"full_name": "Sam"}, (200, 200, 403, 200)),
    ("GET", "/api/v1/users/{student}/profile", None, (200, 200, 403, 200)),
    ("PUT", "/api/v1/users/{student}/profile", {"full_name": "Sam"}, (200, 200, 403, 200)),
    ("DELETE", "/api/v1/users/{student}", None, (204, 204, 403, 403)),
    ("POST", "/api/v1/users/{student}/reactivate", None, (200, 200, 403, 403)),
]

FOREIGN_SCOPE = [
    ("GET", BRANCHES + "/{south}", None, (200, 404, 404, 404)),
    ("PATCH", BRANCHES + "/{south}", {"address": "1 Main St"}, (200, 404, 403, 403)),
    ("DELETE", BRANCHES + "/{south}", None, (409, 403, 403, 403)),
    ("GET", BRANCHES + "/{south}/settings", None, (200, 404, 404, 404)),
    ("PUT", BRANCHES + "/{south}/settings", {"welcome_text": "Hi"}, (200, 404, 403, 403)),
    ("GET", BRANCHES + "/{south}/users", None, (200, 404, 404, 404)),
    ("POST", BRANCHES + "/{south}/users", {"user_id": "{student}", "role": "student"}, (201, 404, 403, 403)),
    ("GET", "/api/v1/classes/{biology}", None, (200, 404, 404, 404)),
    ("PATCH", "/api/v1/classes/{biology}", {"description": "x"}, (200, 404, 403, 403)),
    ("DELETE", "/api/v1/classes/{biology}", None, (204, 404, 403, 403)),
    ("GET", "/api/v1/classes/{biology}/members", None, (200, 404, 404, 404)),
    (
        "POST",
        "/api/v1/classes/{biology}/members",
        {"user_id": "{student}", "role": "student"},
        (201, 404, 403, 403),
    ),
    ("DELETE", "/api/v1/classes/{biology}/members/{south_student}", None, (204, 404, 403, 403)),
    ("GET", "/api/v1/users/{south_student}", None, (200, 404, 404, 404)),
    ("PATCH", "/api/v1/users/{south_student}", {"full_name": "Sam"}, (200, 404, 404, 404)),
    ("GET", "/api/v1/users/{south_student}/profile", None, (200, 404, 404, 404)),
    ("DELETE", "/api/v1/users/{south_student}", None, (204, 404, 403, 403)),
    (
        "POST",
        "/api/v1/users/{south_student}/roles",
        {"role": "student", "class": "{algebra}"},
        (201, 404, 403, 403),
    ),
    # An active person has no invitation to resend.
    ("POST", "/api/v1/users/{south_student}/invitation", None, (400, 404, 403, 403)),
]

# What a response about south's objects must never show to someone who cannot see them.
SOUTH_MARKERS = ("South Campus", "south-", "Biology")


def _fill(value, ids):
    if isinstance(value, str):
        filled = value.format(**vars(ids))
        return int(filled) if filled.isdigit() and value.startswith("{") else filled
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    return value


def _cases(table):
    return [
        pytest.param(method, path, body, role, expected, id=f"{role} {method} {path}")
        for method, path, body, statuses in table
        for role, expected in zip(ROLES, statuses, strict=True)
    ]


def _call(clients, role, method, path, body, ids):
    client = clients[role]
    return getattr(client, method.lower())(_fill(path, ids), _fill(body, ids), format="json")


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), _cases(OWN_SCOPE))
def test_own_scope(clients, ids, method, path, body, role, expected):
    response = _call(clients, role, method, path, body, ids)

    assert response.status_code == expected, response.content
    if expected == 403:
        assert response.json()["error"]["code"] == "PERMISSION_DENIED"


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), _cases(FOREIGN_SCOPE))
def test_foreign_scope(clients, ids, method, path, body, role, expected):
    response = _call(clients, role, method, path, body, ids)

    assert response.status_code == expected, response.content
    if expected == 404:
        assert response.json()["error"] == {"code": "NOT_FOUND", "message": "Not found.", "details": {}}
    if role != "org_admin":
        body_text = response.content.decode()
        assert [marker for marker in SOUTH_MARKERS if marker in body_text] == []


@pytest.mark.parametrize("role", ["branch_manager", "teacher", "student"])
def test_a_foreign_object_answers_exactly_like_a_missing_one(clients, ids, role):
    client = clients[role]
    paths = [
        ("/api/v1/users/{}", ids.south_student),
        ("/api/v1/classes/{}", ids.biology),
        (f"/api/v1/organizations/{ids.org}/branches/{{}}", ids.south),
    ]

    for path, foreign_id in paths:
        foreign, missing = client.get(path.format(foreign_id)), client.get(path.format(999_999))

        assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())


def _emails(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {person["email"] for person in response.json()["data"]}


ACME = {
    "orgadmin@acme.example.com",
    "manager@acme.example.com",
    "teacher@acme.example.com",
    "student@acme.example.com",
    "south-teacher@acme.example.com",
    "south-student@acme.example.com",
}


def test_org_admin_lists_everyone(admin_api):
    assert _emails(admin_api.get("/api/v1/users?per_page=100")) == ACME


def test_branch_manager_lists_only_their_branchs_people(manager_api):
    assert _emails(manager_api.get("/api/v1/users")) == {
        "manager@acme.example.com",
        "teacher@acme.example.com",
        "student@acme.example.com",
    }


def test_teacher_lists_only_the_people_of_algebra_1(teacher_api):
    response = teacher_api.get("/api/v1/users")

    assert _emails(response) == {"teacher@acme.example.com", "student@acme.example.com"}
    assert "South" not in response.content.decode()


def test_student_lists_only_themselves(student_api):
    response = student_api.get("/api/v1/users")

    assert _emails(response) == {"student@acme.example.com"}
    assert response.json()["meta"]["total"] == 1


def test_each_role_lists_only_the_branches_and_classes_it_belongs_to(clients, ids):
    seen = {
        role: (
            [b["code"] for b in client.get(f"/api/v1/organizations/{ids.org}/branches").json()["data"]],
            [c["name"] for c in client.get("/api/v1/classes").json()["data"]],
        )
        for role, client in clients.items()
    }

    assert seen == {
        "org_admin": (["north", "south"], ["Algebra 1", "Biology 1"]),
        "branch_manager": (["north"], ["Algebra 1"]),
        "teacher": (["north"], ["Algebra 1"]),
        "student": (["north"], ["Algebra 1"]),
    }


def test_roles_in_another_branch_are_not_shown_to_those_who_cannot_see_it(acme, ids, admin_api, manager_api):
    # The north student also learns in south's Biology 1; north's manager sees them, but not that role.
    granted = admin_api.post(
        f"/api/v1/users/{ids.student}/roles", {"role": "student", "class": ids.biology}, format="json"
    )

    as_manager = manager_api.get(f"/api/v1/users/{ids.student}").json()["data"]
    as_admin = admin_api.get(f"/api/v1/users/{ids.student}").json()["data"]

    assert granted.status_code == 201
    assert [(r["role"], r["class"]["name"]) for r in as_manager["roles"]] == [("student", "Algebra 1")]
    assert sorted(r["class"]["name"] for r in as_admin["roles"]) == ["Algebra 1", "Biology 1"]
