"""The gate API benchmark's floor: a WSGI application with no framework, answering every request with the
constant JSON body of ``BENCH_CONSTANT_BODY`` (a real gate body). What the server and the load generator cost
alone; no view served by the same gunicorn can be faster."""

import os
from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIEnvironment

BODY = os.environ.get("BENCH_CONSTANT_BODY", "{}").encode()
HEADERS = [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))]


def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", HEADERS)
    return [BODY]
