"""Closed-loop HTTP load generators that stop by themselves: a pure-Python one (threads + http.client,
keep-alive where the server keeps the connection open, reconnecting where it closes it) and, optionally,
`wrk` when it is installed. Both are bounded by a duration; the Python one also by a request count."""

import http.client
import itertools
import json
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .common import percentile

CONNECT_TIMEOUT = 10.0


@dataclass
class Target:
    name: str
    path: str
    host: str
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200
    description: str = ""


def _summary(latencies: list[float], ok: int, errors: int, statuses: dict, elapsed: float, **extra) -> dict:
    total = ok + errors
    return {
        "requests": total,
        "ok": ok,
        "errors": errors,
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))},
        "seconds": round(elapsed, 3),
        "rps": round(total / elapsed, 1) if elapsed else None,
        "latency_ms": {
            "p50": round(1000 * percentile(latencies, 50), 2) if latencies else None,
            "p95": round(1000 * percentile(latencies, 95), 2) if latencies else None,
            "p99": round(1000 * percentile(latencies, 99), 2) if latencies else None,
            "max": round(1000 * max(latencies), 2) if latencies else None,
        },
        **extra,
    }


def python_load(port: int, target: Target, *, duration: float, max_requests: int, concurrency: int) -> dict:
    """`concurrency` threads, each with its own connection, each sending the next request as soon as the
    previous answer is read, until `duration` seconds have passed or `max_requests` were sent."""
    headers = {
        "Host": target.host,
        "Accept": "application/json",
        "Connection": "keep-alive",
        **target.headers,
    }
    tickets = itertools.count()  # next() is atomic under the GIL: a shared request budget
    deadline = time.perf_counter() + duration
    per_thread: list[dict] = []
    lock = threading.Lock()

    def worker() -> None:
        latencies: list[float] = []
        statuses: dict = {}
        ok = errors = reconnects = 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CONNECT_TIMEOUT)
        while time.perf_counter() < deadline and next(tickets) < max_requests:
            t0 = time.perf_counter()
            try:
                conn.request("GET", target.path, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    reconnects += 1
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=CONNECT_TIMEOUT)
            latencies.append(time.perf_counter() - t0)
            statuses[status] = statuses.get(status, 0) + 1
            if status == target.expect:
                ok += 1
            else:
                errors += 1
        conn.close()
        with lock:
            per_thread.append(
                {
                    "latencies": latencies,
                    "statuses": statuses,
                    "ok": ok,
                    "errors": errors,
                    "reconnects": reconnects,
                }
            )

    threads = [threading.Thread(target=worker, daemon=True, name=f"load-{i}") for i in range(concurrency)]
    cpu0 = time.process_time()
    t_start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.perf_counter()) + CONNECT_TIMEOUT + 5)
    elapsed = time.perf_counter() - t_start
    client_cpu = time.process_time() - cpu0
    stuck = sum(1 for t in threads if t.is_alive())

    latencies = [x for r in per_thread for x in r["latencies"]]
    statuses: dict = {}
    for r in per_thread:
        for k, v in r["statuses"].items():
            statuses[k] = statuses.get(k, 0) + v
    return _summary(
        latencies,
        sum(r["ok"] for r in per_thread),
        sum(r["errors"] for r in per_thread),
        statuses,
        elapsed,
        generator="python",
        concurrency=concurrency,
        stuck_threads=stuck,
        server_closed_connections=sum(r["reconnects"] for r in per_thread),
        client_cpu_seconds=round(client_cpu, 2),
    )


WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write("WRK_JSON " .. string.format(
    '{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,'
    .. '"p50":%d,"p95":%d,"p99":%d,"max":%d}',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max) .. "\\n")
end
"""


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk_load(port: int, target: Target, *, duration: float, concurrency: int, threads: int = 2) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    cmd = [
        "wrk",
        f"-t{min(threads, concurrency)}",
        f"-c{concurrency}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        f"{int(CONNECT_TIMEOUT)}s",
        "-s",
        script.name,
        "-H",
        f"Host: {target.host}",
    ]
    for name, value in target.headers.items():
        cmd += ["-H", f"{name}: {value}"]
    cmd.append(f"http://127.0.0.1:{port}{target.path}")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=False)
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed (rc={proc.returncode}): {proc.stdout[-500:]} {proc.stderr[-500:]}")
    w = json.loads(line.removeprefix("WRK_JSON "))
    elapsed = w["duration_us"] / 1e6
    errors = w["connect"] + w["read"] + w["write"] + w["status"] + w["timeout"]
    # wrk counts a read error when the server closes a connection it did not promise to keep; gunicorn's
    # sync workers close every connection after answering (Connection: close), which wrk handles.
    return {
        "requests": w["requests"],
        "ok": w["requests"] - w["status"] - w["timeout"],
        "errors": errors,
        "error_kinds": {k: w[k] for k in ("connect", "read", "write", "status", "timeout")},
        "seconds": round(elapsed, 3),
        "rps": round(w["requests"] / elapsed, 1) if elapsed else None,
        "latency_ms": {k: round(w[k] / 1000, 2) for k in ("p50", "p95", "p99", "max")},
        "generator": "wrk",
        "concurrency": concurrency,
    }
