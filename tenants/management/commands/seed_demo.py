"""Demo data for `make run`, created only when missing: a super-admin, `acme` and `globex`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import schema_context

from tenants.models import Organization, Plan
from tenants.services import organization_provision

DEMO_PASSWORD = "learnstack"  # noqa: S105 - documented demo credential
DEMO_ORGS = [
    {"name": "Acme Academy", "slug": "acme", "plan": "growth", "admin_email": "orgadmin@acme.example.com",
     "admin_name": "Ada Admin"},
    {"name": "Globex Institute", "slug": "globex", "plan": "starter", "admin_email": "orgadmin@globex.example.com",
     "admin_name": "Grace Admin"},
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
        self.stdout.write(self.style.SUCCESS(self.banner()))

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
            lines.append(f"  {spec['slug']:<9} {scheme}://{spec['slug']}.{base}/   {spec['admin_email']}")
        lines.append(f"  API docs  {scheme}://{base}/api/v1/docs/")
        return "\n".join(lines)
