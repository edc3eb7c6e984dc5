"""The layers, kept by a test: no app imports upward.

    shell, demo          the dashboard and home page; the demo seeding       (may import anything)
    feature apps         courses, imports, apikeys, ... (next: assessments, badges, notifications, ...)
    hierarchy            branches and classes
    accounts             people, roles and the role scope
    audit, events        the audit trail and the event catalog
    core, tenants        page and API helpers, errors, validation; organizations and routing

Four rules, checked on every import in every module of apps/ and tenants/ (function-level imports included,
since a lazy import is still a dependency):

1. `apps.core` imports no other app of apps/ (it offers registries; apps register into them).
2. A page module (`views`, `forms`, `urls`, `api`, `api_urls`, `context_processors`) is private to its app:
   no other app imports one, except the shell and the URLconfs in config/. An app's `api.serializers` is
   the exception: its brief serializers are how other apps embed its objects.
3. Nothing imports the shell or the demo seeding, except the shell (the home page) and config/.
4. `apps.audit` and `apps.events` import no app but `apps.core` and `tenants`: every app records into the
   trail and emits events, so each registers what the trail needs from it (its sentences, in its own
   `audit.py`; accounts also who may read the log, apps.audit.access) instead of being imported.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("apps", "tenants")
PAGE_MODULES = {"views", "forms", "urls", "api", "api_urls", "context_processors"}
TOP = {"apps.shell", "apps.demo"}
LOW = {"apps.audit", "apps.events"}  # below accounts: they may import only GROUND
GROUND = {"apps.core", "tenants"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) for every import in `path`, relative ones resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # `from apps.x import views` imports the submodule `views`.
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "apps" and len(parts) > 1:
        return ".".join(parts[:2])
    if parts[0] == "tenants":
        return "tenants"
    return None


def violations(files) -> list[str]:
    found = []
    for path in files:
        source = _module_name(path)
        source_app = _app_of(source)
        for line, target in _imports(path):
            target_app = _app_of(target)
            if target_app is None or target_app == source_app:
                continue
            where = f"{path.relative_to(ROOT)}:{line} imports {target}"
            if source_app == "apps.core" and target_app.startswith("apps."):
                found.append(f"{where}: apps.core imports no feature app (register into a core registry)")
            rest = target.split(".")[2:] if target_app.startswith("apps.") else target.split(".")[1:]
            public_representation = rest[:2] == ["api", "serializers"]  # brief serializers other apps embed
            shared = target_app == "apps.core"  # core's page and API helpers are there for every app
            if (
                rest
                and rest[0] in PAGE_MODULES
                and not (public_representation or shared)
                and source_app not in TOP
            ):
                found.append(f"{where}: page modules are private to their app")
            if target_app in TOP and source_app not in TOP:
                found.append(f"{where}: nothing below the shell imports the shell or the demo")
            if source_app in LOW and target_app not in GROUND:
                found.append(
                    f"{where}: {source_app} imports only apps.core and tenants (apps register into it)"
                )
    return list(dict.fromkeys(_first_per_line(found)))


def _first_per_line(found):
    """One report per import statement (`from a.views import b` names both a.views and a.views.b)."""
    seen = set()
    for entry in found:
        line = entry.split(" imports ")[0]
        if line not in seen:
            seen.add(line)
            yield entry


def _project_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_app_imports_upward():
    found = violations(_project_files())

    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("module", "source", "rule"),
    [
        (
            "apps/core/leak.py",
            "from apps.courses.permissions import can_author\n",
            "apps.core imports no feature app",
        ),
        ("apps/courses/leak.py", "def f():\n    from apps.hierarchy.views import forbidden\n", "private"),
        ("apps/courses/leak.py", "from apps.hierarchy import forms\n", "private"),
        ("apps/accounts/leak.py", "from apps.shell.views import dashboard\n", "shell"),
        (
            "apps/audit/leak.py",
            "def f():\n    from apps.accounts.permissions import scope_of\n",
            "apps.audit imports only apps.core and tenants",
        ),
        ("apps/events/leak.py", "from apps.courses.models import Course\n", "apps.events imports only"),
    ],
)
def test_an_upward_import_is_reported(tmp_path, monkeypatch, module, source, rule):
    """A throwaway module with one upward import, inside a copy of the tree's layout."""
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    path = tmp_path / module
    path.parent.mkdir(parents=True)
    path.write_text(source)

    found = violations([path])

    assert len(found) == 1, found
    assert rule in found[0], found


def test_imports_within_an_app_and_downward_are_fine(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    path = tmp_path / "apps/courses/fine.py"
    path.parent.mkdir(parents=True)
    path.write_text(
        "from apps.core.errors import NotFound\nfrom .selectors import course_list\nfrom apps.accounts.permissions import scope_of\n"
    )
    low = tmp_path / "apps/audit/fine.py"
    low.parent.mkdir(parents=True)
    low.write_text(
        "from apps.core.navigation import register_nav\nfrom tenants.models import Organization\nfrom .models import AuditEntry\n"
    )

    assert violations([path, low]) == []
