"""Every organization endpoint and page, for the cross-tenant and cross-role matrices.

Each later feature adds its endpoints here; tests/isolation/ then checks, for every row, that org A's
credentials are refused on org B's host, that B's object ids on A's host answer 404 with none of B's
data in the body, and what each role may do.

Placeholders in paths are filled from `targets(org)`: ids of objects that live in `org`.
"""

from dataclasses import dataclass, field

from django_tenants.utils import schema_context


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    body: dict = field(default_factory=dict)
    # Roles allowed to get a 2xx on their own organization's objects; others get 403 (or 404).
    allowed_roles: tuple[str, ...] = ("org_admin", "branch_manager", "teacher", "student")
    # True when the path names an object of the organization (so a foreign id must give 404).
    has_object: bool = False

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


API_ENDPOINTS = [
    Endpoint("GET", "/api/v1/auth/me"),
    Endpoint("GET", "/api/v1/organizations"),
    Endpoint("GET", "/api/v1/organizations/{org_id}", has_object=True),
    Endpoint("PUT", "/api/v1/organizations/{org_id}", {"name": "Renamed by an intruder"},
             allowed_roles=("org_admin",), has_object=True),
    Endpoint("GET", "/api/v1/organizations/{org_id}/settings", has_object=True),
    Endpoint("PUT", "/api/v1/organizations/{org_id}/settings", {"display_name": "Hijacked"},
             allowed_roles=("org_admin",), has_object=True),
]


@dataclass(frozen=True)
class Page:
    path: str
    # Pages that anyone may open (sign-in, the org's landing page) still must not show another org's data.
    public: bool = False
    has_object: bool = False

    @property
    def id(self) -> str:
        return self.path


PAGES = [
    Page("/", public=True),
    Page("/accounts/login/", public=True),
    Page("/invite/{invite_uid}/{invite_token}/", public=True, has_object=True),
]


def targets(organization) -> dict[str, str]:
    """Ids of real objects inside `organization`, for the placeholders above."""
    from apps.accounts.models import User
    from apps.accounts.tokens import encode_uid, invitation_tokens

    with schema_context(organization.schema_name):
        invited = User.objects.filter(status=User.Status.INVITED).first()
        if invited is None:
            from apps.accounts.services import user_invite

            invited = user_invite(email=f"pending@{organization.slug}.example.com").user
        return {
            "org_id": str(organization.pk),
            "invite_uid": encode_uid(invited),
            "invite_token": invitation_tokens.make_token(invited),
        }


def fill(path: str, values: dict[str, str]) -> str:
    return path.format(**values)
