"""model-bakery recipe for people imports: `baker.make_recipe("imports.import_job", created_by=manager)`, a
finished CSV import of one row (its rows are not made; add ImportRow rows where a test reads them).

Test-only helpers: model_bakery imports this module when a test asks for a recipe (model-bakery is a dev
dependency); the product never imports it.
"""

from model_bakery.recipe import Recipe, foreign_key, seq

from .models import ImportJob

SOURCE = b"email,role,branch\nada@example.com,student,north\n"

import_job = Recipe(
    ImportJob,
    created_by=foreign_key("accounts.branch_manager"),
    created_by_email=seq("uploader", suffix="@example.com"),
    filename=seq("people-", suffix=".csv"),
    file_format=ImportJob.Format.CSV,
    source=SOURCE,
    size_bytes=len(SOURCE),
    status=ImportJob.Status.COMPLETED,
    total_rows=1,
    processed_rows=1,
    created_count=1,
)
