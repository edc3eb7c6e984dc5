"""The audit log: who did what, when and from where (services.audit_record, called by every service that
changes something), its page and API, and the readable sentence for each action (describe.py: a registry
keyed by action code; sentences.py: the toolkit each app words its own codes with, from its `audit.py`).
It sits below accounts: who may read the log is a rule apps.accounts registers (access.py)."""
