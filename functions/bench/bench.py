#!/usr/bin/env python3
"""Side-by-side benchmark of the native-AOT bootstrap and the same code on the JIT.

Measures, in one run on this machine:
  cold start  process start -> first response posted to a local Lambda Runtime API (init + first invocation)
  init        process start -> first GET /runtime/invocation/next (ready for events)
  warm        event handed out -> response posted, for later invocations
  peak RSS    VmHWM of the process after the warm invocations
  zip size    functions/dist/lambda.zip

The handler is `shift-traffic` in its route53-api mode against canned stubs on 127.0.0.1, so the figures are the function's
own cost, not an emulator's: three signed calls per invocation, the lock check's strongly consistent DynamoDB read (every
request carries the token of a lock the stub holds for its action) and Route 53's read and update of the gate. Every server
binds 127.0.0.1.

    python3 functions/bench/bench.py [--runs 15] [--warm 200]     (after `dotnet publish functions -c Release`
                                                                    and `dotnet build functions -c Release`)
"""
import argparse
import base64
import hashlib
import json
import os
import platform
import queue
import statistics
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
AOT = [os.path.join(ROOT, "functions", "dist", "bootstrap")]
JIT = ["dotnet", os.path.join(ROOT, "functions", "Bootstrap", "bin", "Release", "net10.0", "linux-x64", "bootstrap.dll")]
ZIP = os.path.join(ROOT, "functions", "dist", "lambda.zip")
# What the functions read, generated from functions/Contract (the benchmark checks its environment against it).
CONTRACT = os.path.join(ROOT, "tests", "oracles", "contract.json")
HANDLER = "shift-traffic"
NS = "https://route53.amazonaws.com/doc/2013-04-01/"
LOCK_TOKEN = "bench-lock-token"


class DynamoDbStub(BaseHTTPRequestHandler):
    """POST / GetItem of the control table's state item: the lock, held with LOCK_TOKEN for the action being benchmarked."""
    action = "failover"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        # The item keeps the hash of the token (base64url of its SHA-256, unpadded), as decide writes it.
        token_hash = base64.urlsafe_b64encode(hashlib.sha256(LOCK_TOKEN.encode()).digest()).decode().rstrip("=")
        body = json.dumps({"Item": {"pk": {"S": "state"}, "lockTokenHash": {"S": token_hash},
                                    "lockAction": {"S": DynamoDbStub.action}}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Route53Stub(BaseHTTPRequestHandler):
    """GET/POST /2013-04-01/healthcheck/{id}: remembers Inverted, answers like Route 53."""
    inverted = False
    version = 1

    def _reply(self):
        body = (f'<?xml version="1.0"?><GetHealthCheckResponse xmlns="{NS}"><HealthCheck><Id>gate</Id>'
                f'<HealthCheckConfig><Type>CALCULATED</Type><Inverted>{str(Route53Stub.inverted).lower()}</Inverted></HealthCheckConfig>'
                f'<HealthCheckVersion>{Route53Stub.version}</HealthCheckVersion></HealthCheck></GetHealthCheckResponse>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._reply()

    def do_POST(self):
        text = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        Route53Stub.inverted = "<Inverted>true</Inverted>" in text
        Route53Stub.version += 1
        self._reply()

    def log_message(self, *args):
        pass


class RuntimeApi(BaseHTTPRequestHandler):
    """A local Lambda Runtime API: hands out queued events, timestamps every step."""
    events = queue.Queue()
    marks = {}
    first_next = None

    def do_GET(self):
        if RuntimeApi.first_next is None:
            RuntimeApi.first_next = time.perf_counter()
        request_id, body = RuntimeApi.events.get()
        RuntimeApi.marks[request_id] = {"sent": time.perf_counter()}
        payload = body.encode()
        self.send_response(200)
        self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 60_000))
        self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-west-2:123456789012:function:bench")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the long-poll of a process the benchmark has just killed

    def do_POST(self):
        now = time.perf_counter()
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        parts = self.path.split("/")
        request_id, kind = parts[-2], parts[-1]
        RuntimeApi.marks.setdefault(request_id, {})[kind] = now
        if kind == "error":
            RuntimeApi.marks[request_id]["body"] = body.decode(errors="replace")
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def serve(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def wait_for(request_id, timeout=30):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        mark = RuntimeApi.marks.get(request_id, {})
        if "response" in mark or "error" in mark:
            if "error" in mark:
                raise SystemExit(f"the {HANDLER} invocation failed, so there is nothing to measure: {mark.get('body', '')[:2000]}")
            return mark
        time.sleep(0.0002)
    raise TimeoutError(request_id)


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def environment(runtime_api, stubs):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_LAMBDA_RUNTIME_API": runtime_api, "_HANDLER": HANDLER, "CONTROL_TABLE_NAME": "bench-control",
        "TRAFFIC_GATE_MODE": "route53-api", "GATE_HEALTH_CHECK_ID": "gate",
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token",
        "AWS_REGION": "us-west-2", "AWS_ENDPOINT_URL_ROUTE_53": stubs["route53"], "AWS_ENDPOINT_URL_DYNAMODB": stubs["dynamodb"],
        "DOTNET_TieredPGO": "1",
    })
    with open(CONTRACT) as contract:
        required = next(h for h in json.load(contract)["handlers"] if h["name"] == HANDLER)["environment"]["required"]
    missing = [name for name in required if name not in env]
    if missing:
        raise SystemExit(f"{HANDLER} requires {', '.join(missing)} ({os.path.relpath(CONTRACT, ROOT)}), which this benchmark does not set: "
                         "add it to environment() in functions/bench/bench.py")
    return env


def invoke(action):
    """Queues one event for `action`, the lock held for it: what the workflow hands shift-traffic."""
    request_id = str(uuid.uuid4())
    DynamoDbStub.action = action
    RuntimeApi.events.put((request_id, json.dumps({"action": action, "lockId": LOCK_TOKEN})))
    return request_id


def run_once(command, env, warm):
    RuntimeApi.first_next = None
    actions = ["failover", "failback"]
    first = invoke(actions[0])
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        cold = wait_for(first)["response"] - start
        init = RuntimeApi.first_next - start
        latencies = []
        for i in range(warm):
            mark = wait_for(invoke(actions[(i + 1) % 2]))
            latencies.append(mark["response"] - mark["sent"])
        rss = peak_rss_kib(process.pid)
    finally:
        process.kill()
        process.wait()
        # Drop the long-poll the killed process left waiting.
        RuntimeApi.events.put(("drain", "{}"))
        time.sleep(0.05)
        while not RuntimeApi.events.empty():
            RuntimeApi.events.get_nowait()
    return cold, init, latencies, rss


def summary(name, runs):
    cold = [r[0] * 1000 for r in runs]
    init = [r[1] * 1000 for r in runs]
    warm = sorted(l * 1000 for r in runs for l in r[2])
    rss = max(r[3] for r in runs) / 1024
    pct = lambda xs, p: xs[min(len(xs) - 1, int(len(xs) * p))]
    return {
        "name": name, "cold_median_ms": statistics.median(cold), "cold_p90_ms": pct(sorted(cold), 0.9),
        "init_median_ms": statistics.median(init), "warm_median_ms": statistics.median(warm),
        "warm_p99_ms": pct(warm, 0.99), "peak_rss_mib": rss,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warm", type=int, default=200)
    args = parser.parse_args()
    for path in (AOT[0], JIT[1], ZIP):
        if not os.path.exists(path):
            raise SystemExit(f"{path} is missing: run `dotnet publish functions -c Release` and `dotnet build functions -c Release` first")

    runtime = serve(RuntimeApi)
    stubs = {name: f"http://127.0.0.1:{serve(handler).server_address[1]}" for name, handler in (("route53", Route53Stub), ("dynamodb", DynamoDbStub))}
    env = environment(f"127.0.0.1:{runtime.server_address[1]}", stubs)

    results = {}
    for name, command in (("native AOT", AOT), ("JIT (dotnet bootstrap.dll)", JIT)):
        run_once(command, env, 5)  # warm the page cache, not the process
        results[name] = summary(name, [run_once(command, env, args.warm) for _ in range(args.runs)])

    aot, jit = results["native AOT"], results["JIT (dotnet bootstrap.dll)"]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    print(f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; date {time.strftime('%Y-%m-%d')}")
    print(f"runs: {args.runs} cold starts and {args.runs * args.warm} warm invocations per build; handler {HANDLER} (3 signed calls: the lock's DynamoDB read, Route 53's read and update)\n")
    print("| build | cold start median (p90) | init to first /next | warm median (p99) | peak RSS |")
    print("|---|---|---|---|---|")
    for r in (aot, jit):
        print(f"| {r['name']} | {r['cold_median_ms']:.1f} ms ({r['cold_p90_ms']:.1f}) | {r['init_median_ms']:.1f} ms | "
              f"{r['warm_median_ms']:.2f} ms ({r['warm_p99_ms']:.2f}) | {r['peak_rss_mib']:.1f} MiB |")
    print(f"\ncold start speed-up AOT vs JIT: {jit['cold_median_ms'] / aot['cold_median_ms']:.1f}x")
    print(f"lambda.zip: {os.path.getsize(ZIP) / 1e6:.2f} MB ({os.path.getsize(ZIP):,} bytes); bootstrap: {os.path.getsize(AOT[0]) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
