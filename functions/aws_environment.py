"""The collect function's AWS settings, read from the environment the way botocore reads them.

Region: `AWS_REGION` (set by Lambda), else `AWS_DEFAULT_REGION`. Endpoints: botocore's
overrides, `AWS_ENDPOINT_URL_<SERVICE>` before `AWS_ENDPOINT_URL`, unless
`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true (so moto's server and LocalStack work); otherwise
the service's regional endpoint. Credentials: Lambda's `AWS_ACCESS_KEY_ID`,
`AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`. Without keys in the environment (a SnapStart
function gets container credentials instead; a developer has a profile) botocore's own
credential chain is used, imported only then: its refreshing providers are worth their import
cost where there is something to refresh.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from functions.aws_https import AwsError, Endpoint
from functions.aws_signing import Credentials


def region(env: Mapping[str, str]) -> str:
    name = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if not name:
        raise RuntimeError("no AWS region: set AWS_REGION or AWS_DEFAULT_REGION")
    return name


def dns_suffix(region_name: str) -> str:
    """The partition's domain: AWS China's regions are under amazonaws.com.cn."""
    return "amazonaws.com.cn" if region_name.startswith("cn-") else "amazonaws.com"


def endpoint_override(service: str, env: Mapping[str, str]) -> Endpoint | None:
    """`AWS_ENDPOINT_URL_SQS` / `_S3`, else `AWS_ENDPOINT_URL`; None for the regional endpoint."""
    if env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return None
    url = env.get(f"AWS_ENDPOINT_URL_{service.upper()}") or env.get("AWS_ENDPOINT_URL")
    return Endpoint.from_url(url) if url else None


class CredentialSource:
    """The current credentials for each request; fixed ones from the environment, or botocore's chain."""

    def __init__(self, env: Mapping[str, str]) -> None:
        key, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
        token = env.get("AWS_SESSION_TOKEN") or env.get("AWS_SECURITY_TOKEN") or None
        self._fixed = Credentials(key, secret, token) if key and secret else None
        self._resolver: Any = None  # botocore's chain, built when first needed
        self._resolved: Any = None  # what it found: credentials that refresh themselves
        self._lock = threading.Lock()

    @property
    def from_environment(self) -> bool:
        return self._fixed is not None

    def prepare(self) -> None:
        """Build botocore's chain if it will be needed (before a snapshot), without asking it for keys."""
        if self._fixed is None:
            with self._lock:
                self._chain()

    def current(self) -> Credentials:
        if self._fixed is not None:
            return self._fixed
        try:
            with self._lock:
                if self._resolved is None:
                    self._resolved = self._chain().load_credentials()
                resolved = self._resolved
            frozen = resolved.get_frozen_credentials() if resolved is not None else None  # refreshed if expiring
        except Exception as err:  # botocore's providers raise their own errors (metadata endpoint down, …)
            raise AwsError("AWS credentials", "CredentialsUnavailable", f"{type(err).__name__}: {err}") from err
        if frozen is None:
            raise AwsError("AWS credentials", "NoCredentials", "none in the environment or botocore's chain")
        return Credentials(frozen.access_key, frozen.secret_key, frozen.token)

    def _chain(self) -> Any:
        if self._resolver is None:
            from botocore.credentials import create_credential_resolver
            from botocore.session import Session

            self._resolver = create_credential_resolver(Session())
        return self._resolver
