"""Signals other apps listen to, sent inside the transaction that made the change."""

from django.dispatch import Signal

# New role assignments (one from role_grant, many from a bulk import): `assignments`, a list.
roles_granted = Signal()
