"""Top up the spare organization schemas (settings.TENANT_SPARE_SCHEMAS, or --count) and drop the spares of
older migration states. Run after migrate_schemas and from cron/beat; provisioning queues it too when a
Celery broker is configured."""

from django.core.management.base import BaseCommand

from tenants.ddl import spare_schemas_refill
from tenants.template import spare_schemas_target, template_schema


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, help="spares to keep (default: TENANT_SPARE_SCHEMAS)")

    def handle(self, *args, count=None, **options):
        target = spare_schemas_target() if count is None else count
        done = spare_schemas_refill(template_schema(), target=target)
        self.stdout.write(
            f"{done['spares']} spare schemas ready ({done['created']} created, {done['dropped']} stale dropped)"
        )
