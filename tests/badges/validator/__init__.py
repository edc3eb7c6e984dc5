"""The IMS Open Badges validator (openbadges-validator-core, `openbadges` 1.1.2 on PyPI) run over our documents.

Its pinned dependencies need Python 3.9, so the tests build a small virtualenv for it from pyenv's 3.9
(~/.pyenv/versions/3.9.18, or $OB_VALIDATOR_PYTHON) in .cache/ob-validator/ at the repository root (git-ignored),
once: later runs reuse it (a marker file names what was installed). Without Python 3.9 the validator tests
skip, except under CI=true, where they fail loudly.

`verify(...)` runs tests/badges/validator/run.py in that virtualenv: the documents, exported from the Django
test client, go to it as JSON on stdin; it serves them to the validator through `responses` (no network) and
prints the validator's report.
"""

import base64
import fcntl
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CACHE = ROOT / ".cache" / "ob-validator"
VENV = CACHE / "venv"
PACKAGES = ["openbadges==1.1.2", "responses>=0.23,<1"]
MARKER = VENV / "learnstack-installed.txt"
RUNNER = Path(__file__).with_name("run.py")
PYENV_PYTHON = Path.home() / ".pyenv" / "versions" / "3.9.18" / "bin" / "python"


def _base_python() -> Path | None:
    configured = os.environ.get("OB_VALIDATOR_PYTHON")
    candidate = Path(configured) if configured else PYENV_PYTHON
    return candidate if candidate.exists() else None


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"The Open Badges validator must run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


def validator_python() -> Path:
    """The virtualenv's python, building the virtualenv first if needed (a file lock makes parallel test
    workers build it once)."""
    python = VENV / "bin" / "python"
    wanted = "\n".join(PACKAGES)
    if python.exists() and MARKER.exists() and MARKER.read_text() == wanted:
        return python
    base = _base_python()
    if base is None:
        _unavailable(f"Python 3.9 for the Open Badges validator is missing ({PYENV_PYTHON})")
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if python.exists() and MARKER.exists() and MARKER.read_text() == wanted:
            return python
        steps = [
            [str(base), "-m", "venv", "--clear", str(VENV)],
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PACKAGES],
        ]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, timeout=900)
            if done.returncode != 0:
                _unavailable(f"building the validator's virtualenv failed: {done.stderr[-2000:]}")
        MARKER.write_text(wanted)
    return python


def document(
    url: str, body: bytes | str, content_type: str = "application/ld+json", status: int = 200
) -> dict:
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return {
        "url": url,
        "body_base64": base64.b64encode(raw).decode("ascii"),
        "content_type": content_type,
        "status": status,
    }


def verify(
    *, documents: list[dict], recipient: dict | None, data: str | None = None, file: bytes | None = None
) -> dict:
    """The validator's report for `data` (a URL, JSON or a JWS) or `file` (a baked PNG or SVG), with the
    `documents` served at their URLs and `recipient` as the trusted recipient profile ({"email": ...})."""
    python = validator_python()
    spec = {"documents": documents, "recipient": recipient}
    if file is not None:
        spec["file_base64"] = base64.b64encode(file).decode("ascii")
    else:
        spec["input"] = data
    done = subprocess.run(
        [str(python), str(RUNNER)], input=json.dumps(spec), capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        raise AssertionError(f"the validator runner failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout)


def failed_checks(report: dict) -> dict[str, str]:
    """The names of the checks that failed (at ERROR level), each with its message."""
    return {
        message.get("name", ""): message.get("result", "")
        for message in report["report"]["messages"]
        if message.get("messageLevel") == "ERROR" and not message.get("success", False)
    }


def summary(report: dict) -> str:
    return json.dumps(report["report"], indent=1, default=str)[:6000]


__all__ = ["document", "failed_checks", "summary", "validator_python", "verify"]
