"""Collect: cold start of the handler module, warm CPU per request, and the local server's accepts/s.

1. Cold start: `import functions.collect.handler` in a fresh process with the Lambda environment
   set, so module init also makes its SQS and S3 clients (signed HTTPS with the standard library:
   no botocore), median of 10; then the first request in that process, through our signer and
   serialiser with the transport answering in place of SQS (`bench/aws_stub.py`; the manifest is
   served from memory), and what the first real connection would add for its TLS context (the CA
   bundle; under SnapStart it is built before the snapshot). Peer: a plain
   `import boto3, pydantic, aws_lambda_powertools` in a fresh process. `-X importtime` names the
   top costs. Budget ≤ 250 ms.
2. Warm: CPU time (`time.process_time`) per request, median, for a 12-question JSON response:
   through `handle()` (routing, parsing, validation, enqueue) and through the core alone
   (`validate_submission` + `SQSQueue.send`), with the same answering transport, so the message
   is still serialised, signed and its reply checked. Budget ≤ 1 ms.
3. The local server (`palaute serve` on 127.0.0.1): sustained durable accepts per second under
   a bounded load (`bench/load.py`), counted in the SQLite file afterwards. Budget ≥ 1,000/s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/collect.py`
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import load, profile
from bench.answers import full_answers
from bench.figures import ROOT, VENV_PYTHON, CannotRun, Figure, Run, drop_own_bytecode, main, timing_of
from bench.synthetic import collect_manifest_json

COLD_BUDGET = 0.250
WARM_BUDGET = 0.001
QUEUE_URL = "https://sqs.eu-north-1.amazonaws.com/123456789012/palaute-responses"
LAMBDA_ENV = {
    "AWS_DEFAULT_REGION": "eu-north-1",
    "AWS_REGION": "eu-north-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_EC2_METADATA_DISABLED": "true",
    "QUEUE_URL": QUEUE_URL,
    "MANIFEST_BUCKET": "palaute-site",
    "SITE_ORIGIN": "https://surveys.example.org",
    "POWERTOOLS_SERVICE_NAME": "collect",
    "POWERTOOLS_METRICS_NAMESPACE": "Palaute",
}


def _child_env() -> dict[str, str]:
    """A measured child's environment: the Lambda one, our modules importable and never given a .pyc
    (the Lambda zip ships none; see `bench/figures.py`)."""
    return {**os.environ, **LAMBDA_ENV, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}


COLD_CHILD = """
import time
start = time.perf_counter()
import functions.collect.handler as handler
init = time.perf_counter() - start
import json, os, sys
from bench.aws_stub import AnsweringTransport
from functions.manifest import parse_manifest
from functions.queue import SQSQueue
from functions.sqs_messages import SQSMessages
manifest = parse_manifest(open(sys.argv[1], "rb").read())
event = json.load(open(sys.argv[2], encoding="utf-8"))
class Manifests:
    def get(self, survey_id):
        return manifest if survey_id == manifest.id else None
made = handler._AWS_DEPS.queue.client  # the client init made: its credentials, region and endpoint
client = SQSMessages(AnsweringTransport(), made.credentials, made.scope.region, made.endpoint)
handler.logger.registered_handler.setStream(open(os.devnull, "w"))
deps = handler.CollectDeps(manifests=Manifests(), queue=SQSQueue(client, handler._AWS_DEPS.queue.queue_url))
start = time.perf_counter()
status = handler.handle(event, None, deps)["statusCode"]
first = time.perf_counter() - start
start = time.perf_counter()
made.transport.tls_context()
tls = time.perf_counter() - start
print(json.dumps({"init": init, "first": first, "tls": tls, "status": status, "sent": client.transport.calls}))
"""
PEER_CHILD = """
import time
start = time.perf_counter()
import boto3, pydantic, aws_lambda_powertools
print(f'{{"init": {time.perf_counter() - start}}}')
"""


def api_event(survey: str, body: dict[str, Any]) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) POST, as the collect function receives it."""
    path = f"/v1/surveys/{survey}/responses"
    return {
        "version": "2.0", "routeKey": "POST /v1/surveys/{id}/responses", "rawPath": path, "rawQueryString": "",
        "headers": {"content-type": "application/json", "accept-language": "fi-FI,fi;q=0.9",
                    "origin": "https://surveys.example.org", "host": "api.example.org"},
        "requestContext": {"http": {"method": "POST", "path": path, "protocol": "HTTP/1.1",
                                    "sourceIp": "198.51.100.23", "userAgent": "bench"},
                           "routeKey": "POST /v1/surveys/{id}/responses", "stage": "$default",
                           "requestId": "bench", "accountId": "123456789012", "apiId": "bench",
                           "domainName": "api.example.org", "time": "03/Dec/2026:09:30:12 +0000",
                           "timeEpoch": 1796290212000},
        "pathParameters": {"id": survey}, "body": json.dumps(body, ensure_ascii=False), "isBase64Encoded": False,
    }  # fmt: skip


def _child(code: str, *args: str) -> tuple[dict[str, Any], float]:
    env = _child_env()
    start = time.perf_counter()
    done = subprocess.run([str(VENV_PYTHON), "-c", code, *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120)  # fmt: skip
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise CannotRun(f"the collect handler does not import: {done.stderr.strip()[-600:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def importtime_top(limit: int = 10) -> list[str]:
    """`-X importtime` of the handler: the costliest modules by their own time and the heaviest subtrees."""
    env = _child_env()
    done = subprocess.run([str(VENV_PYTHON), "-X", "importtime", "-c", "import functions.collect.handler"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)  # fmt: skip
    rows: list[tuple[int, int, int, str]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        rows.append((int(own), int(cumulative), depth, name.strip()))
    lines = ["-X importtime, own time (module body, e.g. client creation at init):"]
    lines += [f"  {own / 1000:7.1f} ms  {name}" for own, _, _, name in sorted(rows, key=lambda r: -r[0])[:limit]]
    lines.append("-X importtime, heaviest imports the handler pulls in (cumulative):")
    subtrees = sorted((r for r in rows if 1 <= r[2] <= 2), key=lambda r: -r[1])[:limit]
    lines += [f"  {cumulative / 1000:7.1f} ms  {'  ' * (depth - 1)}{name}" for _, cumulative, depth, name in subtrees]
    return lines


def cold_start(run: Run, runs: int, work: Path) -> None:
    manifest = work / "form.json"
    manifest.write_text(json.dumps(collect_manifest_json(), ensure_ascii=False), encoding="utf-8")
    event = work / "event.json"
    event.write_text(json.dumps(_event(manifest_answers())), encoding="utf-8")
    ours = [_child(COLD_CHILD, str(manifest), str(event)) for _ in range(runs)]
    if any(result["status"] != 202 or result["sent"] != 1 for result, _ in ours):
        raise CannotRun(f"the first request was not accepted and sent: {ours[0][0]}")
    peer = [_child(PEER_CHILD) for _ in range(runs)]
    init = timing_of([r["init"] for r, _ in ours])
    peer_init = timing_of([r["init"] for r, _ in peer])
    run.add(
        Figure(
            "handler module init (imports + SQS and S3 clients)",
            init.median,
            "s",
            COLD_BUDGET,
            peer="import boto3+pydantic+powertools",
            peer_value=peer_init.median,
            note=f"{init}",
        )
    )
    run.add(
        Figure("  first request after init (stubbed transport)", statistics.median(r["first"] for r, _ in ours), "s")
    )
    run.add(Figure("  + TLS context on the first real connection", statistics.median(r["tls"] for r, _ in ours), "s"))
    run.add(
        Figure(
            "  fresh process, start to first reply (wall)",
            statistics.median(w for _, w in ours),
            "s",
            peer="plain import process",
            peer_value=statistics.median(w for _, w in peer),
        )
    )
    for line in importtime_top():
        run.note(line)
    if init.median > COLD_BUDGET and profile.available():
        code = "import functions.collect.handler"
        env = _child_env()
        done = subprocess.run([str(VENV_PYTHON), str(ROOT / "bench" / "profile.py"), "-c", code],
                              capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)  # fmt: skip
        for line in done.stdout.splitlines():
            run.note(line)


def manifest_answers() -> dict[str, Any]:
    import msgspec

    from functions.manifest import Manifest

    return full_answers(msgspec.convert(collect_manifest_json(), Manifest))


def _event(answers: dict[str, Any], response_id: str | None = None) -> dict[str, Any]:
    body = {"response_id": response_id or str(uuid.uuid4()), "lang": "fi", "tp": "verkkokauppa",
            "hidden": {"campaign": "joulu"}, "answers": answers}  # fmt: skip
    return api_event(collect_manifest_json()["id"], body)


def main_run(run: Run, args: argparse.Namespace) -> None:
    from bench import collect_warm

    drop_own_bytecode()
    run.note("cold start with our modules compiled from source, as from the Lambda zip (no .pyc in it)")
    with tempfile.TemporaryDirectory(prefix="palaute-bench-collect-") as tmp:
        cold_start(run, 3 if args.quick else 10, Path(tmp))
    collect_warm.warm(run, 300 if args.quick else 3000, _event, manifest_answers(), WARM_BUDGET)
    load.local_server(run, args.quick)


if __name__ == "__main__":
    main("collect", main_run)
