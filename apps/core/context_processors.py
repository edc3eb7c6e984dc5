from django.conf import settings


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
    }
