"""Load on the local server: `palaute serve` on 127.0.0.1, bounded in requests and in time.

`wrk` (Debian's, installed when missing) drives it when available, each request a new
`response_id` so every accept is a new row; otherwise a small Python client with threads and
keep-alive connections does. Only loopback is ever addressed. Afterwards the server is stopped
and the rows in its SQLite file are counted: an accept that did not become a row is not durable.
The server's own CPU time during each load (from /proc) gives accepts per server CPU-second, a
figure that moves less than accepts/s when the machine's cores are shared.

    .venv/bin/python bench/load.py --rounds 5      # just this load, 5 rounds, medians at the end
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

if __package__ in (None, ""):  # run as `python bench/load.py`
    import sys

    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import debian
from bench.answers import full_answers
from bench.figures import ROOT, Figure, Run
from bench.synthetic import write_specs, write_theme

BUDGET = 1000.0
RUNS = itertools.count(1)
"""Each load's number, part of every response id it sends: no load repeats another's ids."""
SURVEY = "kauppa-0000"
WRK_SCRIPT = """
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  counter, accepted, other = 0, 0, 0
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  counter = counter + 1
  local rid = string.format("%08x-%04x-4000-8000-%012x", id, RUN, counter)
  return wrk.format("POST", nil, nil, BODY_BEFORE .. rid .. BODY_AFTER)
end
function response(status, headers, body)
  if status == 202 then accepted = accepted + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local a, o = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("accepted"); o = o + t:get("other") end
  io.write(string.format("RESULT accepted=%d other=%d seconds=%f p50_us=%d p99_us=%d\\n",
    a, o, summary.duration / 1e6, latency:percentile(50), latency:percentile(99)))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far (0 where /proc is missing)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk_load(wrk: str, url: str, body: str, connections: int, seconds: int, work: Path) -> dict[str, float]:
    """One wrk run; response ids are unique across runs too (the run's number is in each id)."""
    before, after = body.split("RESPONSE_ID")
    script = work / f"post-{connections}.lua"
    script.write_text(f"RUN = {next(RUNS)}\nBODY_BEFORE = {_lua_string(before)}\nBODY_AFTER = {_lua_string(after)}\n"
                      + WRK_SCRIPT)  # fmt: skip
    threads = min(2, connections)
    done = subprocess.run([wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
                           "-s", str(script), url], capture_output=True, text=True, timeout=seconds + 60)  # fmt: skip
    match = re.search(r"RESULT accepted=(\d+) other=(\d+) seconds=([\d.]+) p50_us=(\d+) p99_us=(\d+)", done.stdout)
    if not match:
        raise RuntimeError(f"wrk said: {(done.stdout + done.stderr)[-400:]}")
    accepted, other, elapsed, p50, p99 = (float(g) for g in match.groups())
    return {"accepted": accepted, "other": other, "seconds": elapsed, "p50": p50 / 1e6, "p99": p99 / 1e6}


def python_load(port: int, body: str, connections: int, seconds: int, limit: int) -> dict[str, float]:
    """Threads posting over keep-alive connections until `limit` requests or `seconds` pass."""
    path = f"/v1/surveys/{SURVEY}/responses"
    run = next(RUNS)
    counts = {"accepted": 0, "other": 0, "sent": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        sequence = 0
        while time.monotonic() < deadline:
            with lock:
                if counts["sent"] >= limit:
                    break
                counts["sent"] += 1
            sequence += 1
            rid = f"{number:08x}-{run:04x}-4000-8000-{sequence:012x}"
            payload = body.replace("RESPONSE_ID", rid).encode()
            try:
                conn.request("POST", path, payload, {"Content-Type": "application/json"})
                reply = conn.getresponse()
                reply.read()
                status = reply.status
                if reply.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()
            with lock:
                counts["accepted" if status == 202 else "other"] += 1
        conn.close()

    start = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n + 1,)) for n in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"accepted": counts["accepted"], "other": counts["other"], "seconds": time.perf_counter() - start}


def _request_body(site: Path) -> str:
    from functions.manifest import load_manifest

    manifest = load_manifest(site / SURVEY / "form.json")
    body = {"response_id": "RESPONSE_ID", "lang": "fi", "tp": "myymala", "hidden": {"campaign": "joulu"},
            "answers": full_answers(manifest)}  # fmt: skip
    return json.dumps(body, ensure_ascii=False)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server this benchmark started (its own process group), politely first."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@contextmanager
def served(work: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, Path] | str]:
    """`palaute serve` on a free loopback port with one synthetic survey; a str (why) if it did not come up."""
    palaute = ROOT / ".venv" / "bin" / "palaute"
    write_specs(work / "specs", 1)
    write_theme(work / "themes")
    port, data = free_port(), work / "data"
    log = (work / "serve.log").open("wb")
    proc = subprocess.Popen([str(palaute), "serve", "--specs", str(work / "specs"), "--themes",
                             str(work / "themes"), "--data", str(data), "--host", "127.0.0.1", "--port",
                             str(port), "--no-watch"], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip
    try:
        if not _wait_until_up(f"http://127.0.0.1:{port}/{SURVEY}/fi/", proc, 90):
            tail = (work / "serve.log").read_text(errors="replace")[-400:]
            yield f"palaute serve did not come up: {tail}"
        else:
            yield proc, port, data
    finally:
        _stop(proc)
        log.close()


def local_server(run: Run, quick: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="palaute-bench-serve-") as tmp:
        work = Path(tmp)
        with served(work) as server:
            if isinstance(server, str):
                run.missing("local server", server)
                return
            proc, port, data = server
            results = _drive(run, proc.pid, port, _request_body(data / "site"), work, quick)
        _durable(run, data, results)
        store_ceiling(run, data, 100 if quick else 500)


def _load(pid: int, port: int, body: str, work: Path, connections: int, seconds: int) -> tuple[str, dict[str, float]]:
    """One load of `connections` for `seconds`; the result includes the server's CPU seconds meanwhile."""
    wrk, _ = debian.ensure("wrk", "wrk")
    url = f"http://127.0.0.1:{port}/v1/surveys/{SURVEY}/responses"
    cpu_before = cpu_seconds(pid)
    if wrk:
        result = wrk_load(wrk, url, body, connections, seconds, work)
        tool = f"wrk, {connections} connection{'s' if connections > 1 else ''}, {seconds} s"
    else:
        result = python_load(port, body, connections, seconds, limit=20_000)
        tool = f"Python client, {connections} threads, ≤ {seconds} s"
    result["cpu"] = cpu_seconds(pid) - cpu_before
    return tool, result


def _drive(run: Run, pid: int, port: int, body: str, work: Path, quick: bool) -> list[tuple[str, dict[str, float]]]:
    wrk, reason = debian.ensure("wrk", "wrk")
    seconds = 3 if quick else 10
    results = [_load(pid, port, body, work, connections, seconds) for connections in (1, 16)]
    if not wrk:
        run.skip("wrk", reason + "; the Python client drove the load")
    return results


def store_ceiling(run: Run, data: Path, puts: int) -> None:
    """`SQLiteStore.put` alone, one after another on the same disk: the most a serialised server can accept."""
    from datetime import UTC, datetime

    from functions.manifest import load_manifest
    from functions.response import StoredResponse
    from functions.sqlite_store import SQLiteStore

    manifest = load_manifest(data / "site" / SURVEY / "form.json")
    answers = full_answers(manifest)
    store = SQLiteStore(data / "ceiling.sqlite3")
    try:
        responses = [StoredResponse(response_id=f"00000000-0000-4000-8000-{n:012d}", survey=SURVEY,
                                    received_at=datetime.now(UTC), manifest_version=manifest.version, lang="fi",
                                    answers=answers) for n in range(puts)]  # fmt: skip
        start = time.perf_counter()
        for response in responses:
            store.put(response)
        elapsed = time.perf_counter() - start
    finally:
        store.close()
    run.add(
        Figure(
            "  SQLiteStore.put alone, sequential (the fsync ceiling)",
            puts / elapsed,
            "/s",
            note=f"{elapsed / puts * 1000:.2f} ms per durable put",
        )
    )


def _durable(run: Run, data: Path, results: list[tuple[str, dict[str, float]]]) -> None:
    from functions.sqlite_store import SQLiteStore

    store = SQLiteStore.in_data_dir(data)
    try:
        stored = store.count(SURVEY)
    finally:
        store.close()
    accepted_total = sum(r["accepted"] for _, r in results)
    for tool, result in results:
        latency = f", p50 {result['p50'] * 1000:.1f} ms, p99 {result['p99'] * 1000:.1f} ms" if "p50" in result else ""
        if result.get("cpu"):
            latency += f", {result['accepted'] / result['cpu']:,.0f} accepts per server CPU-second"
        budget = BUDGET if "1 connection," not in tool and "1 threads" not in tool else None
        run.add(
            Figure(
                f"local server accepts/s ({tool})",
                result["accepted"] / result["seconds"],
                "/s",
                budget,
                higher_is_better=True,
                note=f"{result['accepted']:,.0f} accepted, {result['other']:,.0f} other{latency}",
            )
        )
    run.add(
        Figure(
            "  accepted responses not found in SQLite afterwards",
            max(0.0, accepted_total - stored),
            "",
            0,
            note=f"{stored:,} rows for {accepted_total:,.0f} accepts",
        )
    )


def rounds(count: int, connections: int, seconds: int) -> None:
    """`count` rounds, each a fresh server under `connections` for `seconds`; medians at the end."""
    rows: list[dict[str, float]] = []
    for number in range(1, count + 1):
        with tempfile.TemporaryDirectory(prefix="palaute-bench-serve-") as tmp:
            work = Path(tmp)
            with served(work) as server:
                if isinstance(server, str):
                    raise SystemExit(server)
                proc, port, data = server
                body = _request_body(data / "site")
                _, warm_up = _load(proc.pid, port, body, work, connections, 2)  # not counted, but its rows are
                _, result = _load(proc.pid, port, body, work, connections, seconds)
                load_average = os.getloadavg()[0]
            from functions.sqlite_store import SQLiteStore

            store = SQLiteStore.in_data_dir(data)
            try:
                # more rows than accepts is fine: posts in flight when wrk stopped were still committed
                result["missing"] = max(0.0, warm_up["accepted"] + result["accepted"] - store.count(SURVEY))
            finally:
                store.close()
        result |= {"rate": result["accepted"] / result["seconds"], "load": load_average,
                   "per_cpu": result["accepted"] / result["cpu"] if result["cpu"] else 0.0}  # fmt: skip
        rows.append(result)
        print(f"round {number}: {result['rate']:,.0f} accepts/s, {result['per_cpu']:,.0f} per server CPU-second, "
              f"{result['other']:,.0f} other, {result['missing']:,.0f} accepts not in SQLite, "
              f"load average {result['load']:.2f}"
              + (f", p50 {result['p50'] * 1000:.1f} ms, p99 {result['p99'] * 1000:.1f} ms" if "p50" in result else ""),
              flush=True)  # fmt: skip

    def median(key: str) -> float:
        return statistics.median(r[key] for r in rows)

    print(f"median of {count}: {median('rate'):,.0f} accepts/s, {median('per_cpu'):,.0f} per server CPU-second, "
          f"load average {median('load'):.2f}")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Load on `palaute serve`: durable accepts per second, in rounds.")
    parser.add_argument("--rounds", type=int, default=3, help="fresh servers to load one after another (3)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (16)")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of load per round, after 2 of warm-up (10)")
    options = parser.parse_args()
    rounds(options.rounds, options.connections, options.seconds)
