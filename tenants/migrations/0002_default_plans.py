from django.db import migrations

PLANS = [
    {"code": "starter", "name": "Starter", "sort_order": 1, "max_active_users": 50, "max_courses": 20,
     "max_storage_mb": 2048, "monthly_price_cents": 4900, "features": ["self_signup"],
     "description": "For a single school or team getting started."},
    {"code": "growth", "name": "Growth", "sort_order": 2, "max_active_users": 500, "max_courses": 200,
     "max_storage_mb": 20480, "monthly_price_cents": 29900,
     "features": ["self_signup", "certificates", "api_access", "webhooks"],
     "description": "For organizations with several branches."},
    {"code": "enterprise", "name": "Enterprise", "sort_order": 3, "max_active_users": None, "max_courses": None,
     "max_storage_mb": None, "monthly_price_cents": 0,
     "features": ["self_signup", "certificates", "api_access", "webhooks", "custom_domains", "advanced_analytics"],
     "description": "Unlimited, with custom domains; priced by agreement."},
]


def create_plans(apps, schema_editor):
    Plan = apps.get_model("tenants", "Plan")
    for spec in PLANS:
        Plan.objects.get_or_create(code=spec["code"], defaults=spec)


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]
    operations = [migrations.RunPython(create_plans, migrations.RunPython.noop)]
