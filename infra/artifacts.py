"""The artifacts bucket: where the code and layer zips wait for CloudFormation to read them.

It cannot be part of the stack (the stack's functions need the code before the stack exists),
so `palaute deploy` makes it once per account and region, as private as the stack's own buckets.
Keys are content-addressed, so an object that is already there is never uploaded again.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from infra.package import Artifact

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

KEEP_DAYS = 180
"""Old zips go after this long; a stack's current code was copied into Lambda when it was deployed."""


def artifacts_bucket_name(account: str, region: str) -> str:
    return f"palaute-artifacts-{account}-{region}"


def _error_code(err: Exception) -> str:
    response: dict[str, Any] = getattr(err, "response", {})
    return str(response.get("Error", {}).get("Code", ""))


def bucket_exists(s3: S3Client, bucket: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as err:
        if _error_code(err) in ("404", "NoSuchBucket", "NotFound"):
            return False
        raise
    return True


def object_exists(s3: S3Client, bucket: str, key: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError as err:
        if _error_code(err) in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


def tls_only_policy(bucket: str) -> str:
    """Refuse every request that does not come over TLS."""
    arn = f"arn:aws:s3:::{bucket}"
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "HttpsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }],
    })  # fmt: skip


def ensure_bucket(s3: S3Client, bucket: str, region: str) -> bool:
    """Make the artifacts bucket unless it exists; True when it was made now."""
    if bucket_exists(s3, bucket):
        return False
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})  # type: ignore[typeddict-item]
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                        "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
    )  # fmt: skip
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={"Rules": [{"ID": "forget-old-artifacts", "Status": "Enabled", "Filter": {"Prefix": ""},
                                           "Expiration": {"Days": KEEP_DAYS}}]},
    )  # fmt: skip
    s3.put_bucket_policy(Bucket=bucket, Policy=tls_only_policy(bucket))
    return True


def upload_artifact(s3: S3Client, bucket: str, artifact: Artifact) -> bool:
    """Upload unless the key is already there; True when uploaded."""
    if artifact.path is None:
        raise ValueError(f"{artifact.key} was never built")
    if object_exists(s3, bucket, artifact.key):
        return False
    s3.upload_file(str(artifact.path), bucket, artifact.key, ExtraArgs={"ContentType": "application/zip"})
    return True
