"""People who become students of a class or branch later are enrolled in the courses assigned to it."""

from django.dispatch import receiver

from apps.accounts.signals import roles_granted

from .services import apply_rules_for


@receiver(roles_granted)
def enroll_newcomers(sender, assignments, **kwargs) -> None:
    apply_rules_for(assignments)
