"""Requests served by Django in the bench's own process (the test client, the production
settings, the same database and Redis as gunicorn): where the queries of a request are counted,
and what the server spends without the connection and gunicorn around it."""

from bench_http import HOST, proxy_headers
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def in_process_client(language: str = "en", cookies: dict[str, str] | None = None) -> Client:
    """A test client that sends what the TLS proxy forwards, with a browser's cookies."""
    headers = proxy_headers(language)
    client = Client(
        headers={key: value for key, value in headers.items() if key != "Host"},
        HTTP_HOST=HOST,
    )
    for name, value in (cookies or {}).items():
        client.cookies[name] = value
    return client


def queries_of_one_request(path: str, *, language: str, cookies: dict[str, str]) -> dict:
    """Queries of one request, after one request that warms the caches as wrk's first
    requests do."""
    client = in_process_client(language, cookies)
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    connection.close()
    return {"queries_status": response.status_code, "queries": len(captured.captured_queries)}


def queries_of_one_post(path: str, form: dict[str, str]) -> tuple[int, int]:
    """Status and queries of one POST of `form`, after the GET that shows the form."""
    client = in_process_client()
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(path, form)
    connection.close()
    return response.status_code, len(captured.captured_queries)
