"""Writes on organizations. The console, the platform API and management commands all call these."""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from apps.accounts.models import RoleAssignment
from apps.accounts.services import user_invite
from apps.core.errors import InvalidState, ValidationFailed, validation_error_from_django

from .models import Domain, Organization, OrganizationEvent, OrganizationSettings, Plan, Subscription
from .retirement import delete_tenant_media, purge_tenant_cache, slug_quarantine_problem
from .template import clone_from_template, spare_schemas_target, template_schema
from .validators import schema_name_for, slug_problems

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    """Who is acting, for the event log: a user (or none, for the system), the schema that user lives in,
    and their address. Only platform users (public schema) are linked by foreign key; an org member is
    recorded by email and org, never by id, since their id means nothing in the public schema."""

    user: object | None = None
    ip_address: str | None = None
    schema: str = "public"

    @property
    def email(self) -> str:
        return getattr(self.user, "email", "") or ""


SYSTEM = Actor()


@dataclass(frozen=True)
class ProvisionResult:
    organization: Organization
    created: bool
    invitation_url: str | None
    seconds: float


def _record(organization: Organization | None, slug: str, action: str, actor: Actor, **details) -> None:
    is_platform_user = actor.schema == settings.PUBLIC_SCHEMA_NAME and getattr(actor.user, "pk", None)
    if actor.user is not None and not is_platform_user:
        details["actor_org"] = actor.schema
    OrganizationEvent.objects.create(
        organization=organization,
        org_slug=slug,
        action=action,
        actor=actor.user if is_platform_user else None,
        actor_email=actor.email,
        ip_address=actor.ip_address,
        details=details,
    )


def _validate_provision_input(
    *, name: str, slug: str, plan: Plan | None, admin_email: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Give the organization a name."]
    elif len(name) > 120:
        errors["name"] = ["Use at most 120 characters."]
    if problems := slug_problems(slug):
        errors["slug"] = problems
    if plan is None:
        errors["plan"] = ["Choose a plan."]
    try:
        validate_email(admin_email)
    except ValidationError:
        errors["admin_email"] = ["Enter a valid email address."]
    return errors


def provision_slug_problem(slug: str, *, name: str, admin_email: str) -> str | None:
    """Why a well-formed slug cannot be provisioned now: taken (unless it is the same request again, which
    provisioning answers with the existing organization), or quarantined after a deletion."""
    existing = Organization.objects.filter(slug=slug).first()
    if existing is not None:
        if existing.admin_email == admin_email and existing.name == name:
            return None
        return "This slug is already taken."
    return slug_quarantine_problem(slug)


def _create_schema(schema_name: str, *, use_template: bool) -> None:
    if use_template and schema_exists(template_schema()):
        clone_from_template(schema_name)
        if spare_schemas_target() and not settings.CELERY_TASK_ALWAYS_EAGER:
            # In the background only: inline, the refill would put the schema's cost back into the request.
            transaction.on_commit(_queue_spare_refill, robust=True)
    else:
        from django.core.management import call_command

        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema_name}"')
        call_command("migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0)
    connection.set_schema_to_public()


def organization_provision(
    *,
    name: str,
    slug: str,
    plan: Plan | None,
    admin_email: str,
    admin_name: str = "",
    trial_days: int | None = None,
    actor: Actor = SYSTEM,
    use_template: bool = True,
) -> ProvisionResult:
    """Create an organization: schema (cloned from the template), domain, subscription, settings and its
    first Org Admin with an invitation link. All or nothing, and idempotent on slug: asking again for the
    same slug and admin returns the existing organization instead of failing."""
    started = time.perf_counter()
    name, slug, admin_email = name.strip(), slug.strip().lower(), admin_email.strip().lower()
    errors = _validate_provision_input(name=name, slug=slug, plan=plan, admin_email=admin_email)
    existing = None if "slug" in errors else Organization.objects.filter(slug=slug).first()
    if existing is not None and not errors and existing.admin_email == admin_email and existing.name == name:
        return ProvisionResult(existing, created=False, invitation_url=None, seconds=0.0)
    # Every problem at once: a taken slug is reported together with a bad email, not after it is fixed.
    if "slug" not in errors and (problem := provision_slug_problem(slug, name=name, admin_email=admin_email)):
        errors["slug"] = [problem]
    if errors:
        raise ValidationFailed(errors)

    schema_name = schema_name_for(slug)
    trial_days = settings.ORGANIZATION_TRIAL_DAYS if trial_days is None else trial_days
    now = timezone.now()
    connection.set_schema_to_public()
    try:
        with transaction.atomic():
            organization = Organization(
                name=name,
                slug=slug,
                schema_name=schema_name,
                admin_email=admin_email,
                status=Organization.Status.TRIAL if trial_days else Organization.Status.ACTIVE,
            )
            organization.full_clean()
            organization.save()
            _create_schema(schema_name, use_template=use_template)
            Domain.objects.create(tenant=organization, domain=organization.host, is_primary=True)
            Subscription.objects.create(
                organization=organization,
                plan=plan,
                status=Subscription.Status.TRIALING if trial_days else Subscription.Status.ACTIVE,
                current_period_start=now,
                current_period_end=now + timedelta(days=trial_days or 30),
                trial_ends_at=now + timedelta(days=trial_days) if trial_days else None,
            )
            OrganizationSettings.objects.create(organization=organization, display_name=name)
            with schema_context(schema_name):
                invitation = user_invite(
                    email=admin_email, full_name=admin_name, roles=[RoleAssignment.Role.ORG_ADMIN]
                )
            invitation_url = organization.url_for(invitation.path)
            seconds = time.perf_counter() - started
            _record(
                organization,
                slug,
                OrganizationEvent.Action.PROVISIONED,
                actor,
                plan=plan.code,
                admin_email=admin_email,
                seconds=round(seconds, 3),
            )
            # robust: a broker outage after commit must not report a committed organization as failed;
            # the invitation can be re-sent from the console.
            transaction.on_commit(
                lambda: _queue_invitation_email(organization.schema_name, invitation.user.pk, invitation_url),
                robust=True,
            )
    except ValidationError as exc:
        connection.set_schema_to_public()
        failure = validation_error_from_django(exc)
        if "schema_name" in failure.field_errors:
            failure.field_errors["slug"] = failure.field_errors.pop("schema_name")
        raise failure from exc
    except IntegrityError as exc:
        # Lost a race with a concurrent request for the same slug: that one won, nothing of ours remains.
        connection.set_schema_to_public()
        raise ValidationFailed({"slug": ["This slug is already taken."]}) from exc
    except Exception as exc:
        connection.set_schema_to_public()
        logger.exception("Provisioning %s failed", slug)
        _record(
            None,
            slug,
            OrganizationEvent.Action.PROVISION_FAILED,
            actor,
            error=f"{type(exc).__name__}: {exc}"[:500],
            admin_email=admin_email,
        )
        raise
    return ProvisionResult(organization, created=True, invitation_url=invitation_url, seconds=seconds)


def _queue_spare_refill() -> None:
    from .tasks import refill_spare_schemas

    refill_spare_schemas.delay()


def _queue_invitation_email(schema_name: str, user_id: int, url: str) -> None:
    from apps.accounts.tasks import send_invitation_email

    with schema_context(schema_name):
        send_invitation_email.delay(user_id=user_id, url=url)


def _transition(
    organization: Organization,
    *,
    to: str,
    allowed_from: set[str],
    action: str,
    actor: Actor,
    reason: str = "",
    **fields,
) -> Organization:
    if organization.is_public:
        raise InvalidState("The platform itself cannot change state.")
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        if locked.status not in allowed_from:
            raise InvalidState(
                f"An organization that is {locked.get_status_display().lower()} cannot be {action}.",
                details={"status": [locked.status]},
            )
        previous = locked.status
        locked.status = to
        locked.status_reason = reason
        for field, value in fields.items():
            setattr(locked, field, value)
        locked.save(update_fields=["status", "status_reason", "updated_at", *fields])
        _record(locked, locked.slug, action, actor, previous=previous, reason=reason)
    return locked


def organization_suspend(
    *, organization: Organization, actor: Actor = SYSTEM, reason: str = ""
) -> Organization:
    return _transition(
        organization,
        to=Organization.Status.SUSPENDED,
        allowed_from={Organization.Status.TRIAL, Organization.Status.ACTIVE},
        action=OrganizationEvent.Action.SUSPENDED,
        actor=actor,
        reason=reason,
        suspended_at=timezone.now(),
    )


def organization_reactivate(*, organization: Organization, actor: Actor = SYSTEM) -> Organization:
    subscription = Subscription.objects.filter(organization=organization).first()
    to = (
        Organization.Status.TRIAL
        if subscription and subscription.status == Subscription.Status.TRIALING
        else Organization.Status.ACTIVE
    )
    return _transition(
        organization,
        to=to,
        allowed_from={Organization.Status.SUSPENDED, Organization.Status.ARCHIVED},
        action=OrganizationEvent.Action.REACTIVATED,
        actor=actor,
        suspended_at=None,
        archived_at=None,
    )


def organization_archive(
    *, organization: Organization, actor: Actor = SYSTEM, reason: str = ""
) -> Organization:
    return _transition(
        organization,
        to=Organization.Status.ARCHIVED,
        allowed_from={Organization.Status.TRIAL, Organization.Status.ACTIVE, Organization.Status.SUSPENDED},
        action=OrganizationEvent.Action.ARCHIVED,
        actor=actor,
        reason=reason,
        archived_at=timezone.now(),
    )


def organization_deletable_at(organization: Organization):
    if organization.status != Organization.Status.ARCHIVED or organization.archived_at is None:
        return None
    return organization.archived_at + timedelta(days=settings.ORGANIZATION_DELETE_GRACE_DAYS)


def organization_delete(*, organization: Organization, actor: Actor = SYSTEM) -> None:
    """Drop the organization's schema and rows, then (after commit) its files and its cached entries. Only
    for organizations archived for the grace period. Its slug then stays retired for
    ORGANIZATION_SLUG_QUARANTINE_DAYS (tenants/retirement.py)."""
    if organization.is_public:
        raise InvalidState("The platform itself cannot be deleted.")
    deletable_at = organization_deletable_at(organization)
    if deletable_at is None:
        raise InvalidState("Archive the organization first; it can be deleted after the grace period.")
    if timezone.now() < deletable_at:
        raise InvalidState(
            f"The organization can be deleted from {deletable_at:%Y-%m-%d %H:%M} UTC, "
            f"{settings.ORGANIZATION_DELETE_GRACE_DAYS} days after it was archived.",
            details={"deletable_at": [deletable_at.isoformat()]},
        )
    connection.set_schema_to_public()
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        _record(locked, locked.slug, OrganizationEvent.Action.DELETED, actor, name=locked.name)
        OrganizationEvent.objects.filter(organization=locked).update(organization=None)
        schema_name = locked.schema_name
        locked.delete(force_drop=True)
        # Once the drop is for good; robust: a storage or cache outage must not report the deletion as failed.
        transaction.on_commit(lambda: purge_tenant_cache(schema_name), robust=True)
        transaction.on_commit(lambda: delete_tenant_media(schema_name), robust=True)


def organization_update(
    *, organization: Organization, actor: Actor = SYSTEM, name: str | None = None
) -> Organization:
    changes = {}
    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationFailed({"name": ["Give the organization a name."]})
        if len(name) > 120:
            raise ValidationFailed({"name": ["Use at most 120 characters."]})
        changes["name"] = name
    if not changes:
        return organization
    with transaction.atomic():
        for field, value in changes.items():
            setattr(organization, field, value)
        organization.save(update_fields=[*changes, "updated_at"])
        _record(organization, organization.slug, OrganizationEvent.Action.UPDATED, actor, **changes)
    return organization


def subscription_change_plan(
    *, organization: Organization, plan: Plan, actor: Actor = SYSTEM, seats: int | None = None
) -> Subscription:
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update().select_related("plan").get(organization=organization)
        )
        previous = subscription.plan.code
        if previous == plan.code and seats == subscription.seats:
            return subscription
        subscription.plan = plan
        subscription.seats = seats
        subscription.save(update_fields=["plan", "seats", "updated_at"])
        _record(
            organization,
            organization.slug,
            OrganizationEvent.Action.PLAN_CHANGED,
            actor,
            previous=previous,
            plan=plan.code,
            seats=seats,
        )
    return subscription


SETTINGS_FIELDS = (
    "display_name",
    "primary_color",
    "welcome_text",
    "default_language",
    "default_timezone",
    "self_signup_enabled",
    "allowed_email_domains",
)


def organization_settings_update(
    *, organization: Organization, actor: Actor = SYSTEM, logo=None, remove_logo: bool = False, **values
) -> OrganizationSettings:
    """Change an organization's settings and branding, and its logo (an already validated image file, see
    tenants/branding.py). Recorded in the platform's event log and, when an org member acts, in the
    organization's own audit log. A replaced logo file is removed once the change commits; a new file is
    removed again if the change rolls back."""
    from django.core.files.storage import default_storage

    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationFailed({field: ["Unknown setting."] for field in sorted(unknown)})
    from .settings_validation import clean_settings

    cleaned = clean_settings(values)
    stored = None
    try:
        with transaction.atomic():
            org_settings, _ = OrganizationSettings.objects.select_for_update().get_or_create(
                organization=organization, defaults={"display_name": organization.name}
            )
            changed = sorted(f for f, v in cleaned.items() if getattr(org_settings, f) != v)
            for field, value in cleaned.items():
                setattr(org_settings, field, value)
            old_logo = org_settings.logo.name
            if logo is not None:
                org_settings.logo.save(logo.name, logo, save=False)
                stored = org_settings.logo.name
            elif remove_logo:
                org_settings.logo = ""
            if org_settings.logo.name != old_logo:
                changed.append("logo")
                if old_logo:
                    transaction.on_commit(lambda: default_storage.delete(old_logo))
            try:
                org_settings.full_clean()
            except ValidationError as exc:
                raise validation_error_from_django(exc) from exc
            org_settings.save()
            if changed:
                _record(
                    organization,
                    organization.slug,
                    OrganizationEvent.Action.SETTINGS_CHANGED,
                    actor,
                    fields=changed,
                )
                if (
                    actor.schema == organization.schema_name
                    and connection.schema_name == organization.schema_name
                ):
                    from apps.audit.services import audit_record

                    audit_record(
                        actor=actor.user,
                        action="organization.settings_updated",
                        target=org_settings,
                        target_repr=organization.name,
                        changes={"fields": changed},
                    )
    except Exception:
        if stored:
            default_storage.delete(stored)  # nothing refers to it: the change was rolled back
        raise
    return org_settings
