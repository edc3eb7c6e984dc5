"""The matrices' objects are made once per module (tests/isolation/registry.py: share_targets), inside a
transaction undone after the module's last test (tests/conftest.py: rolled_back)."""

import pytest

from tests.conftest import rolled_back

from .registry import share_targets, unshare_targets


@pytest.fixture(scope="module", autouse=True)
def _shared_targets(django_db_setup, django_db_blocker):
    from tenants.models import Organization

    with rolled_back(django_db_blocker):
        for organization in Organization.objects.filter(slug__in=("acme", "globex")).order_by("slug"):
            share_targets(organization)
        try:
            yield
        finally:
            unshare_targets()
