"""The rows of the isolation registries: an API endpoint, a page, a form action.

Each app lists its rows in tests/<app>/isolation.py (API_ENDPOINTS, PAGES, PAGE_ACTIONS, and a
`targets(organization)` for its placeholders); tests/isolation/registry.py collects them all.
"""

import dataclasses
from dataclasses import dataclass, field

# A one-pixel PNG: what the matrix uploads to endpoints that take a file, and what the course targets store.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\x0bIDATx\x9cc`\x00\x02\x00\x00\x05\x00\x01z^\xab?\x00\x00\x00\x00IEND\xaeB`\x82"
)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    body: dict = field(default_factory=dict)
    # Roles allowed to get a 2xx on their own organization's objects; others get 403 (or 404).
    allowed_roles: tuple[str, ...] = ("org_admin", "branch_manager", "teacher", "student")
    # True when the path names an object of the organization (so a foreign id must give 404).
    has_object: bool = False
    # A multipart upload: the name of the file field, sent (a small PNG) with the body's other fields.
    upload: str = ""
    # The object an API key needs a scope on (`users` = `users:read` for reads, `users:write` for writes), as
    # the view declares it with `api_key_scope`; None = closed to API keys (only people may call it).
    api_key_scope: str | None = None

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}" + (f" [{self.upload} upload]" if self.upload else "")


def scoped(api_key_scope: str, endpoints: list[Endpoint]) -> list[Endpoint]:
    """`endpoints`, each open to API keys holding a scope on `api_key_scope`: a section of a registry states
    its scope once."""
    return [dataclasses.replace(endpoint, api_key_scope=api_key_scope) for endpoint in endpoints]


@dataclass(frozen=True)
class Page:
    path: str
    # Pages that anyone may open (sign-in, the org's landing page) still must not show another org's data.
    public: bool = False
    has_object: bool = False

    @property
    def id(self) -> str:
        return self.path


@dataclass(frozen=True)
class PageAction:
    """A form POST of the organization area. With another org's ids it must answer 404 and change nothing;
    without a session it must send the visitor to sign in."""

    path: str
    data: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"POST {self.path}"
