"""The badge's picture as PNG bytes, for the BadgeClass image and for baking.

A badge's `image` is its uploaded or generated PNG (badges core stores both: apps/badges/core/images.py). A
badge without a readable one (made before its image, a file gone from storage) is drawn by the same
generator from its name and the organization's brand colour, so every BadgeClass has a picture."""

from apps.badges.core.images import DEFAULT_COLOUR, generated_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _brand_colour() -> str:
    from tenants.identity import current_organization

    organization = current_organization()
    colour = getattr(getattr(organization, "settings", None), "primary_color", "") or DEFAULT_COLOUR
    return colour if len(colour) == 7 and colour.startswith("#") else DEFAULT_COLOUR


def badge_png(badge) -> bytes:
    """The badge's PNG: its stored image when it has one that is a PNG, else one generated from its name."""
    if badge.image:
        try:
            with badge.image.open("rb") as stored:
                data = stored.read()
        except (OSError, ValueError):
            data = b""
        if data.startswith(PNG_SIGNATURE):
            return data
    return generated_png(badge.name, _brand_colour())
