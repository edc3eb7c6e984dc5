"""Mutation testing on demand: does the suite notice when a line of a core module is broken?

    make mutation                                   # the six core modules below
    make mutation MODULE=apps/core/api/filtering.py # one module (any path; then give TESTS=... too)
    make mutation MUTANTS=0                         # every mutant instead of a sample

Mutants come from cosmic-ray's operators (comparison, binary, unary and boolean operators, numbers,
break/continue, exception types, decorators, `not` added to conditions, zero-iteration loops) and two of
our own: a statement removed (replaced by `pass`) and a string literal changed. A fixed-seed sample of
`--sample` mutants per module is run (0 = all of them).

Everything runs in ONE pytest session, so the test database is created and the organizations provisioned
once, not once per mutant. The covering tests run first unmutated, recording which test executes which
line (coverage.py contexts); each mutant is then applied in memory only (the function's code object is
swapped, or a module/class attribute rebound) and only the tests that execute the mutated statement run,
stopping at the first failure (like `pytest -x`), the last killer first. The source files on disk are
never written. A mutant is killed when a test fails or runs over its time budget; one that no test executes
survives without running anything. At the end the tests that killed mutants run once more unmutated, to
catch a mutant whose effect leaked into later runs.

Equivalent mutants (no behaviour can tell them apart) may be listed in EQUIVALENT with the reason; they are
reported but not counted.
"""

import argparse
import ast
import builtins
import difflib
import hashlib
import importlib
import os
import random
import signal
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Module -> the test files that cover it (each mutant runs only those of them that execute its line).
MODULES: dict[str, list[str]] = {
    "apps/core/api/filtering.py": [
        "tests/api/test_filtering.py",
        "tests/api/test_sorting.py",
        "tests/api/test_filter_values.py",
        "tests/api/test_bad_input.py",
        "tests/hierarchy/test_user_filters_scope.py",
    ],
    "apps/accounts/permissions.py": [
        "tests/accounts/test_permissions_scope.py",
        "tests/tenants/test_org_api.py",
        "tests/hierarchy/test_role_matrix.py",
        "tests/hierarchy/test_user_filters_scope.py",
    ],
    "apps/core/api/throttling.py": [
        "tests/api/test_rate_limits.py",
        "tests/api/test_rate_limit_middleware.py",
        "tests/apikeys/test_authentication.py",
    ],
    "tenants/resolution.py": [
        "tests/tenants/test_routing.py",
        "tests/tenants/test_host_cache.py",
    ],
    "tenants/middleware.py": [
        "tests/tenants/test_routing.py",
        "tests/tenants/test_lifecycle.py",
        "tests/tenants/test_host_cache.py",
        "tests/tenants/test_status_middleware.py",
    ],
    "apps/events/bus.py": [
        "tests/events/test_bus.py",
        "tests/events/test_bus_rules.py",
        "tests/events/test_dispatch_command.py",
        "tests/events/test_periodic_redispatch.py",
    ],
}

# Module -> {mutant id: why no behaviour can tell the mutant from the original}. Use sparingly.
EQUIVALENT: dict[str, dict[str, str]] = {
    "apps/core/api/filtering.py": {
        "fb46d99c": "`not field is not None and ...` in _model_field: field is never None there (the loop runs "
        "at least once and returns None on a missing part).",
        "48cb377a": "`o.lstrip('XX-XX')`: lstrip takes a set of characters, and no sort field starts with X.",
        "89b0ea0a": "`char is '\\'`: CPython keeps one object per one-character string, so `is` equals `==`.",
    },
    "apps/core/api/throttling.py": {
        "a72607a0": "`max(0, reset - now)`: reset is the end of the window now is in, so reset - now >= 1.",
    },
    "apps/accounts/permissions.py": {
        # Role values sort branch_manager < org_admin < student < teacher, and the role_scope_matches_role
        # constraint gives an Org Admin no class: these orderings select exactly what `==` selects.
        "f01aa494": "`role <= BRANCH_MANAGER`: no role sorts before branch_manager.",
        "123d6cf4": "`role >= TEACHER`: no role sorts after teacher.",
        "9706e855": "`role <= STUDENT and class_id`: the only other role reaching it, org_admin, has no class.",
    },
    "apps/events/bus.py": {
        "059a213b": "the forward reference in the `Handler` type alias: only type checkers read it.",
    },
    "tenants/middleware.py": {
        "ac15d1d7": "the archived page's `organization`: the context processor gives every page the same one.",
    },
    "tenants/resolution.py": {
        "a47ee39b": "`_MISSING`'s text: any marker string works as long as it is not an organization.",
    },
}

# cosmic-ray operators left out: these two insert or replace variables at random (not reproducible).
SKIPPED_OPERATORS = {"core/VariableInserter", "core/VariableReplacer"}


class MutantTimeout(BaseException):
    """Raised by the alarm when a mutant runs over its budget (an infinite loop counts as killed)."""


@dataclass
class Mutant:
    module: str
    operator: str
    occurrence: int
    source: str  # the whole mutated module
    first_line: int = 0  # changed lines of the original, 1-based, inclusive
    last_line: int = 0
    ident: str = ""
    outcome: str = ""  # killed | timeout | survived | uncovered | skipped | equivalent
    detail: str = ""
    diff: list[str] = field(default_factory=list)


# --- generating mutants -----------------------------------------------------------------------------------


def _char_index(lines: list[str], lineno: int, col: int) -> int:
    """Index in the source of (lineno, byte col) as ast reports it."""
    before = sum(len(line) for line in lines[: lineno - 1])
    return before + len(lines[lineno - 1].encode()[:col].decode(errors="ignore"))


def _docstring_nodes(tree) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
                ids.add(id(first))
    return ids


def _annotation_spans(tree, lines) -> list[tuple[int, int]]:
    spans = []
    for node in ast.walk(tree):
        annotations = []
        if isinstance(node, ast.arg) and node.annotation is not None:
            annotations.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            annotations.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        for a in annotations:
            spans.append(
                (
                    _char_index(lines, a.lineno, a.col_offset),
                    _char_index(lines, a.end_lineno, a.end_col_offset),
                )
            )
    return spans


def own_mutants(source: str) -> list[tuple[str, str]]:
    """(operator, mutated source) for the two operators cosmic-ray lacks."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    docstrings = _docstring_nodes(tree)
    annotations = _annotation_spans(tree, lines)
    in_fstring = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in ast.walk(n)}
    out = []

    def span(node):
        return (
            _char_index(lines, node.lineno, node.col_offset),
            _char_index(lines, node.end_lineno, node.end_col_offset),
        )

    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for stmt in ast.walk(func):
            for body in (getattr(stmt, "body", None), getattr(stmt, "orelse", None)):
                if not isinstance(body, list):
                    continue
                for child in body:
                    if id(child) in docstrings or isinstance(child, ast.Pass):
                        continue
                    if isinstance(
                        child,
                        ast.Expr
                        | ast.Assign
                        | ast.AugAssign
                        | ast.AnnAssign
                        | ast.Return
                        | ast.Raise
                        | ast.If,
                    ):
                        start, end = span(child)
                        out.append(("learnstack/RemoveStatement", source[:start] + "pass" + source[end:]))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in docstrings or id(node) in in_fstring:
            continue
        start, end = span(node)
        if any(a <= start < b for a, b in annotations):
            continue
        out.append(("learnstack/ReplaceString", source[:start] + repr(f"XX{node.value}XX") + source[end:]))
    return out


def cosmic_ray_mutants(source: str) -> list[tuple[str, int]]:
    """(operator, occurrence) for every cosmic-ray mutation of `source` (the code is made on demand)."""
    import cosmic_ray.plugins
    from cosmic_ray.ast import ast_nodes, get_ast

    nodes = list(ast_nodes(get_ast(source)))
    found = []
    for name in sorted(cosmic_ray.plugins.operator_names()):
        if name in SKIPPED_OPERATORS:
            continue
        operator = cosmic_ray.plugins.get_operator(name)()
        count = sum(len(list(operator.mutation_positions(node))) for node in nodes)
        found.extend((name, occurrence) for occurrence in range(count))
    return found


def cosmic_ray_code(source: str, name: str, occurrence: int) -> str | None:
    import cosmic_ray.plugins
    from cosmic_ray.mutating import mutate_code

    return mutate_code(source, cosmic_ray.plugins.get_operator(name)(), occurrence)


def mutants_for(module: str, sample: int, seed: int) -> tuple[int, list[Mutant]]:
    """All mutants' count and the sample, each with its diff and a stable id."""
    source = (ROOT / module).read_text()
    candidates: list[tuple[str, int, str | None]] = [(n, o, None) for n, o in cosmic_ray_mutants(source)]
    own = own_mutants(source)
    candidates += [(name, index, code) for index, (name, code) in enumerate(own)]
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    annotations = _annotation_spans(tree, lines)
    rng = random.Random(f"{seed}:{module}")  # noqa: S311 (a reproducible sample, not a secret)
    order = list(range(len(candidates)))
    rng.shuffle(order)
    chosen, seen = [], set()
    for index in order:
        name, occurrence, code = candidates[index]
        code = code if code is not None else cosmic_ray_code(source, name, occurrence)
        if code is None or code == source:
            continue
        first_diff = next(i for i, (a, b) in enumerate(zip(source, code, strict=False)) if a != b)
        if any(a <= first_diff < b for a, b in annotations):
            continue  # a type hint: nothing runs it
        try:
            _compile(code, module)  # `x is "literal"` warns, and is a fine mutant
        except SyntaxError:
            continue
        mutant = Mutant(module, name, occurrence, code)
        mutant.diff = [
            line
            for line in difflib.unified_diff(source.splitlines(), code.splitlines(), lineterm="", n=0)
            if not line.startswith(("---", "+++"))
        ]
        changed = [
            (i1 + 1, max(i1 + 1, i2))
            for tag, i1, i2, _, _ in difflib.SequenceMatcher(
                None, source.splitlines(), code.splitlines(), autojunk=False
            ).get_opcodes()
            if tag != "equal"
        ]
        original = source.splitlines()
        first, last = changed[0][0], changed[-1][1]
        while first < last and not original[first - 1].strip():
            first += 1  # a removed decorator takes the blank lines above it along
        while last > first and not original[last - 1].strip():
            last -= 1
        mutant.first_line, mutant.last_line = first, last
        text = "\n".join(line for line in mutant.diff if not line.startswith("@@"))
        mutant.ident = hashlib.sha256(f"{name}\n{text}".encode()).hexdigest()[:8]
        if mutant.ident in seen:
            continue
        seen.add(mutant.ident)
        chosen.append(mutant)
        if sample and len(chosen) >= sample:
            break
    chosen.sort(key=lambda m: (m.first_line, m.operator, m.ident))
    return len(candidates), chosen


# --- applying a mutant in memory --------------------------------------------------------------------------


def _binds(stmt) -> list[str]:
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [stmt.name]
    if isinstance(stmt, ast.Assign):
        return [t.id for t in stmt.targets if isinstance(t, ast.Name)]
    if isinstance(stmt, ast.AnnAssign | ast.AugAssign) and isinstance(stmt.target, ast.Name):
        return [stmt.target.id]
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return [(a.asname or a.name).split(".")[0] for a in stmt.names]
    return []


def _start(stmt) -> int:
    return min([stmt.lineno] + [d.lineno for d in getattr(stmt, "decorator_list", [])])


def locate(tree, first: int, last: int):
    """Where a change on lines first..last lives: ("code", [class..., function]) when inside a function's
    body, ("signature", [class..., function]) when in its parameters, ("rebind", [class...], names) when
    it is a module or class attribute, or None."""
    path: list[str] = []
    body = tree.body
    while True:
        stmt = next((s for s in body if _start(s) <= first and last <= s.end_lineno), None)
        if stmt is None:
            return None
        inner = stmt.body[0].lineno if isinstance(stmt, ast.FunctionDef | ast.ClassDef) else None
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and inner is not None and first >= inner:
            return ("code", [*path, stmt.name])
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and first >= stmt.lineno:
            return ("signature", [*path, stmt.name])  # the parameters or their defaults
        if isinstance(stmt, ast.ClassDef) and inner is not None and first >= inner:
            path.append(stmt.name)
            body = stmt.body
            continue
        names = _binds(stmt)
        return ("rebind", path, names) if names else None


def _compile(source: str, filename: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return compile(source, filename, "exec")


def _find_code(code, qualname: str):
    for const in code.co_consts:
        if hasattr(const, "co_qualname"):
            if const.co_qualname == qualname:
                return const
            found = _find_code(const, qualname)
            if found is not None:
                return found
    return None


def _function(obj):
    if isinstance(obj, property):
        return obj.fget
    if isinstance(obj, staticmethod | classmethod):
        return obj.__func__
    return obj


def _exec_scratch(mutant: Mutant, module) -> dict:
    """The mutated module executed in a namespace of its own (the real module is left as it is)."""
    scratch = {
        "__name__": module.__name__,
        "__package__": module.__package__,
        "__file__": module.__file__,
        "__builtins__": builtins,
    }
    exec(_compile(mutant.source, module.__file__), scratch)  # noqa: S102 (our own mutant)
    return scratch


def apply(mutant: Mutant, module, tree):
    """Apply `mutant` to the imported `module`; returns a function that undoes it (or raises ValueError)."""
    where = locate(tree, mutant.first_line, mutant.last_line)
    if where is None:
        raise ValueError("not inside a function or an assignment")
    if where[0] == "code":
        names = where[1]
        owner = module
        for name in names[:-1]:
            owner = owner.__dict__[name]
        function = _function(owner.__dict__[names[-1]])
        qualname = ".".join(names)
        new_code = _find_code(_compile(mutant.source, module.__file__), qualname)
        if new_code is None or getattr(function, "__code__", None) is None:
            raise ValueError(f"cannot find {qualname}")
        old_code = function.__code__
        try:
            function.__code__ = new_code
        except ValueError:  # the closure no longer fits (e.g. `super()` removed): rebind the function
            where = ("rebind", names[:-1], names[-1:])
        else:

            def undo():
                function.__code__ = old_code

            return undo
    if where[0] == "signature":
        # The function object stays (other modules imported it); its code and defaults take the mutant's.
        names = where[1]
        scratch = _exec_scratch(mutant, module)
        owner, new_owner = module.__dict__, scratch
        for name in names[:-1]:
            owner, new_owner = owner[name].__dict__, new_owner[name].__dict__
        function, new_function = _function(owner[names[-1]]), _function(new_owner[names[-1]])
        saved = (function.__code__, function.__defaults__, function.__kwdefaults__)
        try:
            function.__code__ = new_function.__code__
        except ValueError:
            where = ("rebind", names[:-1], names[-1:])
        else:
            function.__defaults__, function.__kwdefaults__ = (
                new_function.__defaults__,
                new_function.__kwdefaults__,
            )

            def undo_signature():
                function.__code__, function.__defaults__, function.__kwdefaults__ = saved

            return undo_signature
    _, path, names = where
    scratch = _exec_scratch(mutant, module)
    owner, new_owner = module, scratch
    for name in path:
        owner = owner.__dict__[name]
        new_owner = (new_owner if isinstance(new_owner, dict) else new_owner.__dict__)[name]
    new_values = new_owner if isinstance(new_owner, dict) else new_owner.__dict__
    saved = {name: owner.__dict__[name] for name in names if name in owner.__dict__}
    for name in names:
        setattr(owner, name, new_values[name])

    def undo_rebind():
        for name in names:
            setattr(owner, name, saved[name])

    return undo_rebind


# --- running: a pytest plugin that drives the whole session ------------------------------------------------


class _SessionOnly:
    """A stand-in `nextitem` that makes pytest tear down everything but the session's fixtures."""

    def __init__(self, session):
        self.session = session

    def listchain(self):
        return [self.session]


def _alarm(signum, frame):
    raise MutantTimeout


class MutationPlugin:
    def __init__(self, modules: dict[str, list[str]], sample: int, seed: int):
        self.modules = modules
        self.sample = sample
        self.seed = seed
        self.results: dict[str, tuple[int, list[Mutant]]] = {}
        self.baseline_failed = False

    def say(self, text: str = "") -> None:
        with self.capture.global_and_fixture_disabled():
            print(text, flush=True)

    def run_items(self, items, budgets: dict[str, float] | None = None) -> tuple[bool, str]:
        """Run items in order, each within its time budget if given; (all passed, the first failing test)."""
        session = items[0].session
        sentinel = _SessionOnly(session)
        from _pytest.runner import runtestprotocol

        if budgets:
            signal.signal(signal.SIGALRM, _alarm)
        try:
            for index, item in enumerate(items):
                nextitem = items[index + 1] if index + 1 < len(items) else sentinel
                if budgets:
                    signal.setitimer(signal.ITIMER_REAL, budgets[item.nodeid])
                reports = runtestprotocol(item, log=False, nextitem=nextitem)
                failed = [r for r in reports if r.failed]
                if failed:
                    session._setupstate.teardown_exact(sentinel)
                    timeout = "MutantTimeout" in (failed[0].longreprtext or "")
                    return False, ("timeout " if timeout else "") + item.nodeid
            return True, ""
        except MutantTimeout:
            session._setupstate.teardown_exact(sentinel)
            return False, "timeout"
        finally:
            if budgets:
                signal.setitimer(signal.ITIMER_REAL, 0)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        import coverage

        self.capture = session.config.pluginmanager.getplugin("capturemanager")
        items = list(session.items)
        if not items:
            self.say("No tests collected.")
            return True
        files = {str(ROOT / m): m for m in self.modules}
        cov = coverage.Coverage(data_file=None, include=list(files), branch=False)
        durations: dict[str, float] = {}
        failures = []
        started = time.monotonic()
        cov.start()
        try:
            sentinel = _SessionOnly(session)
            from _pytest.runner import runtestprotocol

            for index, item in enumerate(items):
                cov.switch_context(item.nodeid)
                nextitem = items[index + 1] if index + 1 < len(items) else sentinel
                reports = runtestprotocol(item, log=False, nextitem=nextitem)
                durations[item.nodeid] = sum(r.duration for r in reports)
                failures += [r for r in reports if r.failed]
        finally:
            cov.stop()
        self.say(f"Baseline: {len(items)} tests in {time.monotonic() - started:.0f} s.")
        if failures:
            # A test that fails unmutated can kill nothing: leave it out (and say so) rather than stop.
            broken = {report.nodeid for report in failures}
            for report in failures:
                self.say(f"FAILED unmutated, left out: {report.nodeid}\n{report.longreprtext[-2000:]}")
            items = [item for item in items if item.nodeid not in broken]
            if not items:
                self.baseline_failed = True
                session._setupstate.teardown_exact(None)
                return True
        data = cov.get_data()
        by_id = {item.nodeid: item for item in items}
        killers: set[str] = set()
        for path, module in files.items():
            lines_to_tests = {
                line: set(contexts) - {""} for line, contexts in data.contexts_by_lineno(path).items()
            }
            total, mutants = mutants_for(module, self.sample, self.seed)
            self.results[module] = (total, mutants)
            tree = ast.parse((ROOT / module).read_text())
            statements = [n for n in ast.walk(tree) if isinstance(n, ast.stmt)]
            imported = importlib.import_module(module.removesuffix(".py").replace("/", "."))
            own_tests = [i for i in items if _test_file(i) in self.modules[module]]
            self.say(f"\n{module}: {len(mutants)} of {total} mutants, {len(own_tests)} tests")
            last_killer = None
            for number, mutant in enumerate(mutants, 1):
                reason = EQUIVALENT.get(module, {}).get(mutant.ident)
                if reason:
                    mutant.outcome, mutant.detail = "equivalent", reason
                else:
                    self.run_mutant(
                        mutant, imported, tree, statements, lines_to_tests, own_tests, durations, last_killer
                    )
                    if mutant.outcome in ("killed", "timeout"):
                        last_killer = by_id.get(mutant.detail.removeprefix("timeout ")) or last_killer
                        if mutant.outcome == "killed":
                            killers.add(mutant.detail)
                self.say(
                    f"  [{number:>3}/{len(mutants)}] {mutant.outcome:<10} {module}:{mutant.first_line} "
                    f"{mutant.operator.split('/')[-1]} {mutant.ident} {mutant.detail}"
                )
        if killers:
            ok, failed = self.run_items([by_id[k] for k in sorted(killers) if k in by_id])
            if not ok:
                self.say(f"WARNING: {failed} fails unmutated after the mutants ran: some kills may be false.")
        session._setupstate.teardown_exact(None)
        return True

    def run_mutant(self, mutant, module, tree, statements, lines_to_tests, tests, durations, last_killer):
        where = locate(tree, mutant.first_line, mutant.last_line)
        if where is not None and where[0] == "code":
            # Only the tests that execute the innermost statement holding the change can notice it.
            holders = [s for s in statements if s.lineno <= mutant.first_line <= s.end_lineno]
            inner = min(holders, key=lambda s: s.end_lineno - s.lineno) if holders else None
            span = range(inner.lineno, inner.end_lineno + 1) if inner else range(mutant.first_line, 0)
            covering = set().union(*(lines_to_tests.get(line, set()) for line in span))
            selected = [t for t in tests if t.nodeid in covering]
        else:
            selected = list(tests)  # module-level: imported before coverage started; run them all
        if not selected:
            mutant.outcome, mutant.detail = "uncovered", "(no test runs this line)"
            return
        if last_killer in selected:
            selected.remove(last_killer)
            selected.insert(0, last_killer)
        try:
            undo = apply(mutant, module, tree)
        except Exception as exc:  # the mutant cannot be applied in memory (or breaks at import: killed)
            if where is not None and where[0] == "rebind":
                mutant.outcome, mutant.detail = "killed", f"(fails at import: {type(exc).__name__})"
            else:
                mutant.outcome, mutant.detail = "skipped", f"({exc})"
            return
        # Per test: ten seconds more than three times what it took unmutated (an endless loop is a kill).
        budgets = {t.nodeid: 10 + 3 * durations.get(t.nodeid, 1) for t in selected}
        try:
            passed, failed = self.run_items(selected, budgets=budgets)
        finally:
            undo()
        if passed:
            mutant.outcome = "survived"
        else:
            mutant.outcome = "timeout" if failed.startswith("timeout") else "killed"
            mutant.detail = failed


def _test_file(item) -> str:
    return item.nodeid.split("::")[0]


def report(results: dict[str, tuple[int, list[Mutant]]]) -> None:
    summary = []
    for module, (_, mutants) in results.items():
        counted = [m for m in mutants if m.outcome not in ("equivalent", "skipped")]
        killed = [m for m in counted if m.outcome in ("killed", "timeout")]
        survivors = [m for m in counted if m.outcome in ("survived", "uncovered")]
        score = 100 * len(killed) / len(counted) if counted else 100.0
        summary.append((module, len(mutants), len(killed), len(survivors), score))
        if survivors:
            print(f"\nSurviving mutants in {module}:")
            for m in survivors:
                print(f"  {module}:{m.first_line} {m.operator} id {m.ident} {m.detail}")
                for line in m.diff:
                    print(f"      {line}")
        others = [m for m in mutants if m.outcome in ("equivalent", "skipped")]
        for m in others:
            print(f"  {m.outcome}: {module}:{m.first_line} {m.ident} {m.detail}")
    print("\n| module | mutants (sampled of all) | killed | survived | score |")
    print("| --- | --- | --- | --- | --- |")
    for module, (total, _) in results.items():
        row = next(s for s in summary if s[0] == module)
        print(f"| `{module}` | {row[1]} of {total} | {row[2]} | {row[3]} | {row[4]:.0f} % |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("modules", nargs="*", help="source files (default: every module in MODULES)")
    parser.add_argument("--sample", type=int, default=60, help="mutants per module, 0 = all (default 60)")
    parser.add_argument("--seed", type=int, default=8, help="sampling seed (default 8)")
    parser.add_argument("--tests", nargs="*", help="test files to use instead of those in MODULES")
    parser.add_argument("--list", action="store_true", help="only list the sampled mutants")
    parser.add_argument("--fail-under", type=float, default=0, help="exit 1 if a module scores below this")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    modules = {}
    for module in args.modules or list(MODULES):
        module = os.path.relpath(Path(module).resolve(), ROOT)
        tests = args.tests or MODULES.get(module)
        if not tests:
            parser.error(f"{module}: no covering tests are known; give them with --tests")
        modules[module] = [t for t in tests if (ROOT / t).exists()]
    if args.list:
        for module in modules:
            total, mutants = mutants_for(module, args.sample, args.seed)
            print(f"{module}: {len(mutants)} of {total} mutants")
            for m in mutants:
                print(f"  {module}:{m.first_line} {m.operator} id {m.ident}")
                for line in m.diff:
                    print(f"      {line}")
        return 0

    plugin = MutationPlugin(modules, args.sample, args.seed)
    test_files = sorted({t for tests in modules.values() for t in tests})
    pytest.main(["-p", "no:xdist", "-p", "no:cacheprovider", "-q", *test_files], plugins=[plugin])
    if plugin.baseline_failed:
        return 2
    report(plugin.results)
    low = [
        module
        for module, (_, mutants) in plugin.results.items()
        if (counted := [m for m in mutants if m.outcome not in ("equivalent", "skipped")])
        and 100 * sum(m.outcome in ("killed", "timeout") for m in counted) / len(counted) < args.fail_under
    ]
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
