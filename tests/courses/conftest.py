"""Course builders shared by the course, content, enrollment and progress tests.

    course = build_course(acme, owner=person(acme, "teacher"), modules=2, items_per_module=3)

builds through the real services (so versions, positions and audit entries are as in production) and
returns the course, published unless publish=False. Call it outside any `in_org` block: it enters the org.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import in_org, person

# The smallest valid files of some types, for uploads.
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# An ISO base media (MP4) header: 'ftyp' box with brand isom.
MP4_BYTES = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
PE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def upload_stream(name: str, data: bytes) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def build_course(
    organization,
    *,
    owner=None,
    title: str = "Course",
    modules: int = 1,
    items_per_module: int = 2,
    publish: bool = True,
    branches=None,
    **values,
):
    from apps.courses import services

    with in_org(organization):
        owner = owner or person(organization, "teacher")
        create_values = dict(values)
        if branches is not None:
            create_values["branches"] = [getattr(b, "pk", b) for b in branches]
        course = services.course_create(actor=owner, title=title, **create_values)
        for m in range(modules):
            module = services.module_create(actor=owner, course=course, title=f"Module {m + 1}")
            for i in range(items_per_module):
                services.content_create(
                    actor=owner,
                    module=module,
                    kind="text",
                    title=f"Lesson {m + 1}.{i + 1}",
                    body=f"# Lesson {m + 1}.{i + 1}\n\nSome *text*.",
                )
        if publish:
            services.course_publish(actor=owner, course=course)
        course.refresh_from_db()
        return course


@pytest.fixture
def acme_course(acme, acme_teacher):
    """A published course of acme's north branch, owned by teacher@ (2 modules x 2 text lessons)."""
    return build_course(acme, owner=acme_teacher, title="Algebra Basics", modules=2, items_per_module=2)
