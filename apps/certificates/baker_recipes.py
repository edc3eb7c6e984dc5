"""model-bakery recipes for certificates:

    baker.make_recipe("certificates.template")               an active template (classic, A4 landscape)
    make_template_version(template)                          its TemplateVersion for the current `version`
    make_certificate(user=learner, course=course)            a valid certificate (no PDF yet), as issuing
                                                             would leave it (snapshot data, code, version)
    baker.make_recipe("certificates.rule", course=course)    the course issues the template automatically

Test-only helpers: model_bakery imports this module when a test asks for a recipe (model-bakery is a dev
dependency); the product never imports it. They write rows directly, without the plan check, events or
audit: for tests and isolation targets in organizations whose plan has no certificates.
"""

from django.utils import timezone
from model_bakery.recipe import Recipe, foreign_key, seq

from tenants.identity import current_organization

from .issuing.codes import new_code
from .models import Certificate, CertificateRule, CertificateTemplate, TemplateVersion

template = Recipe(
    CertificateTemplate,
    name=seq("Template "),
    signer_name="Dana Signer",
    signer_title="Director",
    status=CertificateTemplate.Status.ACTIVE,
)
rule = Recipe(CertificateRule, template=foreign_key(template), auto_issue=True)


def make_template_version(template: CertificateTemplate) -> TemplateVersion:
    from .issuing.services import current_version

    return current_version(template)


def make_certificate(*, user, course=None, assessment=None, template=None, **attrs) -> Certificate:
    from model_bakery import baker

    template = template or baker.make_recipe("certificates.template")
    version = make_template_version(template)
    issued_at = attrs.pop("issued_at", timezone.now())
    title = assessment.item.title if assessment is not None else (course.title if course is not None else "")
    data = {
        "learner": user.get_full_name() or user.email,
        "course": title,
        "course_title": title,
        "grade": "",
        "organization": getattr(current_organization(), "name", ""),
        "issued_on": issued_at.date().isoformat(),
        "expires_on": attrs["expires_at"].date().isoformat() if attrs.get("expires_at") else "",
        "template_version": version.number,
    }
    return Certificate.objects.create(
        code=attrs.pop("code", None) or new_code(user.get_full_name()),
        user=user,
        template=template,
        template_version=version,
        course=course,
        assessment=assessment,
        data={**data, **attrs.pop("data", {})},
        source=attrs.pop("source", Certificate.Source.MANUAL),
        issued_at=issued_at,
        **attrs,
    )
