"""Response headers every answer must carry: a Content-Security-Policy on every HTML page that allows no
inline script (and the pages really contain none), and `Cache-Control: no-store` on every API answer to a
request that carries credentials.

The page walk goes through every page of the isolation registry (tests/isolation/registry.py) as each role,
the sign-in and error pages of both hosts, the console and the API docs."""

import re
from html.parser import HTMLParser

import pytest
from django.test import RequestFactory
from django_tenants.utils import schema_context

from tests.conftest import browser_for, client_for, host_of, in_org, jwt_for, person
from tests.isolation.registry import PAGES, fill, targets

JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
VIDEO_PLAYERS = {"https://www.youtube-nocookie.com", "https://player.vimeo.com", "https://www.loom.com"}


def policy_of(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.status_code} {response.get('Content-Type')}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def policy_problems(response) -> list[str]:
    """What is wrong with the page's policy (empty when it is the strict one)."""
    policy = policy_of(response)
    problems = []
    if policy.get("default-src") != ["'self'"]:
        problems.append(f"default-src {policy.get('default-src')}")
    script_src = policy.get("script-src", [])
    if script_src[:1] != ["'self'"] or {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(script_src):
        problems.append(f"script-src {script_src}")
    if "'unsafe-inline'" in policy.get("style-src", []):
        problems.append("style-src allows 'unsafe-inline'")
    for directive, expected in (("object-src", ["'none'"]), ("frame-ancestors", ["'none'"])):
        if policy.get(directive) != expected:
            problems.append(f"{directive} {policy.get(directive)}")
    for directive in ("base-uri", "form-action"):
        if policy.get(directive) != ["'self'"]:
            problems.append(f"{directive} {policy.get(directive)}")
    if set(policy.get("frame-src", [])) != VIDEO_PLAYERS:
        problems.append(f"frame-src {policy.get('frame-src')}")
    return problems


class InlineCode(HTMLParser):
    """Collects what a strict policy would block: inline scripts, event-handler attributes, javascript:
    URLs, style attributes, and <style> blocks without the response's nonce."""

    def __init__(self, nonce: str | None):
        super().__init__()
        self.nonce = nonce
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")
        script_type = (attributes.get("type") or "").strip().lower()
        if tag == "script" and not attributes.get("src") and script_type in JS_TYPES:
            self.found.append("<script> without src")
        if tag == "style" and (not self.nonce or attributes.get("nonce") != self.nonce):
            self.found.append("<style> without the response's nonce")


def nonce_of(response) -> str | None:
    match = re.search(r"'nonce-([^']+)'", response.get("Content-Security-Policy", ""))
    return match.group(1) if match else None


def page_problems(response) -> list[str]:
    """[] for an HTML answer with a strict policy and no inline code; non-HTML answers are not pages."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    parser = InlineCode(nonce_of(response))
    parser.feed(response.content.decode())
    return policy_problems(response) + parser.found


def walk(client, paths) -> dict[str, object]:
    """{path: what is wrong} for every path whose answer is a page with a problem."""
    found = {}
    for path in paths:
        response = client.get(path)
        if response.status_code >= 500:
            found[path] = f"status {response.status_code}"
        elif problems := page_problems(response):
            found[path] = problems
    return found


# --- the Content-Security-Policy ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["orgadmin", "manager", "teacher", "student"])
def test_every_organization_page_has_a_strict_policy_and_no_inline_code(acme, role):
    values = targets(acme)
    viewer = person(acme, role)
    paths = [fill(page.path, values) for page in PAGES]

    assert walk(browser_for(acme, viewer), paths) == {}


def test_pages_for_visitors_who_are_not_signed_in_have_a_strict_policy(acme):
    values = targets(acme)
    public = [fill(page.path, values) for page in PAGES if page.public]

    assert walk(browser_for(acme), [*public, "/accounts/login/", "/no-such-page/"]) == {}


def test_console_pages_have_a_strict_policy(acme, operator):
    paths = [
        "/console/",
        "/console/organizations/new/",
        f"/console/organizations/{acme.pk}/",
        "/console/organizations/999999/",
        "/no-such-page/",
    ]

    assert walk(browser_for(None, operator), paths) == {}
    assert walk(browser_for(None), ["/console/login/", "/admin/login/"]) == {}


@pytest.mark.parametrize("slug", [None, "acme"])
def test_api_docs_pages_have_a_strict_policy(acme, slug):
    client = client_for(slug)

    swagger = client.get("/api/v1/docs/")
    redoc = client.get("/api/v1/redoc/")

    assert swagger.status_code == redoc.status_code == 200
    assert page_problems(swagger) == []
    assert page_problems(redoc) == []


def test_swagger_ui_starts_from_a_script_file_that_points_at_this_hosts_schema(acme):
    client = client_for("acme")
    html = client.get("/api/v1/docs/").content.decode()

    scripts = re.findall(r'<script src="([^"]+)"', html)
    start = [src for src in scripts if src.startswith("/api/v1/docs/")]
    script = client.get(start[0].replace("&amp;", "&"))

    assert len(start) == 1
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert 'url: "/api/v1/schema/"' in script.content.decode()


def test_error_pages_of_organizations_in_trouble_have_a_strict_policy(acme, globex):
    from tenants.services import organization_archive, organization_suspend

    organization_suspend(organization=acme)
    organization_archive(organization=globex)
    suspended = browser_for(acme).get("/")
    archived_write = browser_for(globex, person(globex, "teacher")).post("/courses/new/", {"title": "x"})
    unknown = client_for(None).get("/", HTTP_HOST="nobody.example.org")

    assert suspended.status_code == 403
    assert page_problems(suspended) == []
    assert archived_write.status_code == 403
    assert page_problems(archived_write) == []
    assert unknown.status_code in (400, 404)
    assert page_problems(unknown) == []


def test_the_server_error_page_has_a_strict_policy():
    from csp.middleware import CSPMiddleware

    from apps.core.views import server_error

    middleware = CSPMiddleware(server_error)
    request = RequestFactory().get("/", HTTP_HOST=host_of(None))
    middleware.process_request(request)
    response = middleware.process_response(request, server_error(request))

    assert response.status_code == 500
    assert page_problems(response) == []


def test_the_brand_colour_is_set_by_a_style_block_that_carries_the_nonce(acme):
    from apps.hierarchy.models import Branch

    with in_org(acme):
        acme.settings.primary_color = "#aa3300"
        acme.settings.save()
        north = Branch.objects.get(code="north")
        north.primary_color = "#114477"
        north.save()
    admin = browser_for(acme, person(acme, "orgadmin"))

    home = admin.get("/")
    branch = admin.get(f"/manage/branches/{north.pk}/")

    nonce = nonce_of(home)
    assert nonce
    assert (
        f'<style nonce="{nonce}">:root {{ --brand: #aa3300; --brand-text: #ffffff; --brand-ink: #aa3300; }}</style>'
        in home.content.decode()
    )
    assert (
        f'<style nonce="{nonce_of(branch)}">:root {{ --brand: #114477; --brand-text: #ffffff; '
        "--brand-ink: #114477; }</style>" in branch.content.decode()
    )
    assert nonce_of(branch) != nonce
    assert page_problems(branch) == []


def test_uploaded_files_keep_their_own_sandboxed_policy(acme):
    from apps.courses.models import MediaFile

    values = targets(acme)
    with schema_context(acme.schema_name):
        media = MediaFile.objects.get(pk=values["media_id"])
        course_id = values["course_id"]
    response = browser_for(acme, person(acme, "orgadmin")).get(f"/courses/{course_id}/media/{media.pk}/")

    assert response.status_code == 200
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


# --- Cache-Control on authenticated API answers -------------------------------------------------------------


def api_key_for(organization) -> str:
    from apps.apikeys.services import api_key_create

    with in_org(organization):
        admin = person(organization, "orgadmin")
        return api_key_create(actor=admin, name="cache test", scopes=["users:read", "courses:read"]).raw_key


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/auth/me",
        "/api/v1/users",
        "/api/v1/courses",
        "/api/v1/courses/999999",  # 404
        "/api/v1/audit-log",  # 403 for a student
        "/api/v1/no-such-endpoint",
    ],
)
def test_api_answers_to_a_token_are_never_stored(acme, path):
    client = client_for("acme", token=jwt_for(acme, person(acme, "student")))

    response = client.get(path)

    assert response["Cache-Control"] == "no-store"


def test_api_answers_to_a_wrong_token_are_never_stored(acme):
    client = client_for("acme", token="not-a-token")

    response = client.get("/api/v1/users")

    assert response.status_code == 401
    assert response["Cache-Control"] == "no-store"


def test_api_answers_to_an_api_key_are_never_stored(acme):
    key = api_key_for(acme)
    by_header = client_for("acme")
    by_header.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    by_x_header = client_for("acme")
    by_x_header.credentials(HTTP_X_API_KEY=key)

    assert by_header.get("/api/v1/users")["Cache-Control"] == "no-store"
    assert by_x_header.get("/api/v1/courses")["Cache-Control"] == "no-store"


def test_api_answers_to_a_session_are_never_stored(acme):
    session = browser_for(acme, person(acme, "teacher"))

    response = session.get("/api/v1/courses")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_api_answers_on_the_platform_host_to_an_operator_are_never_stored(operator_client):
    response = operator_client.get("/api/v1/organizations")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_an_api_download_to_a_token_is_not_kept_in_a_private_cache_either(acme):
    values = targets(acme)
    client = client_for("acme", token=jwt_for(acme, person(acme, "orgadmin")))

    response = client.get(f"/api/v1/media/{values['media_id']}/download")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_anonymous_api_answers_keep_their_defaults(acme):
    response = client_for("acme").get("/api/v1/schema/")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_an_answer_the_tenant_middleware_makes_is_not_stored_either(acme):
    from tenants.services import organization_suspend

    client = client_for("acme", token=jwt_for(acme, person(acme, "student")))
    organization_suspend(organization=acme)

    response = client.get("/api/v1/courses")

    assert response.status_code == 403
    assert response["Cache-Control"] == "no-store"
