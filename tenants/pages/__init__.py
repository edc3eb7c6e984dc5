"""The organization's settings and branding page (/manage/settings/) and its logo (/manage/branding/logo),
on the organization's host, beside the organization settings API (tenants/api/org_views.py): page and API
read through tenants.selectors.organization_settings_get and write through
tenants.services.organization_settings_update."""
