"""Isolation and role rows of assessments (apps/assessments), one file per part:
isolation_bank.py, isolation_quizzes.py, isolation_attempts.py, isolation_transfer.py, isolation_analytics.py,
joined by tests/isolation/parts.py. Each part's objects take about a second per organization to build, and
most of the matrix's rows need none of them: they are built only for the rows that name their placeholders."""

from tests.isolation.parts import joined

API_ENDPOINTS, PAGES, PAGE_ACTIONS, ANONYMOUS_API_ENDPOINTS, TARGET_GROUPS = joined(
    "tests.assessments",
    {"bank": "bank_", "quizzes": "quiz_", "attempts": "att_", "transfer": "transfer_", "analytics": "stats_"},
)
