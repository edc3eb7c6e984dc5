"""Background work on people. Tasks take ids, run in the schema they were queued from, and are safe to
run twice (re-sending an invitation email is harmless; a used invitation is refused on acceptance)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext, ngettext

from apps.core.validation import offered_language, one_line

from .models import User


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(self, *, user_id: int, url: str) -> bool:
    """The invitation, in the person's language if they have one, else in the organization's default."""
    user = User.objects.filter(pk=user_id, status=User.Status.INVITED).first()
    if user is None:
        return False
    from tenants.models import Organization

    organization = (
        Organization.objects.select_related("settings").filter(schema_name=connection.schema_name).first()
    )
    org_name = _display_name(organization)
    org_settings = getattr(organization, "settings", None)
    language = (
        offered_language(user.language)
        or offered_language(getattr(org_settings, "default_language", ""))
        or settings.LANGUAGE_CODE
    )
    days = settings.INVITATION_TIMEOUT_DAYS
    with translation.override(language):
        greeting = (
            gettext("Hello %(name)s,") % {"name": user.full_name} if user.full_name else gettext("Hello,")
        )
        invited = gettext("You have been invited to %(organization)s. Set your password to get started:") % {
            "organization": org_name
        }
        expiry = ngettext(
            "The link works once and expires in %(days)d day.",
            "The link works once and expires in %(days)d days.",
            days,
        ) % {"days": days}
        subject = gettext("You are invited to %(organization)s on LearnStack") % {"organization": org_name}
    send_mail(
        subject=subject,
        message=f"{greeting}\n\n{invited}\n\n{url}\n\n{expiry}",
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
