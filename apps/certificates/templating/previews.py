"""A template printed with sample data, for the editor's "Preview" button and the preview API."""

from django.utils.translation import gettext as _

from apps.certificates.rendering import SAMPLE_DATA, render_pdf

from .snapshots import snapshot_of

SAMPLE_CODE = "1234567890AS"
SAMPLE_UUID = "0" * 32


def sample_data(organization_name: str) -> dict:
    return {
        **SAMPLE_DATA,
        "learner": _("Alex Sample"),
        "course": _("Introduction to the Course"),
        "organization": organization_name or SAMPLE_DATA["organization"],
    }


def preview_pdf(request, template, *, snapshot: dict | None = None) -> bytes:
    """`template` (or one of its version's `snapshot`) printed for a sample learner, with a QR code of a
    sample verify URL on the organization's host."""
    tenant = getattr(request, "tenant", None)
    verify_url = request.build_absolute_uri(f"/verify/{SAMPLE_UUID}")
    return render_pdf(
        snapshot if snapshot is not None else snapshot_of(template),
        sample_data(getattr(tenant, "name", "")),
        verify_url=verify_url,
        code=SAMPLE_CODE,
    )
