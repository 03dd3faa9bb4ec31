"""HTTP to gunicorn the way the TLS proxy forwards a browser's requests (``X-Forwarded-Proto:
https``, ``X-Forwarded-For``, a public host name), so that the production HTTPS redirect stays on;
and signing in through allauth's login form, as a browser does."""

import http.client
import re
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie

HOST = "peernet.test"
ORIGIN = f"https://{HOST}"
CLIENT_IP = "203.0.113.10"
ACCEPT_LANGUAGE = {"en": "en-CA,en;q=0.8", "fr": "fr-CA,fr;q=0.8"}
LOGIN_PATH = "/en/accounts/login/"


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        for name, value in self.headers:
            if name.lower() == "set-cookie":
                jar.load(value)
        return {name: morsel.value for name, morsel in jar.items()}

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")


def proxy_headers(language: str = "en", client_ip: str = CLIENT_IP) -> dict[str, str]:
    return {
        "Host": HOST,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": client_ip,
        "Accept-Language": ACCEPT_LANGUAGE[language],
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) PeerNetBench",
    }


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{key}={value}" for key, value in cookies.items())


def http_request(port, method, path, *, headers, cookies=None, form=None, timeout=60) -> Answer:
    sent = dict(headers)
    body = None
    if cookies:
        sent["Cookie"] = cookie_header(cookies)
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent["Origin"] = ORIGIN
        sent["Referer"] = ORIGIN + path
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return Answer(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


def csrf_form_token(body: bytes) -> str:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if not found:
        raise RuntimeError("No CSRF token in the form.")
    return found.group(1).decode()


def login_form_post(port: int, email: str, password: str) -> tuple[Answer, dict[str, str]]:
    """allauth's login form, fetched and posted; returns its answer and the cookies so far."""
    headers = proxy_headers("en")
    page = http_request(port, "GET", LOGIN_PATH, headers=headers)
    cookies = page.cookies()
    form = {"login": email, "password": password, "csrfmiddlewaretoken": csrf_form_token(page.body)}
    answer = http_request(port, "POST", LOGIN_PATH, headers=headers, cookies=cookies, form=form)
    cookies.update(answer.cookies())
    return answer, cookies


def sign_in(port: int, email: str, password: str) -> dict[str, str]:
    """Sign in through allauth's login form, as a browser does; returns the cookies."""
    answer, cookies = login_form_post(port, email, password)
    if answer.status != 302 or not any("sessionid" in name for name in cookies):
        raise RuntimeError(f"Signing in as {email} failed: {answer.status}")
    return cookies
