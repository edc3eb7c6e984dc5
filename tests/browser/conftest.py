"""Real-browser tests: headless Chromium (Debian's `chromium` package) driven by Playwright against
pytest-django's live server.

    CI=true pytest -m browser          # installs chromium with apt-get if missing (as root); must run
    LEARNSTACK_INSTALL_BROWSER=1 ...   # the same outside CI
    pytest -m browser                  # outside CI: skipped, with the reason printed, if it cannot run

They need committed data (transactional_db), and transactional tests TRUNCATE the public tables after each
test: the session's acme/globex rows and the plans from migration tenants/0002 are gone afterwards while
their schemas remain. So these tests recreate what they need (plans, the platform's own tenant row, an
operator, organizations with unique slugs), and run in their own pytest process (`pytest -m browser`);
should they be collected together with other tests they are moved to the end of the run.

The browser reaches http://learnstack.test:PORT/ and http://{slug}.learnstack.test:PORT/ on the live
server through --host-resolver-rules, so hosts route exactly as in production.
"""

import importlib
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in the test's thread; Django refuses ORM calls from a thread
# with a running loop unless told that this is deliberate. Only the browser tests set this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("LEARNSTACK_CHROMIUM", "/usr/bin/chromium")  # Debian's package puts it here
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * 127.0.0.1",
]
OPERATOR_EMAIL = "operator@example.com"
PASSWORD = "correct horse battery staple"
SCREENSHOT_DIR = os.environ.get("LEARNSTACK_SCREENSHOT_DIR", "/tmp")  # noqa: S108 - screenshots for people


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _must_run() -> bool:
    return _flag("CI")


def _cannot_run(reason: str):
    """In CI a browser test that cannot run is a failure; elsewhere it is skipped, saying why."""
    if _must_run():
        pytest.fail(f"browser tests must run in CI: {reason}", pytrace=False)
    print(f"\nSkipping browser tests: {reason}")
    pytest.skip(reason)


def pytest_collection_modifyitems(session, config, items):
    # Transactional browser tests truncate the public tables when they finish: run them after the others.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def _install_chromium() -> str | None:
    """apt-get install chromium. Returns None on success, else why it did not work."""
    if os.name != "posix" or os.geteuid() != 0:
        return "not running as root, so chromium cannot be installed (apt-get install chromium)"
    if shutil.which("apt-get") is None:
        return "apt-get is not available to install chromium"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    lock_wait = ["-o", "DPkg::Lock::Timeout=600"]  # another process may be using apt/dpkg right now
    for command in (["apt-get", *lock_wait, "update"], ["apt-get", *lock_wait, "install", "-y", "chromium"]):
        print(f"\n$ {' '.join(command)}")
        try:
            completed = subprocess.run(
                command,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{' '.join(command)} failed: {exc}"
        if completed.returncode != 0:
            return f"{' '.join(command)} exited {completed.returncode}: {completed.stderr.strip()[-500:]}"
    return None if os.path.exists(CHROMIUM) else f"chromium was installed but {CHROMIUM} is missing"


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    if not os.path.exists(CHROMIUM):
        if _must_run() or _flag("LEARNSTACK_INSTALL_BROWSER"):
            problem = _install_chromium()
            if problem:
                _cannot_run(problem)
        else:
            _cannot_run(
                f"{CHROMIUM} is missing; install Debian's chromium package, or set "
                "LEARNSTACK_INSTALL_BROWSER=1 (as root) to let the tests install it"
            )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_executable):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _cannot_run(f"the playwright package is not installed ({exc})")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
            )
        except Exception as exc:  # a broken install: say so instead of a traceback from deep inside
            _cannot_run(f"{chromium_executable} did not start: {exc}")
        yield chromium
        chromium.close()


@dataclass(frozen=True)
class Server:
    """The live server as the browser sees it: BASE_DOMAIN and organization hosts on the server's port."""

    port: int
    base_host: str

    def url(self, path: str = "/", slug: str | None = None) -> str:
        host = self.base_host if slug is None else f"{slug}.{self.base_host}"
        return f"http://{host}:{self.port}{path}"


@pytest.fixture
def server(live_server, transactional_db, settings) -> Server:
    """Everything the browser needs in the (possibly truncated) database, and settings that produce links
    with the live server's port (invitation links, "ready at" messages)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from tenants.models import Plan
    from tenants.template import ensure_public_tenant

    port = urlsplit(live_server.url).port
    settings.BASE_DOMAIN = f"{settings.BASE_HOST}:{port}"
    # The browser asks for learnstack.test:PORT and {slug}.learnstack.test:PORT (the live server itself
    # listens on localhost); Django compares hosts without the port.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, settings.BASE_HOST, f".{settings.BASE_HOST}"]
    connection.set_schema_to_public()
    plans = importlib.import_module("tenants.migrations.0002_default_plans").PLANS
    for spec in plans:
        Plan.objects.get_or_create(code=spec["code"], defaults=spec)
    ensure_public_tenant()
    User = get_user_model()
    if not User.objects.filter(email=OPERATOR_EMAIL).exists():
        User.objects.create_superuser(OPERATOR_EMAIL, PASSWORD, full_name="Browser Operator")
    return Server(port=port, base_host=settings.BASE_HOST)


@pytest.fixture
def provisioned(server):
    """provisioned(plan="starter") -> a fresh organization with a unique slug (old schemas outlive the
    truncation, so a slug is never reused within a run)."""
    from django.db import connection

    from tenants.models import Plan
    from tenants.services import organization_provision

    def _provision(*, plan: str = "starter", name: str = "Browser Test School"):
        slug = unique_slug()
        result = organization_provision(
            name=name,
            slug=slug,
            plan=Plan.objects.get(code=plan),
            admin_email=f"admin@{slug}.example.com",
            trial_days=14,
        )
        connection.set_schema_to_public()
        return result.organization

    return _provision


@dataclass
class Classroom:
    branch: object
    school_class: object
    teacher: object
    student: object


def classroom(organization, *, teacher_name: str = "", student_name: str = "") -> Classroom:
    """North Campus with the class Algebra 1, its teacher (password pw-teacher-1234) and a student in it
    (pw-student-1234). Call inside the organization's schema."""
    from apps.accounts.models import RoleAssignment, User
    from apps.hierarchy.models import Branch, SchoolClass

    north = Branch.objects.create(code="north", name="North Campus")
    algebra = SchoolClass.objects.create(branch=north, name="Algebra 1")
    teacher = User.objects.create_user(
        f"teacher@{organization.slug}.example.com", "pw-teacher-1234", full_name=teacher_name
    )
    student = User.objects.create_user(
        f"student@{organization.slug}.example.com", "pw-student-1234", full_name=student_name
    )
    RoleAssignment.objects.create(user=teacher, role="teacher", branch=north, school_class=algebra)
    RoleAssignment.objects.create(user=student, role="student", branch=north, school_class=algebra)
    return Classroom(north, algebra, teacher, student)


def unique_slug(prefix: str = "b") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def screenshot(page, name: str) -> str:
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    path = os.path.join(SCREENSHOT_DIR, name)
    page.screenshot(path=path, full_page=True)
    print(f"\nscreenshot: {path}")
    return path
