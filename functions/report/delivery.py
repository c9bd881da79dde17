"""How a report file reaches the client: in the answer itself (local server) or through S3 (AWS).

Lambda answers are capped at 6 MB, so on AWS the file goes to a private bucket and the client is
redirected to a short-lived presigned link; the local server simply answers with the file.
HTML opens in the browser (`inline`); CSV and XLSX download (`attachment`); both carry a file name.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, BinaryIO, Protocol

from aws_lambda_powertools.event_handler import Response

from functions.report import ReportFile

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
DOWNLOADS_PREFIX = "downloads/"
"""Where on-demand report files go; give the prefix a lifecycle rule (a day is plenty)."""


def disposition(file: ReportFile) -> str:
    kind = "inline" if file.format == "html" else "attachment"
    return f'{kind}; filename="{file.filename}"'


class Delivery(Protocol):
    def deliver(self, survey: str, file: ReportFile, body: BinaryIO) -> Response[bytes]:
        """The HTTP answer that gets `body` (positioned at its start) to the client."""
        ...


class InlineDelivery:
    """The file in the answer, for the local server (no size cap there)."""

    def deliver(self, survey: str, file: ReportFile, body: BinaryIO) -> Response[bytes]:
        headers = {**NO_STORE, "Content-Disposition": disposition(file)}
        return Response(200, file.content_type, body.read(), headers)


@dataclass(frozen=True)
class S3Delivery:
    """Upload to the private reports bucket and redirect (302) to a presigned GET valid `expires_seconds`."""

    client: S3Client
    bucket: str
    expires_seconds: int = 900

    def key(self, survey: str, file: ReportFile, now: datetime | None = None) -> str:
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        return f"{DOWNLOADS_PREFIX}{survey}/{stamp}-{secrets.token_hex(8)}.{file.format}"

    def deliver(self, survey: str, file: ReportFile, body: BinaryIO) -> Response[bytes]:
        key = self.key(survey, file)
        self.client.upload_fileobj(body, self.bucket, key, ExtraArgs={"ContentType": file.content_type})
        url = self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": disposition(file),
                "ResponseContentType": file.content_type,
            },
            ExpiresIn=self.expires_seconds,
        )
        return Response(302, None, b"", {**NO_STORE, "Location": url})
