#!/usr/bin/env python3
"""Times the compiler command Pulumi runs (Pulumi.yaml runtime.options.compiler), split into words and run without a
shell as pulumi-yaml does, from the project directory:

  - unchanged: nothing changed since the last build (plugin discovery, and the real run with PULUMI_* set);
  - rebuild:   a source file's content changed first, so the command must rebuild, and stdout must still be exactly the program;
  - baseline:  `dotnet run` (the command this replaced), for comparison.

    python3 infra/bench/compiler.py [--runs 30]

Needs the .NET SDK and bash, as the command itself does; the first run builds the compiler.
"""
import argparse
import json
import os
import pathlib
import platform
import shlex
import shutil
import statistics
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGET_SECONDS = 0.5


def compiler_command():
    for line in (ROOT / "Pulumi.yaml").read_text().splitlines():
        if line.strip().startswith("compiler:"):
            return shlex.split(line.split(":", 1)[1].strip())
    raise SystemExit("Pulumi.yaml has no runtime.options.compiler")


def environment(real_run):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
    if real_run:
        config = {"aws:region": "us-east-1", "failover:role": "primary", "failover:peerRegion": "us-west-2",
                  "failover:domainName": "app.example.com", "failover:hostedZoneId": "Z0123456789ABCDEFGHIJ",
                  "failover:containerImage": "public.ecr.aws/nginx/nginx:stable"}
        env.update(PULUMI_STACK="primary", PULUMI_PROJECT="failover", PULUMI_ORGANIZATION="bench", PULUMI_CONFIG=json.dumps(config))
    return env


def run(command, env):
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr}")
    return elapsed, done.stdout


def summary(name, times):
    times = sorted(times)
    p90 = times[min(len(times) - 1, round(0.9 * (len(times) - 1)))]
    print(f"{name:<34} median {statistics.median(times) * 1000:7.0f} ms   p90 {p90 * 1000:7.0f} ms   min {times[0] * 1000:6.0f} ms   (n={len(times)})")
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if shutil.which("dotnet") is None:
        raise SystemExit("dotnet is required: the compiler command builds and runs infra/Compiler (the .NET 10 SDK)")
    command = compiler_command()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    print(f"command: {' '.join(command)}")
    print(f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; {time.strftime('%Y-%m-%d')}")

    _, reference = run(command, environment(real_run=False))  # builds if needed
    discovery = [run(command, environment(real_run=False))[0] for _ in range(args.runs)]
    real = [run(command, environment(real_run=True))[0] for _ in range(args.runs)]

    baseline = [run(["dotnet", "run", "--project", "infra/Compiler", "-c", "Release", "--verbosity", "quiet", "--"], environment(real_run=False))[0]
                for _ in range(5)]

    # A change of content (the command fingerprints sources by content, not time): a comment line, removed afterwards.
    rebuilds = []
    source = ROOT / "infra" / "Model" / "RegionStack.cs"
    original = source.read_text()
    try:
        for i in range(3):
            source.write_text(original + f"// benchmark edit {i}\n")
            elapsed, stdout = run(command, environment(real_run=False))
            if stdout != reference:
                raise SystemExit("after a rebuild stdout was not exactly the program: build output leaked onto stdout")
            rebuilds.append(elapsed)
    finally:
        source.write_text(original)
        run(command, environment(real_run=False))  # leave the built compiler matching the sources

    print()
    unchanged = summary("unchanged, plugin discovery", discovery)
    unchanged_real = summary("unchanged, real run (PULUMI_* set)", real)
    summary("source changed: rebuild + run", rebuilds)
    summary("baseline: dotnet run", baseline)
    worst = max(unchanged, unchanged_real)
    print(f"\nunchanged median {worst * 1000:.0f} ms: {'within' if worst <= TARGET_SECONDS else 'OVER'} the {TARGET_SECONDS * 1000:.0f} ms target")
    return 0 if worst <= TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
