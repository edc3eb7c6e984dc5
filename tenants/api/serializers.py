from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.brand import BrandContrastSerializer
from apps.core.api.fields import SingleLineCharField, column_range
from apps.core.api.serializers import PlannedModelSerializer
from apps.core.colors import brand_palette
from apps.core.validation import validate_single_line
from tenants.models import Domain, Organization, OrganizationSettings, Plan, Subscription


class PlanSerializer(PlannedModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "id",
            "code",
            "name",
            "max_active_users",
            "max_courses",
            "max_storage_mb",
            "features",
            "monthly_price_cents",
        ]
        read_only_fields = fields


class SubscriptionSerializer(PlannedModelSerializer):
    plan = PlanSerializer(read_only=True)

    class Meta:
        model = Subscription
        fields = ["status", "plan", "seats", "current_period_start", "current_period_end", "trial_ends_at"]
        read_only_fields = fields


class DomainSerializer(PlannedModelSerializer):
    class Meta:
        model = Domain
        fields = ["domain", "is_primary"]
        read_only_fields = fields


class OrganizationDomainSerializer(PlannedModelSerializer):
    """A domain with what the platform API needs to manage it: its id, and whether it is the organization's
    own `{slug}.BASE_DOMAIN` (which cannot be removed)."""

    is_own_address = serializers.SerializerMethodField(
        help_text="The organization's own {slug}.BASE_DOMAIN address: it can never be removed."
    )

    class Meta:
        model = Domain
        fields = ["id", "domain", "is_primary", "is_own_address", "created_at"]
        read_only_fields = fields

    def get_is_own_address(self, domain) -> bool:
        return domain.domain == domain.tenant.host


class DomainCreateSerializer(serializers.Serializer):
    domain = serializers.CharField(
        max_length=253, help_text="A host name such as learning.example.com: no scheme, port or path."
    )


class OrganizationSerializer(PlannedModelSerializer):
    subscription = SubscriptionSerializer(read_only=True)
    domains = DomainSerializer(many=True, read_only=True)
    url = serializers.CharField(source="base_url", read_only=True)
    usage = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "schema_name",
            "status",
            "status_reason",
            "admin_email",
            "url",
            "domains",
            "subscription",
            "usage",
            "suspended_at",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_usage(self, organization) -> dict:
        return self.context.get("usage", {}).get(organization.pk, {})


class OrganizationCreateSerializer(serializers.Serializer):
    name = SingleLineCharField(max_length=120)
    slug = serializers.CharField(max_length=63)
    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.all())
    admin_email = serializers.EmailField()
    admin_name = SingleLineCharField(max_length=150, required=False, allow_blank=True, default="")
    trial_days = serializers.IntegerField(min_value=0, max_value=365, required=False)


class OrganizationProvisionedSerializer(serializers.Serializer):
    organization = OrganizationSerializer()
    invitation_url = serializers.CharField(allow_null=True)
    seconds = serializers.FloatField()


class OrganizationUpdateSerializer(serializers.Serializer):
    name = SingleLineCharField(max_length=120, required=False)
    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.all(), required=False)
    seats = serializers.IntegerField(
        min_value=1,
        max_value=column_range(Subscription, "seats")["max_value"],
        required=False,
        allow_null=True,
    )
    status = serializers.ChoiceField(
        choices=["active", "suspended", "archived"],
        required=False,
        help_text="active reactivates a suspended or archived organization.",
    )
    status_reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class OrganizationSettingsSerializer(PlannedModelSerializer):
    # One of the offered languages; a withdrawn one still stored is read back as it is (and falls back to
    # English on the pages).
    default_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    allowed_email_domains = serializers.ListField(child=serializers.CharField(max_length=253), required=False)
    contrast = serializers.SerializerMethodField(
        help_text="The brand colour's WCAG contrast on white and the colours derived from it for text on it "
        "and for links; `warnings` says when the chosen colour is too light or dark for text as it is."
    )

    @extend_schema_field(BrandContrastSerializer)
    def get_contrast(self, org_settings) -> dict:
        return brand_palette(org_settings.primary_color).as_dict()

    class Meta:
        model = OrganizationSettings
        fields = [
            "display_name",
            "primary_color",
            "welcome_text",
            "default_language",
            "default_timezone",
            "self_signup_enabled",
            "allowed_email_domains",
            "contrast",
            "updated_at",
        ]
        read_only_fields = ["contrast", "updated_at"]
        extra_kwargs = {"display_name": {"validators": [validate_single_line]}}


class OwnOrganizationSerializer(PlannedModelSerializer):
    """What an organization's members may know about their own organization."""

    subscription = SubscriptionSerializer(read_only=True)
    domains = DomainSerializer(many=True, read_only=True)
    url = serializers.CharField(source="base_url", read_only=True)
    settings = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "status", "url", "domains", "subscription", "settings", "created_at"]
        read_only_fields = fields

    def get_settings(self, organization) -> dict | None:
        org_settings = getattr(organization, "settings", None)
        return OrganizationSettingsSerializer(org_settings).data if org_settings else None


class OwnOrganizationUpdateSerializer(serializers.Serializer):
    name = SingleLineCharField(max_length=120)
