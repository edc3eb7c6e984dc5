"""Small value checks shared by services (organization settings, branch branding, people)."""

import re
import zoneinfo

HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def is_hex_color(value) -> bool:
    return bool(HEX_COLOR.match(str(value or "")))


def is_time_zone(value) -> bool:
    try:
        zoneinfo.ZoneInfo(str(value))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True
