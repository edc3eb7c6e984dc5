"""`migrate_schemas` that also keeps the template schema migrated and the public tenant row present."""

from django.db import connection
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.utils import get_public_schema_name

from tenants.template import (
    ensure_public_tenant,
    ensure_template_schema,
    install_clone_function,
    template_schema,
)


class Command(MigrateSchemasCommand):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        connection.set_schema_to_public()
        if self.sync_public:
            ensure_public_tenant()
        targets_all_tenants = self.sync_tenant and (
            not self.schema_name or self.schema_name == get_public_schema_name()
        )
        if targets_all_tenants or self.schema_name == template_schema():
            from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION

            ensure_template_schema()
            executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
            executor.run_migrations(tenants=[template_schema()])
            connection.set_schema_to_public()
            install_clone_function()  # the current django-tenants version's function, once per migrate
