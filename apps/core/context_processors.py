from fnmatch import fnmatchcase

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


# (label, path, who may see it, the pages it stands for) for the organization area's navigation. The
# current entry is the one whose URL names (fnmatch patterns on "namespace:name") match the page; a page no
# entry names falls back to the most specific path prefix. New pages belong to an entry by adding their URL
# names here, never by marking the entry in a template.
ORG_NAV = [
    (
        "Catalog",
        "/courses/",
        "member",
        ("courses:catalog", "courses:course", "courses:enroll", "courses:withdraw"),
    ),
    ("My learning", "/learning/", "member", ("courses:learning", "courses:resume", "courses:lesson*")),
    (
        "Teaching",
        "/courses/teaching/",
        "author",
        (
            "courses:teaching",
            "courses:create",
            "courses:edit",
            "courses:publish",
            "courses:unpublish",
            "courses:archive",
            "courses:delete",
            "courses:module_*",
            "courses:modules_*",
            "courses:items_*",
            "courses:content_*",
            "courses:media_*",
            "courses:version*",
            "courses:enrollment*",
            "courses:rule_*",
            "courses:categor*",
            "courses:tag_*",
        ),
    ),
    ("People", "/manage/people/", "manage_people_or_teach", ()),
    ("Branches", "/manage/branches/", "any_role", ()),
    ("Classes", "/manage/classes/", "any_role", ()),
    ("Import", "/manage/imports/", "manage_people", ()),
    ("API keys", "/manage/api-keys/", "org_admin", ()),
    ("Audit log", "/manage/audit/", "org_admin", ()),
    ("Settings", "/manage/settings/", "org_admin", ()),
]


def current_nav_path(request, entries) -> str | None:
    """The path of the entry that stands for this page: named by URL name first, else by path prefix."""
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else ""
    if view_name:
        for _, path, _, names in entries:
            if any(fnmatchcase(view_name, pattern) for pattern in names):
                return path
    # The most specific entry is the current one (/courses/teaching/ is Teaching, not Catalog).
    return max((path for _, path, _, _ in entries if request.path.startswith(path)), key=len, default=None)


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
    shown = [entry for entry in ORG_NAV if allowed[entry[2]]]
    current = current_nav_path(request, shown)
    return {
        "org_nav": [{"label": label, "url": path, "active": path == current} for label, path, _, _ in shown]
    }
