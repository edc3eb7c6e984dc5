"""Two-factor authentication (allauth.mfa: TOTP and recovery codes): set up in the browser, then required to
sign in on the page and through the API, where a recovery code works once in place of an app code."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator

from tests.conftest import PASSWORD, browser_for, client_for, in_org

LOGIN_API = "/api/v1/auth/login"


def totp(secret: str, *, step: int = 0) -> str:
    """RFC 6238 (HMAC-SHA1, 30 s, 6 digits), written out here rather than borrowed from the code under test.
    `step` moves one period forward or back (the server accepts one either side)."""
    counter = int(time.time()) // 30 + step
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**6
    return f"{value:06d}"


def enable_totp(organization, user) -> tuple[str, list[str]]:
    """TOTP and recovery codes for `user`, as the setup pages leave them (see the browser test below)."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    with in_org(organization):
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        codes = RecoveryCodes.activate(user).generate_codes()
    return secret, codes


def signed_in(client, email, password=PASSWORD):
    response = client.post("/accounts/login/", {"login": email, "password": password})
    assert response.status_code == 302
    return response


def confirm_password(client, password=PASSWORD):
    """Changing two-factor settings always asks for the password again (allauth's reauthentication)."""
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302
    return response


def me(client) -> str | None:
    response = client.get("/api/v1/auth/me")
    return response.json()["data"]["email"] if response.status_code == 200 else None


def api_login(email, password=PASSWORD, **extra):
    return client_for("acme").post(LOGIN_API, {"email": email, "password": password, **extra}, format="json")


# --- setting it up in the browser ---------------------------------------------------------------------------


def test_setting_up_an_authenticator_app_then_signing_in_with_it(acme, acme_teacher):
    client = browser_for(acme)
    signed_in(client, acme_teacher.email)

    overview = client.get("/accounts/2fa/")
    confirm_password(client)
    setup = client.get("/accounts/2fa/totp/activate/")
    secret = re.search(
        r'id="authenticator_secret" class="copy" value="([A-Z2-7]+)"', setup.content.decode()
    ).group(1)
    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    activated = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret)})
    codes_page = client.get(activated["Location"])

    assert overview.status_code == 200
    assert "Set up an authenticator app" in overview.content.decode()
    assert setup.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in setup.content.decode()
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    assert activated.status_code == 302
    assert activated["Location"] == "/accounts/2fa/recovery-codes/"
    shown_codes = (
        re.search(r'<textarea id="recovery_codes"[^>]*>([^<]*)</textarea>', codes_page.content.decode())
        .group(1)
        .split()
    )
    assert len(shown_codes) == 10
    with in_org(acme):
        kinds = Authenticator.objects.filter(user_id=acme_teacher.pk).values_list("type", flat=True)
        assert sorted(kinds) == ["recovery_codes", "totp"]
    assert (
        "Signing in asks for a code from your authenticator app"
        in client.get("/accounts/profile/").content.decode()
    )

    # Signing in again now takes the password, then the code.
    other = browser_for(acme)
    after_password = other.post("/accounts/login/", {"login": acme_teacher.email, "password": PASSWORD})
    halfway = me(other)
    challenge = other.get(after_password["Location"])
    wrong_code = other.post("/accounts/2fa/authenticate/", {"code": "123456"})
    right_code = other.post("/accounts/2fa/authenticate/", {"code": totp(secret, step=1)})

    assert after_password.status_code == 302
    assert after_password["Location"] == "/accounts/2fa/authenticate/"
    assert halfway is None
    assert challenge.status_code == 200
    assert "Two-factor authentication" in challenge.content.decode()
    assert wrong_code.status_code == 200
    assert "Incorrect code." in wrong_code.content.decode()
    assert right_code.status_code == 302
    assert right_code["Location"] == "/"
    assert me(other) == acme_teacher.email


def test_a_recovery_code_signs_in_on_the_page_once(acme, acme_teacher):
    _, codes = enable_totp(acme, acme_teacher)

    first = browser_for(acme)
    first.post("/accounts/login/", {"login": acme_teacher.email, "password": PASSWORD})
    used = first.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    second = browser_for(acme)
    second.post("/accounts/login/", {"login": acme_teacher.email, "password": PASSWORD})
    reused = second.post("/accounts/2fa/authenticate/", {"code": codes[0]})

    assert used.status_code == 302
    assert me(first) == acme_teacher.email
    assert reused.status_code == 200
    assert "Incorrect code." in reused.content.decode()
    assert me(second) is None


def test_wrong_password_never_reaches_the_code_step(acme, acme_teacher):
    enable_totp(acme, acme_teacher)

    response = browser_for(acme).post("/accounts/login/", {"login": acme_teacher.email, "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct email and password." in response.content.decode()


def test_the_code_step_cannot_be_skipped(acme, acme_teacher):
    enable_totp(acme, acme_teacher)
    client = browser_for(acme)
    client.post("/accounts/login/", {"login": acme_teacher.email, "password": PASSWORD})

    home = client.get("/")
    profile = client.get("/accounts/profile/")

    assert me(client) is None
    assert "Sign in" in home.content.decode()
    assert profile.status_code == 302


def test_turning_it_off_brings_back_password_only_sign_in(acme, acme_teacher):
    secret, _ = enable_totp(acme, acme_teacher)
    client = browser_for(acme)
    client.post("/accounts/login/", {"login": acme_teacher.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp(secret)})
    confirm_password(client)

    confirm = client.get("/accounts/2fa/totp/deactivate/")
    response = client.post("/accounts/2fa/totp/deactivate/")

    assert confirm.status_code == 200
    assert response.status_code == 302
    with in_org(acme):
        assert not Authenticator.objects.filter(user_id=acme_teacher.pk).exists()
    assert api_login(acme_teacher.email).status_code == 200


def test_setting_it_up_asks_for_the_password_again(acme, acme_teacher):
    client = browser_for(acme, acme_teacher)

    asked = client.get("/accounts/2fa/totp/activate/")
    confirm_page = client.get(asked["Location"])
    confirmed = client.post(asked["Location"], {"password": PASSWORD})
    setup = client.get("/accounts/2fa/totp/activate/")

    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    assert confirm_page.status_code == 200
    assert "Confirm it is you" in confirm_page.content.decode()
    assert confirmed.status_code == 302
    assert setup.status_code == 200


def test_someone_who_has_not_confirmed_their_address_cannot_set_it_up(acme):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    with in_org(acme):
        nina = get_user_model().objects.create_user("nina@acme.example.com", PASSWORD)
        EmailAddress.objects.create(user=nina, email=nina.email, verified=False, primary=True)
    client = browser_for(acme, nina)
    confirm_password(client)

    response = client.get("/accounts/2fa/totp/activate/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"
    assert "until you have verified your email address" in client.get("/accounts/2fa/").content.decode()
    with in_org(acme):
        assert not Authenticator.objects.filter(user_id=nina.pk).exists()


# --- the API ----------------------------------------------------------------------------------------------


def test_api_login_asks_for_the_code_only_after_the_right_password(acme, acme_teacher):
    enable_totp(acme, acme_teacher)

    missing = api_login(acme_teacher.email)
    wrong_password = api_login(acme_teacher.email, "wrong")

    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "MFA_REQUIRED"
    assert "refresh" not in str(missing.json())
    assert wrong_password.status_code == 401
    assert wrong_password.json()["error"]["code"] == "AUTHENTICATION_FAILED"


def test_api_login_with_the_authenticator_code(acme, acme_teacher):
    secret, _ = enable_totp(acme, acme_teacher)

    wrong = api_login(acme_teacher.email, otp="000000")
    code = totp(secret)
    right = api_login(acme_teacher.email, otp=code)
    replayed = api_login(acme_teacher.email, otp=code)

    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "MFA_INVALID"
    assert right.status_code == 200
    assert set(right.json()["data"]) == {"access", "refresh", "token_type", "expires_in", "user"}
    assert replayed.status_code == 401  # a code works once
    assert replayed.json()["error"]["code"] == "MFA_INVALID"


def test_api_login_with_a_recovery_code_once(acme, acme_teacher):
    _, codes = enable_totp(acme, acme_teacher)

    first = api_login(acme_teacher.email, otp=codes[3])
    again = api_login(acme_teacher.email, otp=codes[3])

    assert first.status_code == 200
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "MFA_INVALID"
    with in_org(acme):
        codes_left = Authenticator.objects.get(user_id=acme_teacher.pk, type="recovery_codes")
        remaining = codes_left.wrap().get_unused_codes()
    assert len(remaining) == 9
    assert codes[3] not in remaining


def test_api_login_stops_after_repeated_wrong_codes(acme, acme_teacher):
    secret, _ = enable_totp(acme, acme_teacher)
    statuses = [api_login(acme_teacher.email, otp=f"00000{n}").status_code for n in range(5)]

    sixth = api_login(acme_teacher.email, otp=totp(secret))

    assert statuses == [401] * 5
    assert sixth.status_code == 429
    assert sixth.json()["error"]["code"] == "ACCOUNT_LOCKED"


def test_a_code_of_one_organization_means_nothing_in_another(acme, globex, acme_teacher):
    from django.contrib.auth import get_user_model

    _secret, codes = enable_totp(acme, acme_teacher)
    with in_org(globex):
        twin = get_user_model().objects.create_user("teacher@acme.example.com", PASSWORD)
    enable_totp(globex, twin)

    response = client_for("globex").post(
        LOGIN_API, {"email": twin.email, "password": PASSWORD, "otp": codes[0]}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "MFA_INVALID"


@pytest.mark.parametrize("otp", ["", "   "])
def test_a_blank_code_counts_as_missing(acme, acme_teacher, otp):
    enable_totp(acme, acme_teacher)

    response = api_login(acme_teacher.email, otp=otp)

    assert response.json()["error"]["code"] == "MFA_REQUIRED"
