"""Who is locked out after failed sign-ins, and what they are told (django-axes). The same rules hold on an
organization's sign-in page, its API and the platform's admin and console:

- **An account at an address.** AXES_FAILURE_LIMIT failures of one account from one client address within
  AXES_COOLOFF_TIME lock that pair for the cool-off. Everyone else at that address still signs in (one
  student's typos do not lock out a classroom behind the school's NAT), and so does the owner from anywhere
  else (someone who knows an address, the super-admin's included, cannot keep its owner out).
- **An address.** AXES_IP_FAILURE_LIMIT failures from one address within the cool-off, summed over every
  account tried, lock that address for every account (password spraying). A locked pair's further failures
  are not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is off), so one account spends at most
  AXES_FAILURE_LIMIT of its address's budget, and a success wipes that account's failures at that address.
- **Never an account on its own.**
- **The owner's way back in.** A password reset completed through the emailed link, and an accepted
  invitation, clear every failure recorded against the account (`account_lockout_clear`), at every
  address: its owner signs straight in, from the attacker's address too (unless that address is locked as a
  whole, which the owner's reset does not lift).
- Attempts are stored in the schema of the host they were made on: failures at acme never lock anyone out
  at globex, nor on the platform.
"""

from __future__ import annotations

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

from apps.core.api.envelope import error_response, is_api_path

from .api.errors import AuthErrorCode

# --- the rules ----------------------------------------------------------------------------------------------


class PairAndAddressHandler(AxesDatabaseHandler):
    """axes' database handler, counting per (account, address) pair as AXES_LOCKOUT_PARAMETERS says, that
    also locks an address whose failures across accounts reach AXES_IP_FAILURE_LIMIT. axes compares one
    count with one limit, both before a password is checked and after a failure; an address over its own
    limit therefore counts as the pair's limit reached."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        pair_failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if pair_failures < limit and address_failures(request) >= settings.AXES_IP_FAILURE_LIMIT:
            return limit
        return pair_failures


def address_failures(request) -> int:
    """Failed sign-ins from the request's client address within the cool-off, whatever the account."""
    address = getattr(request, "axes_ip_address", None)
    if address is None:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if get_cool_off(request) is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def account_lockout_clear(*, email: str) -> int:
    """Forget every failed sign-in of the account with this address, from every address, in this schema (its
    owner proved they hold the mailbox). Returns how many records went."""
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.reset_attempts(username=email.strip().lower())


# --- what axes asks of us -----------------------------------------------------------------------------------


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The account a sign-in attempt is for, whatever the form calls it: `login` (pages), `email` (API),
    `username` (admin, console). Lower-cased, as addresses are stored."""
    sources = [credentials or {}]
    post = getattr(request, "POST", None)
    if post is not None:
        sources.append(post)
    for source in sources:
        for key in ("email", "username", "login"):
            value = source.get(key)
            if value:
                return str(value).strip().lower()
    return None


def axes_client_ip(request) -> str | None:
    """The client's address as the API's rate limits see it (NUM_PROXIES trusted proxies), or None where
    there is none (a request made up in code, e.g. a test's force_login)."""
    from apps.core.api.throttling import client_ip

    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def cooloff_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_message() -> str:
    minutes = cooloff_minutes()
    return (
        f"Too many failed sign-in attempts. Signing in to this account, or from your network, is paused "
        f"for {minutes} minute{'s' if minutes != 1 else ''}. Try again later, or reset your password."
    )


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out sign-in gets: 429 with ACCOUNT_LOCKED in the API's envelope, a page elsewhere
    (the sign-in page, the admin and the console alike)."""
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if is_api_path(request.path):
        if original_response is not None and original_response.status_code == 429:
            return original_response  # the API view already answered in the envelope
        response = error_response(
            429,
            str(AuthErrorCode.ACCOUNT_LOCKED),
            lockout_message(),
            {"retry_after_seconds": int(retry_after)},
        )
    else:
        response = render(
            request,
            "account/lockout.html",
            {"lockout_message": lockout_message(), "cooloff_minutes": cooloff_minutes()},
            status=429,
        )
    response["Retry-After"] = retry_after
    return response
