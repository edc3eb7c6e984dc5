"""The brand colour's contrast as the API answers it (organization settings, branch settings)."""

from rest_framework import serializers


class BrandContrastSerializer(serializers.Serializer):
    """A brand colour's contrast (apps.core.colors.BrandPalette): what mobile and web clients draw with."""

    color = serializers.CharField(help_text="The brand colour, e.g. #fde047.")
    on_white_ratio = serializers.FloatField(help_text="Its WCAG 2.x contrast ratio on white (1 to 21).")
    text_color = serializers.CharField(
        help_text="Text on brand-coloured backgrounds: #ffffff, #111111 or #000000."
    )
    text_ratio = serializers.FloatField()
    ink_color = serializers.CharField(help_text="Brand-tinted text and links on white (at least 4.5:1).")
    ink_ratio_on_white = serializers.FloatField()
    meets_aa = serializers.BooleanField(help_text="The colour itself reaches 4.5:1 on white.")
    warnings = serializers.ListField(child=serializers.CharField())
    source = serializers.ChoiceField(choices=["branch", "organization"], required=False)
