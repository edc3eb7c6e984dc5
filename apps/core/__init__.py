"""The bottom layer: what every app builds on, knowing none of them (tests/test_layering.py).

Owns no tables. It offers:
- errors and validation: ApplicationError and its codes (errors.py), single-line text, languages, time
  zones (validation.py), bounded ZIP reading (archives.py), WCAG colour contrast (colors.py);
- pages: member_required, the one 403 page, submit/act/refusal (pages.py), shared form fields (forms.py),
  the pager tag (templatetags), error and health views (views.py), request guards, security headers and the
  person's language and time zone (middleware*.py);
- the API base: envelope, pagination, filters, sort, sparse fields, rate limits, org-bound JWT, schema
  (api/);
- the registries apps plug into from their AppConfig.ready(): navigation entries (navigation.py), dashboard
  cards (dashboard.py), API-key scopes (api/scopes.py). Events have their own app (apps.events); usage
  counters live in tenants.selectors.
"""
