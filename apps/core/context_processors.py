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


# (label, path, who may see it) for the organization area's navigation.
ORG_NAV = [
    ("Catalog", "/courses/", "member"),
    ("My learning", "/learning/", "member"),
    ("Teaching", "/courses/teaching/", "author"),
    ("People", "/manage/people/", "manage_people_or_teach"),
    ("Branches", "/manage/branches/", "any_role"),
    ("Classes", "/manage/classes/", "any_role"),
    ("Import", "/manage/imports/", "manage_people"),
    ("API keys", "/manage/api-keys/", "org_admin"),
    ("Audit log", "/manage/audit/", "org_admin"),
    ("Settings", "/manage/settings/", "org_admin"),
]


def org_nav(request):
    organization = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    if organization is None or organization.is_public or user is None or not user.is_authenticated:
        return {"org_nav": []}
    from apps.accounts.permissions import scope_of
    from apps.courses.permissions import can_author

    scope = scope_of(user)
    allowed = {
        "member": True,
        "author": can_author(scope),
        "org_admin": scope.is_org_admin,
        "manage_people": scope.can_manage_people(),
        "manage_people_or_teach": scope.can_manage_people() or scope.is_teacher,
        "any_role": bool(scope.roles),
    }
    shown = [(label, path) for label, path, rule in ORG_NAV if allowed[rule]]
    # The most specific entry is the current one (/courses/teaching/ is Teaching, not Catalog).
    current = max((path for _, path in shown if request.path.startswith(path)), key=len, default=None)
    return {"org_nav": [{"label": label, "url": path, "active": path == current} for label, path in shown]}
