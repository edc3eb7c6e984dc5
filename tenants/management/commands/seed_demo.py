"""Demo data for `make run`, created only when missing: a super-admin, `acme` and `globex` with branches,
classes and one person per role, and their courses with learners part-way through (apps/courses/demo.py).
Everything goes through the same services as the product."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import schema_context

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


class Command(BaseCommand):
    help = "Create the demo super-admin and organizations if they are missing, and print the logins."

    def handle(self, *args, **options):
        User = get_user_model()
        connection.set_schema_to_public()
        if not User.objects.filter(email="admin@example.com").exists():
            User.objects.create_superuser("admin@example.com", DEMO_PASSWORD, full_name="Platform Admin")
        for spec in DEMO_ORGS:
            spec = dict(spec)
            plan = Plan.objects.get(code=spec.pop("plan"))
            result = organization_provision(plan=plan, trial_days=0, **spec)
            org = result.organization
            if org.status == Organization.Status.TRIAL:
                org.status = Organization.Status.ACTIVE
                org.save(update_fields=["status"])
            with schema_context(org.schema_name):
                admin = User.objects.get(email=spec["admin_email"])
                if admin.status == User.Status.INVITED:
                    admin.set_password(DEMO_PASSWORD)
                    admin.status = User.Status.ACTIVE
                    admin.save(update_fields=["password", "status"])
                self.structure(org.slug)
                self.courses(org.slug)
        self.stdout.write(self.style.SUCCESS(self.banner()))

    @staticmethod
    def structure(slug: str) -> None:
        from apps.accounts.models import User
        from apps.accounts.services import RoleSpec, role_grant, user_invite
        from apps.hierarchy.models import Branch, SchoolClass
        from apps.hierarchy.services import branch_create, class_create

        spec = DEMO_STRUCTURE[slug]
        branches = {}
        for code, name in spec["branches"]:
            branches[code] = Branch.objects.filter(code=code).first() or branch_create(
                actor=None, name=name, code=code
            )
        classes = {}
        for code, name, term in spec["classes"]:
            classes[name] = SchoolClass.objects.filter(
                branch=branches[code], name=name, term=term
            ).first() or class_create(actor=None, branch=branches[code], name=name, term=term)
        for local, full_name, role, code, class_name in spec["people"]:
            email = f"{local}@{slug}.example.com"
            role_spec = RoleSpec(
                role,
                branch_id=branches[code].pk,
                school_class_id=classes[class_name].pk if class_name else None,
            )
            user = User.objects.filter(email=email).first()
            if user is None:
                user = user_invite(email=email, full_name=full_name, roles=[role_spec]).user
                user.set_password(DEMO_PASSWORD)
                user.status = User.Status.ACTIVE
                user.save(update_fields=["password", "status"])
            else:
                role_grant(user=user, spec=role_spec, actor=None)

    def courses(self, slug: str) -> None:
        from apps.courses.demo import seed_courses

        for title in seed_courses(slug):
            self.stdout.write(f"  {slug}: course '{title}'")

    @staticmethod
    def banner() -> str:
        from django.conf import settings

        scheme, base = settings.SITE_SCHEME, settings.BASE_DOMAIN
        lines = [
            "",
            "LearnStack demo (password for every account: learnstack)",
            f"  Console   {scheme}://{base}/console/      admin@example.com",
        ]
        for spec in DEMO_ORGS:
            slug = spec["slug"]
            people = ", ".join(dict.fromkeys(f"{p[0]}@" for p in DEMO_STRUCTURE[slug]["people"]))
            lines.append(f"  {slug:<9} {scheme}://{slug}.{base}/   {spec['admin_email']} (also {people})")
        lines.append(f"  API docs  {scheme}://{base}/api/v1/docs/")
        return "\n".join(lines)
