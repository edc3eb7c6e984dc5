from django.conf import settings

from apps.core.colors import brand_palette
from apps.core.navigation import entries_for


def platform(request):
    organization = getattr(request, "tenant", None)
    branding = None
    if organization is not None and not organization.is_public:
        try:
            branding = organization.settings
        except Exception:  # an organization being provisioned may not have settings yet
            branding = None
    return {
        "BASE_DOMAIN": settings.BASE_DOMAIN,
        "organization": organization if organization is not None and not organization.is_public else None,
        "branding": branding,
        # The brand colour and the text colours derived from it (base.html's --brand-text, --brand-ink).
        "brand_palette": brand_palette(branding.primary_color) if branding is not None else None,
    }


def org_nav(request):
    """The navigation entries the apps registered (apps.core.navigation), as this viewer sees them."""
    return {"org_nav": entries_for(request)}
