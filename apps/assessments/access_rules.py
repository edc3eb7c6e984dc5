"""Moodle's quiz access rules that are not a window or a count: the quiz password (quizaccess_password) and the
network restriction (quizaccess_subnet). Settings validate with clean_password() and clean_subnets(); the
attempts part checks them with password_matches() and address_allowed(), and refuses with the errors below
(403, each with its own stable code in the API's envelope)."""

import hmac
import ipaddress
from enum import StrEnum

from django.utils.translation import gettext

from apps.core.errors import PermissionDenied

MAX_PASSWORD = 64
MAX_SUBNETS = 50
MAX_SUBNET_TEXT = 2000


class AccessErrorCode(StrEnum):
    """The refusals' codes (beside apps.core.errors.ErrorCode, as apps.apikeys.errors' are)."""

    QUIZ_PASSWORD_REQUIRED = "QUIZ_PASSWORD_REQUIRED"  # noqa: S105 (a code) - none given, one is needed
    QUIZ_PASSWORD_INVALID = "QUIZ_PASSWORD_INVALID"  # noqa: S105 (a code) - not the quiz's password
    QUIZ_NETWORK_RESTRICTED = "QUIZ_NETWORK_RESTRICTED"  # the caller's address is outside the networks


class QuizPasswordRequired(PermissionDenied):
    code = AccessErrorCode.QUIZ_PASSWORD_REQUIRED

    def __init__(self) -> None:
        super().__init__(gettext("This quiz needs a password: enter it to start an attempt."))


class QuizPasswordInvalid(PermissionDenied):
    code = AccessErrorCode.QUIZ_PASSWORD_INVALID

    def __init__(self) -> None:
        super().__init__(gettext("The password you entered is not the quiz's password."))


class QuizNetworkRestricted(PermissionDenied):
    code = AccessErrorCode.QUIZ_NETWORK_RESTRICTED

    def __init__(self) -> None:
        super().__init__(
            gettext("This quiz can only be attempted from certain networks, and yours is not one of them.")
        )


def clean_password(value, field: str, errors: dict) -> str | None:
    """The password as typed (never trimmed: it is compared exactly); empty: none."""
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_PASSWORD:
        errors[field] = [gettext("At most %(n)s characters.") % {"n": MAX_PASSWORD}]
        return None
    return value


def _network_text(network) -> str:
    """A one-address network as its address, any other in CIDR notation."""
    if network.prefixlen == network.max_prefixlen:
        return str(network.network_address)
    return str(network)


def clean_subnets(value, field: str, errors: dict) -> list[str] | None:
    """Addresses and CIDR ranges (a list, or text separated by commas, spaces or new lines, as Moodle takes
    them: "192.168.10.0/24, 10.1.2.3"), normalized, each once; an empty list: from anywhere."""
    if value is None:
        return []
    if isinstance(value, str):
        if len(value) > MAX_SUBNET_TEXT:
            errors[field] = [gettext("At most %(n)s characters.") % {"n": MAX_SUBNET_TEXT}]
            return None
        value = value.replace(",", " ").split()
    if not isinstance(value, list | tuple) or not all(isinstance(entry, str) for entry in value):
        errors[field] = [gettext("A list of IP addresses or ranges (CIDR).")]
        return None
    cleaned, problems = [], []
    for entry in value:
        entry = entry.strip()
        if not entry:
            continue
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            problems.append(
                gettext("“%(entry)s” is not an IP address or range (such as 192.168.10.0/24).")
                % {"entry": entry[:100]}
            )
            continue
        text = _network_text(network)
        if text not in cleaned:
            cleaned.append(text)
    if not problems and len(cleaned) > MAX_SUBNETS:
        problems.append(gettext("At most %(n)s addresses or ranges.") % {"n": MAX_SUBNETS})
    if problems:
        errors[field] = problems
        return None
    return cleaned


def password_matches(given, accepted) -> bool:
    """Whether `given` is one of the `accepted` passwords, compared in constant time (each one compared)."""
    if not isinstance(given, str):
        return False
    typed = given.encode()
    found = False
    for password in accepted:
        found |= hmac.compare_digest(typed, password.encode())
    return found


def address_allowed(address, subnets) -> bool:
    """Whether the client's `address` is in one of `subnets` (clean_subnets' texts). An address that is not
    one (none known) is in none; an IPv4 address mapped into IPv6 counts as itself."""
    try:
        ip = ipaddress.ip_address(str(address or "").strip())
    except ValueError:
        return False
    candidates = [ip]
    if ip.version == 6 and ip.ipv4_mapped is not None:
        candidates.append(ip.ipv4_mapped)
    for text in subnets:
        network = ipaddress.ip_network(text, strict=False)
        if any(candidate.version == network.version and candidate in network for candidate in candidates):
            return True
    return False
