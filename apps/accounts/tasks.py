"""Background work on people. Tasks take ids, run in the schema they were queued from, and are safe to
run twice (re-sending an invitation email is harmless; a used invitation is refused on acceptance)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection

from apps.core.validation import one_line

from .models import User


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(self, *, user_id: int, url: str) -> bool:
    user = User.objects.filter(pk=user_id, status=User.Status.INVITED).first()
    if user is None:
        return False
    from tenants.models import Organization

    organization = (
        Organization.objects.select_related("settings").filter(schema_name=connection.schema_name).first()
    )
    org_name = _display_name(organization)
    send_mail(
        subject=f"You are invited to {org_name} on LearnStack",
        message=(
            f"Hello{(' ' + user.full_name) if user.full_name else ''},\n\n"
            f"You have been invited to {org_name}. Set your password to get started:\n\n{url}\n\n"
            f"The link works once and expires in {settings.INVITATION_TIMEOUT_DAYS} days."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
    return True


def _display_name(organization) -> str:
    """The name the organization shows itself under (its branding), else its name."""
    if organization is None:
        return "LearnStack"
    branding = getattr(organization, "settings", None)
    return one_line(getattr(branding, "display_name", "") or organization.name)
