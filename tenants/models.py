"""The public schema: organizations (tenants), their domains, plans and subscriptions.

Org schemas never hold foreign keys into these tables, so tenant schemas can be spread over nodes
(Citus schema-based sharding) while this schema stays on the coordinator.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class PlanFeature(models.TextChoices):
    CERTIFICATES = "certificates", "Certificates"
    API_ACCESS = "api_access", "API access"
    WEBHOOKS = "webhooks", "Webhooks"
    CUSTOM_DOMAINS = "custom_domains", "Custom domains"
    SELF_SIGNUP = "self_signup", "Self sign-up"
    ADVANCED_ANALYTICS = "advanced_analytics", "Advanced analytics"


class Plan(models.Model):
    """A plan's limits. A limit of None means unlimited."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    max_active_users = models.PositiveIntegerField(null=True, blank=True)
    max_courses = models.PositiveIntegerField(null=True, blank=True)
    max_storage_mb = models.PositiveIntegerField(null=True, blank=True)
    features = ArrayField(
        models.CharField(max_length=40, choices=PlanFeature.choices), default=list, blank=True
    )
    monthly_price_cents = models.PositiveIntegerField(default=0)
    is_public = models.BooleanField(default=True, help_text="Offered when creating organizations.")
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def has_feature(self, feature: str) -> bool:
        return feature in self.features


class Organization(TenantMixin):
    """An organization (tenant). Its slug names its host and schema, and may be given again once the
    organization is deleted and the slug's quarantine is over (ORGANIZATION_SLUG_QUARANTINE_DAYS); its `uid`
    is never given again. Everything an organization hands out (tokens, sessions, invitation, reset and
    verification links) is bound to the uid, so nothing of a deleted organization works in a new one that
    took its slug (see tenants/identity.py)."""

    class Status(models.TextChoices):
        TRIAL = "trial", "Trial"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        ARCHIVED = "archived", "Archived"

    uid = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Never reused, unlike the slug: tokens, sessions and emailed links are bound to it.",
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=63, unique=True, help_text="Subdomain; also names the schema.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.TRIAL, db_index=True)
    status_reason = models.CharField(max_length=255, blank=True)
    # Who asked for it and whom it was made for: idempotent provisioning compares these.
    admin_email = models.EmailField()
    suspended_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Provisioning creates the schema itself, inside its own transaction (all or nothing).
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.schema_name == settings.PUBLIC_SCHEMA_NAME

    @property
    def is_usable(self) -> bool:
        return self.status in (self.Status.TRIAL, self.Status.ACTIVE)

    @property
    def host(self) -> str:
        return f"{self.slug}.{settings.BASE_HOST}"

    @property
    def primary_domain(self) -> str:
        """The host the organization is known by (its primary domain), from prefetched domains if any."""
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("domains")
        if prefetched is not None:
            primary = next((domain.domain for domain in prefetched if domain.is_primary), None)
        elif self.pk:
            primary = self.domains.filter(is_primary=True).values_list("domain", flat=True).first()
        else:
            primary = None
        return primary or self.host

    @property
    def base_url(self) -> str:
        """Where the organization lives: SITE_SCHEME, its primary domain and BASE_DOMAIN's port, if any.
        Every link the platform sends out (invitations, password resets, email verification) starts with
        this, never with the Host header of the request that caused it."""
        port = settings.BASE_DOMAIN.partition(":")[2]
        return f"{settings.SITE_SCHEME}://{self.primary_domain}{':' + port if port else ''}"

    def url_for(self, path: str) -> str:
        """`path` (host-relative, starting with "/") on the organization's own base URL."""
        return self.base_url + path


class Domain(DomainMixin):
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_primary", "domain"]


def organization_logo_path(instance: "OrganizationSettings", filename: str) -> str:
    """Each organization's files live under its own schema's folder; a fresh name per upload, so a cached
    old logo is never served for the new one."""
    extension = PurePosixPath(filename).suffix.lower().lstrip(".") or "png"
    return f"{instance.organization.schema_name}/branding/logo-{uuid.uuid4().hex}.{extension}"


class OrganizationSettings(models.Model):
    """Settings and branding an organization controls."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="settings")
    display_name = models.CharField(max_length=120, blank=True)
    primary_color = models.CharField(max_length=7, default="#2457d6")
    welcome_text = models.TextField(blank=True, max_length=2000)
    # One of settings.LANGUAGES when set (tenants/settings_validation.py). Not a `choices` field: a language
    # withdrawn from LANGUAGES may stay stored (the interface falls back to English), and must not make every
    # later change of the other settings fail validation.
    default_language = models.CharField(max_length=16, default="en")
    default_timezone = models.CharField(max_length=64, default="UTC")
    self_signup_enabled = models.BooleanField(default=False)
    allowed_email_domains = ArrayField(models.CharField(max_length=253), default=list, blank=True)
    # Served only on the organization's own host (/manage/branding/logo), never from a shared media URL.
    logo = models.ImageField(upload_to=organization_logo_path, blank=True, max_length=255)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Settings of {self.organization}"


class Subscription(models.Model):
    class Status(models.TextChoices):
        TRIALING = "trialing", "Trialing"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Past due"
        CANCELED = "canceled", "Canceled"

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="subscription")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.TRIALING)
    seats = models.PositiveIntegerField(null=True, blank=True, help_text="Paid seats; empty = plan limit.")
    current_period_start = models.DateTimeField()
    current_period_end = models.DateTimeField()
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.organization} on {self.plan}"


class OrganizationEvent(models.Model):
    """Who did what to which organization, and when. Kept after the organization is deleted."""

    class Action(models.TextChoices):
        PROVISIONED = "provisioned", "Provisioned"
        PROVISION_FAILED = "provision_failed", "Provisioning failed"
        SUSPENDED = "suspended", "Suspended"
        REACTIVATED = "reactivated", "Reactivated"
        ARCHIVED = "archived", "Archived"
        DELETED = "deleted", "Deleted"
        PLAN_CHANGED = "plan_changed", "Plan changed"
        UPDATED = "updated", "Updated"
        SETTINGS_CHANGED = "settings_changed", "Settings changed"
        DOMAIN_ADDED = "domain_added", "Domain added"
        DOMAIN_REMOVED = "domain_removed", "Domain removed"
        PRIMARY_DOMAIN_CHANGED = "primary_domain_changed", "Primary domain changed"

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    org_slug = models.CharField(max_length=63, db_index=True)
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_email = models.EmailField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.org_slug}: {self.action}"
