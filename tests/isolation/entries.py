"""The rows of the isolation registries: an API endpoint, a page, a form action."""

from dataclasses import dataclass, field


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

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}" + (f" [{self.upload} upload]" if self.upload else "")


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
