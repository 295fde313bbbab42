#!/usr/bin/env python3
"""The failover workflow's own overhead: what the state machine, the functions and their AWS calls cost in a failover and a
failback, with the waiting taken out.

Runs tests/oracles/drill.mjs (the end-to-end drill under moto's IAM enforcement: the compiled state machines in
aws-local-stepfunctions, every Task the real native `bootstrap` behind a local Lambda Runtime API) RUNS times, each in a
fresh moto, each doing failover then failback twice: the first cycle starts every function cold (a new process on its
first invocation, as Lambda after idle), the second finds them warm.

    overhead of an execution = its wall time - time in Wait states (overridden to 0 here)
                               - the drill's copying of the control table between regions (moto has no global tables;
                                 on AWS replication runs beside the workflow, not in it)
    time of a task           = a Task state's call: the event handed to the function through the Runtime API until its
                               response, with the function's signed AWS calls to moto; or the SNS publish

moto answers in about a millisecond on this machine, with none of the network latency or the Route 53 / ECS control-plane
times of real AWS: the figures are the workflow's floor, not a prediction of a failover's duration (which the readiness
wait for new tasks dominates).

    python3 infra/bench/workflow_overhead.py [--runs 10] [--bootstrap functions/dist/bootstrap] [--json]

Needs node and npm (the drill's packages are installed from tests/oracles/package-lock.json on first use, as tests/run.sh
does), moto with boto3, the .NET SDK (the stacks are compiled) and the native binary (`dotnet publish functions -c Release`).
"""
import argparse
import datetime
import hashlib
import json
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
ORACLES = ROOT / "tests" / "oracles"
EXECUTIONS = ("failover", "failback")
ORDER = {}  # per execution, its Task states in the order they ran


def require():
    """Stops with one line naming what is missing, or installs the drill's packages when they are not installed from this lockfile."""
    for tool, why in (("node", "runs the drill (tests/oracles/drill.mjs)"), ("npm", "installs the drill's packages"),
                      ("dotnet", "compiles the two stacks")):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is required: it {why}")
    if subprocess.run([sys.executable, "-c", "import moto, boto3"], capture_output=True).returncode != 0:
        raise SystemExit("moto (with boto3) is required: the drill runs in moto's AWS emulator; install it with pip install 'moto[server]'")
    # The stamp tests/run.sh writes: node_modules installed from this very lockfile is not installed again.
    stamp = ORACLES / "node_modules" / ".installed-from-lock"
    lock = hashlib.sha256((ORACLES / "package-lock.json").read_bytes()).hexdigest()
    if stamp.is_file() and stamp.read_text().strip() == lock:
        return
    print(f"Installing test oracles (npm ci in {ORACLES.relative_to(ROOT)})...", file=sys.stderr)
    done = subprocess.run(["npm", "ci", "--prefix", str(ORACLES), "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                          stdout=sys.stderr)
    if done.returncode != 0:
        raise SystemExit(f"npm ci in {ORACLES.relative_to(ROOT)} failed (exit {done.returncode}): the drill needs its packages")
    stamp.write_text(lock + "\n")


def compile_stack(stack, out):
    done = subprocess.run(["bash", "infra/compile.sh", "--stack", stack, "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"infra/compile.sh --stack {stack} failed: {done.stderr}")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p * (len(values) - 1)))]


def line(name, values):
    return (f"{name:<40} median {statistics.median(values):7.1f} ms   p90 {percentile(values, 0.9):7.1f} ms   "
            f"min {min(values):6.1f}   max {max(values):6.1f}   (n={len(values)})")


def machine():
    model = "unknown"
    try:
        for row in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                model = row.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name, command in {"node": ["node", "--version"], "moto": [sys.executable, "-c", "import moto; print(moto.__version__)"]}.items():
        done = subprocess.run(command, capture_output=True, text=True)
        versions[name] = done.stdout.strip() if done.returncode == 0 else "unknown"
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "nproc": os.cpu_count(),
            "cpu": model, "kernel": platform.release(), **versions}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10, help="fresh worlds, each running failover and failback twice")
    parser.add_argument("--bootstrap", default=str(ROOT / "functions" / "dist" / "bootstrap"))
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not pathlib.Path(args.bootstrap).exists():
        raise SystemExit(f"{args.bootstrap} is missing: build it with `dotnet publish functions -c Release`")
    require()

    with tempfile.TemporaryDirectory(prefix="failover-bench-") as tmp:
        primary, secondary = pathlib.Path(tmp, "primary.yaml"), pathlib.Path(tmp, "secondary.yaml")
        compile_stack("primary", primary)
        compile_stack("secondary", secondary)
        done = subprocess.run(["node", "drill.mjs", "--json", "--primary", str(primary), "--secondary", str(secondary),
                               "--bootstrap", args.bootstrap, "--scenarios", ",".join(EXECUTIONS), "--runs", str(args.runs),
                               "--cycles", "2"], cwd=ORACLES, capture_output=True, text=True)
    try:
        result = json.loads(done.stdout)
    except ValueError:
        raise SystemExit(f"drill.mjs printed no result (exit {done.returncode}): {done.stderr[-3000:]}")
    failing = {name: s["findings"] for name, s in result["scenarios"].items() if s["findings"]}
    if failing:
        raise SystemExit(f"the drill has findings, so its timings mean nothing: {json.dumps(failing, indent=2)[:4000]}")

    # scenario keys: failover#1@3 = failover, cycle 1 (cold functions), run 3
    figures = {"machine": machine(), "runs": args.runs, "executions": {}, "tasks": {}}
    for name, scenario in result["scenarios"].items():
        execution, rest = name.split("#", 1)
        phase = "cold" if rest.split("@", 1)[0] == "1" else "warm"
        t = scenario["timings"]
        entry = figures["executions"].setdefault(f"{execution} ({phase})",
                                                 {"overheadMs": [], "wallMs": [], "waitMs": [], "replicationMs": [], "tasksMs": [], "stateMachineMs": []})
        for key in ("overheadMs", "wallMs", "waitMs", "replicationMs"):
            entry[key].append(t[key])
        tasks = sum(sum(times) for times in t["taskMs"].values())
        entry["tasksMs"].append(round(tasks, 1))
        # What is left: the interpreter's own state transitions, Pass/Choice states, and the hand-offs between them.
        entry["stateMachineMs"].append(round(t["overheadMs"] - tasks, 1))
        for state in scenario["visited"]:
            if state in t["taskMs"] and state not in ORDER.setdefault(execution, []):
                ORDER[execution].append(state)
        for state, times in t["taskMs"].items():
            figures["tasks"].setdefault(f"{execution} {state} ({phase})", []).extend(times)

    if args.json:
        print(json.dumps(figures, indent=2))
        return
    m = figures["machine"]
    print(f"{m['date']}; {m['nproc']} CPUs, {m['cpu']}; Linux {m['kernel']}; node {m['node']}, moto {m['moto']}; {args.runs} runs")
    print("\nper execution: overhead = wall - Wait states - the drill's table replication")
    for name, entry in figures["executions"].items():
        print(line(f"{name} overhead", entry["overheadMs"]))
        print(line(f"  of which Task states", entry["tasksMs"]))
        print(line(f"  of which the state machine", entry["stateMachineMs"]))
        print(line(f"  wall (with replication)", entry["wallMs"]))
    print("\nper task (function: Runtime API round trip incl. its AWS calls; Notify*: the SNS publish)")
    for execution in EXECUTIONS:
        for phase in ("cold", "warm"):
            for state in ORDER.get(execution, []):
                times = figures["tasks"].get(f"{execution} {state} ({phase})")
                if times:
                    print(line(f"{execution} {state} ({phase})", times))


if __name__ == "__main__":
    main()
