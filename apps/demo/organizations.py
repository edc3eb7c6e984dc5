"""The demo's platform admin and organizations: acme and globex, provisioned as the console does, with
branches, classes and one person per role (each person's password: DEMO_PASSWORD). Created only when
missing; each function returns what it created, one line each."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.services import RoleSpec, role_grant, user_invite
from apps.hierarchy.models import Branch, SchoolClass
from apps.hierarchy.services import branch_create, class_create
from tenants.models import Organization, Plan
from tenants.services import organization_provision

DEMO_PASSWORD = "learnstack"  # noqa: S105 - documented demo credential
# (branches (code, name), classes (branch code, name, term), people (email local part, name, role, branch, class))
DEMO_STRUCTURE = {
    "acme": {
        "branches": [("north", "North Campus"), ("south", "South Campus")],
        "classes": [
            ("north", "Algebra 1", "2026 Autumn"),
            ("north", "Physics 1", "2026 Autumn"),
            ("south", "Biology 1", "2026 Autumn"),
        ],
        "people": [
            ("manager", "Morgan Manager", "branch_manager", "north", None),
            ("teacher", "Tess Teacher", "teacher", "north", "Algebra 1"),
            ("teacher", "Tess Teacher", "teacher", "north", "Physics 1"),
            ("student", "Sam Student", "student", "north", "Algebra 1"),
            ("student", "Sam Student", "student", "north", "Physics 1"),
            ("south-teacher", "Sol Teacher", "teacher", "south", "Biology 1"),
            ("south-student", "Sky Student", "student", "south", "Biology 1"),
            # Sam's classmates, who took the Algebra check-up (apps/demo/assessments.py)
            ("ava", "Ava Patel", "student", "north", "Algebra 1"),
            ("ben", "Ben Okafor", "student", "north", "Algebra 1"),
            ("chloe", "Chloé Martin", "student", "north", "Algebra 1"),
            ("dev", "Dev Sharma", "student", "north", "Algebra 1"),
            ("ella", "Ella Novak", "student", "north", "Algebra 1"),
            ("finn", "Finn Murphy", "student", "north", "Algebra 1"),
        ],
    },
    "globex": {
        "branches": [("main", "Main Campus")],
        "classes": [("main", "Chemistry", "2026 Autumn")],
        "people": [
            ("teacher", "Gil Teacher", "teacher", "main", "Chemistry"),
            ("student", "Gia Student", "student", "main", "Chemistry"),
        ],
    },
}
# Language and time zone some demo people chose (others follow their organization: English, UTC).
DEMO_PREFERENCES = {("acme", "south-student"): ("fr", "Europe/Paris")}
DEMO_ORGS = [
    {
        "name": "Acme Academy",
        "slug": "acme",
        "plan": "growth",
        "admin_email": "orgadmin@acme.example.com",
        "admin_name": "Ada Admin",
    },
    {
        "name": "Globex Institute",
        "slug": "globex",
        "plan": "starter",
        "admin_email": "orgadmin@globex.example.com",
        "admin_name": "Grace Admin",
    },
]


def seed_platform() -> list[str]:
    """The platform admin of the console (in the public schema)."""
    User = get_user_model()
    connection.set_schema_to_public()
    if User.objects.filter(email="admin@example.com").exists():
        return []
    User.objects.create_superuser("admin@example.com", DEMO_PASSWORD, full_name="Platform Admin")
    return ["platform admin admin@example.com"]


def seed_organization(spec: dict):
    """Organization `spec` (one of DEMO_ORGS), provisioned if missing, active, its Org Admin able to sign in.
    Returns the organization and what was created."""
    User = get_user_model()
    spec = dict(spec)
    plan = Plan.objects.get(code=spec.pop("plan"))
    existed = Organization.objects.filter(slug=spec["slug"]).exists()
    organization = organization_provision(plan=plan, trial_days=0, **spec).organization
    if organization.status == Organization.Status.TRIAL:
        organization.status = Organization.Status.ACTIVE
        organization.save(update_fields=["status"])
    with schema_context(organization.schema_name):
        admin = User.objects.get(email=spec["admin_email"])
        if admin.status == User.Status.INVITED:
            admin.set_password(DEMO_PASSWORD)
            admin.status = User.Status.ACTIVE
            admin.save(update_fields=["password", "status"])
    return organization, [] if existed else [f"organization '{organization.name}'"]


def seed_structure(slug: str) -> list[str]:
    """Branches, classes and people of organization `slug` (call in its schema)."""
    User = get_user_model()
    spec = DEMO_STRUCTURE[slug]
    created = []
    branches = {}
    for code, name in spec["branches"]:
        branches[code] = Branch.objects.filter(code=code).first()
        if branches[code] is None:
            branches[code] = branch_create(actor=None, name=name, code=code)
            created.append(f"branch '{name}'")
    classes = {}
    for code, name, term in spec["classes"]:
        classes[name] = SchoolClass.objects.filter(branch=branches[code], name=name, term=term).first()
        if classes[name] is None:
            classes[name] = class_create(actor=None, branch=branches[code], name=name, term=term)
            created.append(f"class '{name}'")
    for local, full_name, role, code, class_name in spec["people"]:
        email = f"{local}@{slug}.example.com"
        role_spec = RoleSpec(
            role,
            branch_id=branches[code].pk,
            school_class_id=classes[class_name].pk if class_name else None,
        )
        user = User.objects.filter(email=email).first()
        if user is None:
            language, zone = DEMO_PREFERENCES.get((slug, local), ("", ""))
            user = user_invite(
                email=email, full_name=full_name, roles=[role_spec], language=language, timezone_name=zone
            ).user
            user.set_password(DEMO_PASSWORD)
            user.status = User.Status.ACTIVE
            user.save(update_fields=["password", "status"])
            created.append(f"person {email} ({role})")
        else:
            role_grant(user=user, spec=role_spec, actor=None)
    return created


def banner() -> str:
    scheme, base = settings.SITE_SCHEME, settings.BASE_DOMAIN
    lines = [
        "",
        f"LearnStack demo (password for every account: {DEMO_PASSWORD})",
        f"  Console   {scheme}://{base}/console/      admin@example.com",
    ]
    for spec in DEMO_ORGS:
        slug = spec["slug"]
        people = ", ".join(dict.fromkeys(f"{p[0]}@" for p in DEMO_STRUCTURE[slug]["people"]))
        lines.append(f"  {slug:<9} {scheme}://{slug}.{base}/   {spec['admin_email']} (also {people})")
    lines.append(f"  API docs  {scheme}://{base}/api/v1/docs/")
    return "\n".join(lines)
