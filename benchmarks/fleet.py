"""Many organizations, fast: a stand-in for provisioning when only the number of schemas matters.

The template schema is dumped once with pg_dump (structure and rows, the django_migrations table included)
and the dump is replayed under each new schema name, with a bare Organization and Domain row. The result
is what `migrate_schemas` sees of a provisioned organization; it skips the service's subscription,
settings, first admin and event, so it is only used to top up a fleet, and always reported as such.
"""

import re
import shutil
import subprocess
import time
import warnings
from pathlib import Path

from . import common


def _pg_dump() -> str | None:
    try:
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pgserver

        bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_dump"
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    return shutil.which("pg_dump")


def template_dump(url: str) -> str:
    """SQL that re-creates the template schema, or raise RuntimeError."""
    from django.conf import settings

    binary = _pg_dump()
    if binary is None:
        raise RuntimeError("pg_dump not found")
    proc = subprocess.run(
        [binary, "--dbname", common.libpq_url(url), "--schema", settings.TENANT_BASE_SCHEMA, "--inserts",
         "--no-owner", "--no-privileges"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(f"pg_dump failed: {proc.stderr.strip()[-300:]}")
    return proc.stdout


def fill(url: str, slugs: list[str]) -> dict:
    """Create one schema (from the template dump) plus Organization and Domain rows per slug."""
    import psycopg
    from django.conf import settings

    from tenants.models import Domain, Organization
    from tenants.validators import schema_name_for

    started = time.perf_counter()
    dump = template_dump(url)
    pattern = re.compile(rf"\b{re.escape(settings.TENANT_BASE_SCHEMA)}\b")
    per_org: list[float] = []
    with psycopg.connect(common.libpq_url(url)) as conn:
        for slug in slugs:
            t0 = time.perf_counter()
            conn.execute(pattern.sub(schema_name_for(slug), dump))
            conn.commit()
            per_org.append(time.perf_counter() - t0)
    orgs = Organization.objects.bulk_create(
        Organization(name=f"Bench {slug}", slug=slug, schema_name=schema_name_for(slug),
                     admin_email=f"admin@{slug}.example.com", status=Organization.Status.ACTIVE)
        for slug in slugs
    )  # fmt: skip
    Domain.objects.bulk_create(Domain(tenant=org, domain=org.host, is_primary=True) for org in orgs)
    return {
        "count": len(slugs),
        "total_seconds": round(time.perf_counter() - started, 2),
        "schema_seconds": common.summarize(per_org),
    }
