"""Bulk import of people: how long a 10,000-row file takes, end to end.

    python -m benchmarks.import_bench [--rows 10000] [--format csv|xlsx] [--repeat-unchanged]
    .venv/bin/python scripts/devdb.py exec -- .venv/bin/python -m benchmarks.import_bench

Provisions a throwaway organization (slug `bench-import-...`, Enterprise plan so no seat limit applies) on the
database in DATABASE_URL (already migrated: `make migrate`), with branches north and south and two classes;
generates a file of `--rows` people (students and every tenth a teacher, over 40 classes of which 38 are
new, so the import also creates classes); then calls the real service, exactly as the upload page and the
API do: `import_create` checks the file, and with CELERY_TASK_ALWAYS_EAGER (benchmarks.settings) the job runs
to its end before the call returns. The same file is then imported a second time (every row "unchanged"),
which is what a retried or repeated upload costs. The organization is dropped afterwards.

Prints the file check, the job's own run time, the total, and rows/s; writes benchmarks/results/import-*.json.
When benchmarks/run.py calls `main` after setting Django up on its bench database, that database is used.
"""

import argparse
import io
import os
import sys
import time
import uuid

from . import common

DEFAULT_ROWS = 10_000


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.import_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--rows", type=int, default=DEFAULT_ROWS, help=f"people in the file ({DEFAULT_ROWS})")
    p.add_argument("--format", choices=["csv", "xlsx"], default="csv", help="file format (csv)")
    p.add_argument("--no-repeat", action="store_true", help="skip the second, all-unchanged import")
    p.add_argument("--keep", action="store_true", help="keep the organization (for a look around afterwards)")
    return p.parse_args(argv)


def people(count: int) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for i in range(count):
        branch = ("north", "south")[i % 2]
        class_name = f"Group {i % 40}" if i % 40 > 1 else ("Algebra 1" if branch == "north" else "Biology 1")
        role = "teacher" if i % 10 == 0 else "student"
        rows.append((f"person{i:05d}@bench.example.com", f"Person {i}", role, branch, class_name))
    return rows


def file_content(rows, file_format: str) -> bytes:
    header = ("email", "name", "role", "branch", "class")
    if file_format == "xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    import csv

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _setup_django() -> None:
    from django.apps import apps

    if apps.ready:  # benchmarks/run.py has set Django up on its bench database
        return
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("DATABASE_URL is not set: run through `scripts/devdb.py exec --`.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", common.SETTINGS_MODULE)
    import django

    django.setup()


def _organization(slug: str):
    from django.db import connection
    from django_tenants.utils import schema_context

    from apps.accounts.models import User
    from apps.hierarchy.models import Branch, SchoolClass
    from tenants.models import Plan

    plan = Plan.objects.filter(code="enterprise").first() or common.bench_plan()
    result = common.provision(slug, plan=plan)
    organization = result.organization
    with schema_context(organization.schema_name):
        admin = User.objects.get(email=f"admin@{slug}.example.com")
        admin.status = User.Status.ACTIVE
        admin.save(update_fields=["status"])
        north = Branch.objects.create(code="north", name="North")
        south = Branch.objects.create(code="south", name="South")
        SchoolClass.objects.create(branch=north, name="Algebra 1")
        SchoolClass.objects.create(branch=south, name="Biology 1")
    connection.set_schema_to_public()
    return organization, admin


def _drop(organization) -> None:
    from django.db import connection, transaction

    from tenants.models import OrganizationEvent

    connection.set_schema_to_public()
    with transaction.atomic():
        OrganizationEvent.objects.filter(organization=organization).update(organization=None)
        organization.delete(force_drop=True)


def _import_once(organization, admin, content: bytes, filename: str) -> dict:
    from django.db import connection
    from django_tenants.utils import schema_context

    from apps.imports.models import ImportJob
    from apps.imports.parsing import parse_people_file
    from apps.imports.services import import_create

    with schema_context(organization.schema_name):
        t0 = time.perf_counter()
        parse_people_file(filename=filename, content=content)
        check = time.perf_counter() - t0
        t0 = time.perf_counter()
        job = import_create(actor=admin, filename=filename, content=content)  # runs the job (eager)
        total = time.perf_counter() - t0
        job = ImportJob.objects.get(pk=job.pk)
        run = None
        if job.finished_at and job.started_at:
            run = (job.finished_at - job.started_at).total_seconds()
        figures = {
            "status": job.status,
            "rows": job.total_rows,
            "created": job.created_count,
            "updated": job.updated_count,
            "unchanged": job.unchanged_count,
            "failed": job.failed_count,
            "file_check_seconds": round(check, 3),
            "job_run_seconds": round(run, 3) if run is not None else None,
            "total_seconds": round(total, 3),
            "rows_per_second": round(job.total_rows / total, 1) if total else None,
        }
    connection.set_schema_to_public()
    return figures


def _show(label: str, f: dict) -> None:
    print(
        f"  {label}: {f['rows']} rows {f['status']} (created {f['created']}, updated {f['updated']}, "
        f"unchanged {f['unchanged']}, failed {f['failed']}); file check {f['file_check_seconds']:.2f} s, "
        f"job {f['job_run_seconds']:.2f} s, total {f['total_seconds']:.2f} s = "
        f"{f['rows_per_second']:.0f} rows/s",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    raw = list(sys.argv[1:] if argv is None else argv)
    args = parse(raw)
    _setup_django()
    from django.db import connection

    from apps.imports.services import CHUNK_SIZE

    machine = common.machine_facts()
    common.heading(f"import: {args.rows:,} people from {args.format.upper()}")
    print(
        f"database: {connection.settings_dict['NAME']}; reproduce: "
        f".venv/bin/python scripts/devdb.py exec -- .venv/bin/python -m benchmarks.import_bench "
        f"{' '.join(raw)}".rstrip(),
        flush=True,
    )
    slug = f"{common.SLUG_PREFIX}import-{uuid.uuid4().hex[:8]}"
    rows = people(args.rows)
    t0 = time.perf_counter()
    content = file_content(rows, args.format)
    generated = time.perf_counter() - t0
    print(
        f"  generated {len(content) / 1024 / 1024:.2f} MB in {generated:.2f} s; organization {slug}",
        flush=True,
    )
    cpu = common.CpuMeter().start()
    organization, admin = _organization(slug)
    figures: dict = {"file_bytes": len(content), "chunk_size": CHUNK_SIZE}
    try:
        figures["first"] = _import_once(organization, admin, content, f"people.{args.format}")
        _show("first import ", figures["first"])
        if not args.no_repeat:
            figures["again"] = _import_once(organization, admin, content, f"people.{args.format}")
            _show("same file again", figures["again"])
    finally:
        figures["machine_cpu_busy_pct"] = cpu.stop()
        if not args.keep:
            _drop(organization)
    result = common.Result(
        name="import",
        argv=raw,
        params={"rows": args.rows, "format": args.format},
        figures=figures,
        notes=[
            "total = import_create, which checks the file and (eager Celery) runs "
            "the job; job = the job's started_at..finished_at"
        ],
    )
    path = result.write(machine)
    print(f"  -> {path.relative_to(common.ROOT)}", flush=True)
    first = figures["first"]
    ok = first["status"] == "completed" and first["failed"] == 0 and first["created"] == args.rows
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
