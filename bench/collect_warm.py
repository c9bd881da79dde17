"""Collect, warm: the CPU one more response costs once the function is initialised.

Measured per call with `time.process_time` (CPU, so a busy neighbour on the machine inflates it
less than wall time), median over thousands of calls after a warm-up. The SQS client is the
collect function's own, its transport answering in place of AWS: the message is still serialised,
signed (SigV4) and its reply checked, as in Lambda; only the HTTP round trip is gone.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import msgspec

if __name__ == "__main__":
    sys.exit(f"{sys.argv[0]} holds the warm measurements of the collect benchmark: run bench/collect.py")

from bench.figures import Figure, Run
from bench.synthetic import collect_manifest_json

QUEUE_URL = "https://sqs.eu-north-1.amazonaws.com/123456789012/palaute-responses"


def stubbed_sqs_client() -> Any:
    """The collect function's own SQS client with a transport that answers in place of SQS (`bench/aws_stub.py`)."""
    from bench.aws_stub import stubbed_sqs_messages

    return stubbed_sqs_messages()


class _Manifests:
    def __init__(self, manifest: Any) -> None:
        self.manifest = manifest

    def get(self, survey_id: str) -> Any:
        return self.manifest if survey_id == self.manifest.id else None


def _cpu_per_call(calls: list[Callable[[], object]]) -> tuple[float, float]:
    """Median CPU and median wall seconds per call."""
    cpu, wall = [], []
    for call in calls:
        c0, w0 = time.process_time(), time.perf_counter()
        call()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall)


def warm(run: Run, calls: int, make_event: Callable[[dict[str, Any]], dict[str, Any]], answers: dict[str, Any],
         budget: float) -> None:  # fmt: skip
    from functions.collect import handler
    from functions.collect.validation import Accepted, validate_submission
    from functions.manifest import Manifest
    from functions.queue import SQSQueue

    manifest = msgspec.convert(collect_manifest_json(), Manifest)
    queue = SQSQueue(stubbed_sqs_client(), QUEUE_URL)
    deps = handler.CollectDeps(manifests=_Manifests(manifest), queue=queue)
    handler.logger.registered_handler.setStream(open(os.devnull, "w"))  # noqa: SIM115  (lives as long as the logger)
    warmup = max(50, calls // 10)
    events = [make_event(answers) for _ in range(calls + warmup)]
    statuses = {handler.handle(event, None, deps)["statusCode"] for event in events[:warmup]}
    if statuses != {202}:
        run.note(f"warm requests were answered {sorted(statuses)}, not 202: figures below are not for accepts")
    cpu, wall = _cpu_per_call([lambda e=e: handler.handle(e, None, deps) for e in events[warmup:]])
    run.add(
        Figure(
            f"warm request through handle(), {len(answers)} answers (CPU)",
            cpu,
            "s",
            budget,
            note=f"wall {wall * 1e6:.0f} µs",
        )
    )
    payloads = [json.loads(event["body"]) for event in events[warmup:]]
    now = datetime.now(UTC)

    def core(payload: dict[str, Any]) -> None:
        outcome = validate_submission(manifest, payload, now)
        assert isinstance(outcome, Accepted)
        queue.send(outcome.response)

    cpu, wall = _cpu_per_call([lambda p=p: core(p) for p in payloads])
    run.add(Figure("  validate_submission + SQSQueue.send (CPU)", cpu, "s", budget, note=f"wall {wall * 1e6:.0f} µs"))
    outcomes = [validate_submission(manifest, p, now) for p in payloads]
    cpu, _ = _cpu_per_call([lambda p=p: validate_submission(manifest, p, now) for p in payloads])
    run.add(Figure("    validate_submission alone (CPU)", cpu, "s"))
    responses = [o.response for o in outcomes if isinstance(o, Accepted)]
    cpu, _ = _cpu_per_call([lambda r=r: queue.send(r) for r in responses])
    run.add(Figure("    SQSQueue.send alone, stubbed client (CPU)", cpu, "s"))
    decoding(run, manifest.to_json().encode(), responses[0].to_json().encode(), calls)


def decoding(run: Run, form_json: bytes, stored_json: bytes, calls: int) -> None:
    """The msgspec models' decode and encode: a manifest read from S3 or disk, a stored response."""
    from functions.manifest import parse_manifest
    from functions.response import parse_response

    cpu, _ = _cpu_per_call([lambda: parse_manifest(form_json)] * calls)
    run.add(Figure(f"  parse_manifest, a form.json of {len(form_json):,} bytes (CPU)", cpu, "s"))
    response = parse_response(stored_json)
    cpu, _ = _cpu_per_call([lambda: parse_response(stored_json)] * calls)
    run.add(Figure(f"  parse_response, a stored response of {len(stored_json):,} bytes (CPU)", cpu, "s"))
    cpu, _ = _cpu_per_call([response.to_json] * calls)
    run.add(Figure("  StoredResponse.to_json (CPU)", cpu, "s"))
