"""People and what they may do.

Owns the user model (in the public schema: platform operators; in each organization's schema: its people),
role assignments (Org Admin, Branch Manager, Teacher, Student, scoped to branches and classes), the
permission module that decides every role question (permissions.py: Scope), the API base class that acts
within a viewer's scope (scoped_api.py), people's services and selectors, invitation and reset tokens bound
to the organization, sign-in flows (django-allauth adapters, lockout, MFA), token rotation and revocation,
the auth API (/api/v1/auth/...), the profile page, and its events (events.py) and API-key scope (scopes.py).
"""
