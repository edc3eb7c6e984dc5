"""What `manage.py seed_demo` runs, in order: the platform admin, then for each demo organization its
provisioning and, in its schema, each step of ORGANIZATION_STEPS. Every step creates only what is missing
and returns one line per thing it created, so a second run prints nothing but the logins.

A new module's demo is a module here and one row below: the demo is the top layer (it may import every app,
none imports it), so a feature never carries demo content and the order between features is written down
in one place (courses need the people the structure step makes)."""

from collections.abc import Callable, Iterator

from django_tenants.utils import schema_context

from . import assessments, badges, certificates, courses, integrations, organizations


def _courses(slug: str) -> list[str]:
    return [f"course '{title}'" for title in courses.seed_courses(slug)]


# (what it makes, the step: organization slug -> lines of what it created), run in this order.
ORGANIZATION_STEPS: list[tuple[str, Callable[[str], list[str]]]] = [
    ("branches, classes and people", organizations.seed_structure),
    ("courses, covers, enrollments and learners part-way through", _courses),
    ("an API key for a reporting dashboard", integrations.seed_api_keys),
    ("a question bank, a quiz and the class's attempts", assessments.seed_assessments),
    (
        "a certificate template, Algebra Foundations' certificates and one revoked",
        certificates.seed_certificates,
    ),
    ("badges earned from courses, quizzes and streaks, and one awarded by hand", badges.seed_badges),
]


def seed_demo() -> Iterator[str]:
    """Seed the demo; yields a line for each thing created ("acme: course 'Algebra Foundations'")."""
    for line in organizations.seed_platform():
        yield f"  platform: {line}"
    for spec in organizations.DEMO_ORGS:
        organization, made = organizations.seed_organization(spec)
        for line in made:
            yield f"  {organization.slug}: {line}"
        with schema_context(organization.schema_name):
            for _name, step in ORGANIZATION_STEPS:
                for line in step(organization.slug):
                    yield f"  {organization.slug}: {line}"
