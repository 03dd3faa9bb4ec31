"""Signing staff in the way the portal requires: allauth's login, then the authenticator code.

The code is computed with allauth's own TOTP functions from the secret stored on the
authenticator, exactly as the staff member's phone would compute it.
"""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt

PASSWORD = "correct-horse-battery-9"


def totp_secret(user) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def totp_code(user, *, steps_from_now: int = 0) -> str:
    """The code the user's authenticator app shows now (see totp_code_of_secret)."""
    return totp_code_of_secret(totp_secret(user), steps_from_now=steps_from_now)


def totp_code_of_secret(secret: str, *, steps_from_now: int = 0) -> str:
    """The code shown now; waits for the next period when this one is about to end, so that
    the code is still valid when the server checks it (allauth allows no clock drift)."""
    period = mfa_settings.TOTP_PERIOD
    if time.time() % period > period - 5:
        time.sleep(period - time.time() % period + 0.1)
    counter = int(time.time()) // period + steps_from_now
    return format_hotp_value(hotp_value(secret, counter))


def browser_sign_in(page, base_url: str, user, *, language: str = "en", password=PASSWORD):
    """Open the admin's login address, which leads to allauth's login, and pass both steps."""
    page.goto(f"{base_url}/{language}/admin/login/")
    page.wait_for_url(f"**/{language}/accounts/login/**")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(password)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url(f"**/{language}/accounts/2fa/authenticate/")
    page.locator("input[name=code]").fill(totp_code(user))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**/{language}/admin/")
