"""moto in server mode, for the clients that speak HTTP themselves.

The collect function signs and sends its SQS and S3 requests without botocore, so moto's
in-process `mock_aws` (which hooks botocore) never sees them; a `ThreadedMotoServer` on a free
loopback port does. One server per test process; its state is reset before each test. boto3
clients in the tests reach the same server through `AWS_ENDPOINT_URL`, as ours do.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer

REGION = "eu-north-1"


@pytest.fixture(name="moto_server", scope="session")
def moto_server_fixture() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(name="aws_server")
def aws_server_fixture(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh moto server, and an environment (keys, region, endpoint) that points every client at it."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"), timeout=10).close()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION, "AWS_ENDPOINT_URL": moto_server,
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    for name in ("AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    return moto_server
