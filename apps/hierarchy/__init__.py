"""The organization's structure: branches and classes, and the organization area's people pages.

Owns branches (with their branding overrides) and classes with their members; their services, selectors and
API (/api/v1/organizations/{id}/branches, /api/v1/classes, /api/v1/users for the people of the structure);
the pages under /manage/ for people, branches and classes; the getting-started checklist (onboarding.py: a
registry other apps add steps to); its navigation entries, dashboard cards, events and API-key scopes.
"""
