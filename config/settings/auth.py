"""Authentication settings (sign-in flows, MFA, lockout). `configure(namespace)` is called at the end of
base.py with base's globals, so this module may extend INSTALLED_APPS, MIDDLEWARE and the rest.

- Browser flows: django-allauth (login, logout, optional self-signup, email verification, password reset)
  and allauth.mfa (TOTP + recovery codes). Their tables live in every organization's schema (people live
  there) and in the public schema too, so that deleting a platform operator never meets a missing table.
- Lockout: django-axes, database handler (apps/accounts/lockout.py). Attempts are stored in the schema of the
  host they were made on, so failures at acme never lock anyone out at globex, nor the platform's admin.
  Within AXES_COOLOFF_MINUTES, AXES_FAILURE_LIMIT failures of one account from one address lock that pair,
  and AXES_IP_FAILURE_LIMIT failures from one address across accounts lock the address, for that long; an
  account is never locked on its own (its owner elsewhere, and the classroom behind the same NAT, sign in).
  A password reset through the emailed link lifts the account's locks.
"""

import os
from datetime import timedelta

AUTH_APPS = ["allauth", "allauth.account", "allauth.mfa", "axes"]


def configure(ns: dict) -> None:
    env = os.environ.get

    # --- apps and middleware --------------------------------------------------------------------------------
    for list_name in ("SHARED_APPS", "TENANT_APPS"):
        ns[list_name] = [*ns[list_name], *[app for app in AUTH_APPS if app not in ns[list_name]]]
    shared = ns["SHARED_APPS"]
    ns["INSTALLED_APPS"] = shared + [app for app in ns["TENANT_APPS"] if app not in shared]

    middleware = list(ns["MIDDLEWARE"])
    # Right after the session's user is known: a session signed in at another organization (or at a deleted
    # one whose slug was given again) is signed out before anything reads it (apps/accounts/middleware.py).
    auth_at = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    middleware.insert(auth_at + 1, "apps.accounts.middleware.SessionOrganizationMiddleware")
    messages_at = middleware.index("django.contrib.messages.middleware.MessageMiddleware")
    middleware.insert(messages_at + 1, "allauth.account.middleware.AccountMiddleware")
    # Last, so that it turns a lockout flagged during authentication into the lockout answer.
    middleware.append("axes.middleware.AxesMiddleware")
    ns["MIDDLEWARE"] = middleware

    # The lockout check first: it refuses before any password is checked. allauth's backend then signs people
    # in by email (pages, API, admin and console alike) and provides ModelBackend's permissions.
    ns["AUTHENTICATION_BACKENDS"] = [
        "axes.backends.AxesStandaloneBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ]

    # --- django-allauth -------------------------------------------------------------------------------------
    ns["ACCOUNT_ADAPTER"] = "apps.accounts.adapters.OrgAccountAdapter"
    ns["ACCOUNT_LOGIN_METHODS"] = {"email"}
    ns["ACCOUNT_SIGNUP_FIELDS"] = ["email*", "password1*", "password2*"]
    ns["ACCOUNT_USER_MODEL_USERNAME_FIELD"] = None
    ns["ACCOUNT_USER_MODEL_EMAIL_FIELD"] = "email"
    ns["ACCOUNT_UNIQUE_EMAIL"] = True
    # Mandatory for people who signed themselves up (their address is on file unverified); people an
    # administrator invited proved their address by following the invitation link (see the adapter's stage).
    ns["ACCOUNT_EMAIL_VERIFICATION"] = "mandatory"
    # Keys stored in the organization's schema: an HMAC key names an address id, and ids repeat across orgs.
    ns["ACCOUNT_EMAIL_CONFIRMATION_HMAC"] = False
    ns["ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS"] = int(env("ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS", "3"))
    ns["ACCOUNT_CONFIRM_EMAIL_ON_GET"] = False
    ns["ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION"] = True
    ns["ACCOUNT_PREVENT_ENUMERATION"] = True
    ns["ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS"] = False  # no mail to addresses that have no account here
    ns["ACCOUNT_EMAIL_NOTIFICATIONS"] = True  # "your password was changed", "two-factor turned on", ...
    ns["ACCOUNT_EMAIL_SUBJECT_PREFIX"] = None  # the adapter prefixes the organization's name
    ns["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] = ns.get("SITE_SCHEME", "http")
    ns["ACCOUNT_LOGOUT_ON_GET"] = False
    ns["ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE"] = False
    ns["ACCOUNT_LOGIN_ON_PASSWORD_RESET"] = False
    ns["ACCOUNT_SESSION_REMEMBER"] = None  # a "keep me signed in" box
    ns["ACCOUNT_FORMS"] = {
        "login": "apps.accounts.forms.OrgLoginForm",
        "signup": "apps.accounts.forms.OrgSignupForm",
    }
    ns["ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR"] = "apps.accounts.adapters.PasswordResetTokenGenerator"
    # allauth's own limits stay for e-mails sent and MFA codes; repeated wrong passwords are axes' job (the
    # adapter skips allauth's password-failure counter so there is one lockout with one message).
    ns["ACCOUNT_RATE_LIMITS"] = {
        "reset_password": "20/m/ip,5/m/key",
        "reset_password_from_key": "20/m/ip",
        "signup": "20/m/ip",
        # Sign-in attempts per address (successes too): a classroom behind one NAT signs in within a minute.
        "login": "100/m/ip",
        "login_failed": "10/m/ip,5/300s/key",  # used by allauth.mfa for wrong codes
    }

    # --- allauth.mfa ----------------------------------------------------------------------------------------
    ns["MFA_ADAPTER"] = "apps.accounts.adapters.OrgMFAAdapter"
    ns["MFA_SUPPORTED_TYPES"] = ["totp", "recovery_codes"]
    ns["MFA_TOTP_PERIOD"] = 30
    ns["MFA_TOTP_DIGITS"] = 6
    ns["MFA_TOTP_TOLERANCE"] = int(env("MFA_TOTP_TOLERANCE", "1"))  # one period either side: clock drift
    ns["MFA_RECOVERY_CODE_COUNT"] = 10
    ns["MFA_PASSKEY_LOGIN_ENABLED"] = False
    ns["MFA_TRUST_ENABLED"] = False

    # --- django-axes ----------------------------------------------------------------------------------------
    ns["AXES_ENABLED"] = True
    # axes' database handler, plus the address's own limit across accounts (apps/accounts/lockout.py).
    ns["AXES_HANDLER"] = "apps.accounts.lockout.PairAndAddressHandler"
    ns["AXES_FAILURE_LIMIT"] = int(env("AXES_FAILURE_LIMIT", "5"))  # one account from one address
    # One address across accounts. A locked pair stops counting, so this is at least 20 accounts tried from
    # one address, yet room for a whole school behind one NAT mistyping at the start of a lesson.
    ns["AXES_IP_FAILURE_LIMIT"] = int(env("AXES_IP_FAILURE_LIMIT", "100"))
    ns["AXES_COOLOFF_TIME"] = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "15")))
    # The account at an address: `[["username", "ip_address"]]` counts the pair, never the account alone.
    ns["AXES_LOCKOUT_PARAMETERS"] = [["username", "ip_address"]]
    ns["AXES_RESET_ON_SUCCESS"] = True
    # A wrong password during a lockout does not push its end further out: the message's time stays true.
    ns["AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT"] = False
    ns["AXES_DISABLE_ACCESS_LOG"] = True  # successes are not logged row by row; failures are counted
    ns["AXES_HTTP_RESPONSE_CODE"] = 429
    ns["AXES_USERNAME_CALLABLE"] = "apps.accounts.lockout.axes_username"
    # The same notion of the client's address as the API's rate limits (NUM_PROXIES trusted proxies).
    ns["AXES_CLIENT_IP_CALLABLE"] = "apps.accounts.lockout.axes_client_ip"
    ns["AXES_LOCKOUT_CALLABLE"] = "apps.accounts.lockout.lockout_response"
    ns["ALLAUTH_TRUSTED_PROXY_COUNT"] = int(ns.get("NUM_PROXIES", 0) or 0)
