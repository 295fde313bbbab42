#!/usr/bin/env python3
"""failoverctl against moto instead of AWS, for trying it without an account (docs/operating.md, "Trying it without AWS").

    eval "$(python3 tests/Ops.Tests/Harness/emulator.py up)"     moto on a free port, both stacks arranged; prints the exports
    eval "$(python3 tests/Ops.Tests/Harness/emulator.py down)"   stops that moto, removes its folder; prints the unsets

The world is the one failoverctl's tests run against (world.py), the readiness world included; the stand-in for the Pulumi
CLI is theirs too (pulumi.py), answering `stack output` and `config` for both stacks, and so are the stand-ins for the two
APIs moto lacks (stand_ins.py: Service Quotas and IAM's policy simulator), run as a process of their own beside moto. Everything lives in one folder (FAILOVER_EMULATOR_DIR, default
$TMPDIR/failover-emulator-$USER), failoverctl's outputs cache included: a moto stack's outputs in the real cache would be
used against AWS the day the Pulumi backend does not answer.

Nothing it prints may let a command reach AWS or a Pulumi backend: `up` unsets or replaces every variable that names the
caller's credentials or backend, and when it fails it prints only `unset FAILOVER_EMULATOR_URL; false` (the README's
failoverctl function refuses to run without FAILOVER_EMULATOR_URL, and `eval` of a failed `up` would otherwise succeed).
It removes only a folder it made (the one holding MARKER): FAILOVER_EMULATOR_DIR=. must not delete a checkout.
"""
import getpass
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
MARKER = ".failover-emulator"
# What `up` exports, and `down` unsets (with FAILOVER_EMULATOR_URL, which `up` prints last).
EXPORTED = ("FAILOVER_EMULATOR_DIR", "FAKE_PULUMI_DIR", "FAILOVERCTL_CACHE_DIR", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "PULUMI_HOME", "PULUMI_BACKEND_URL",
            "AWS_ENDPOINT_URL_SERVICE_QUOTAS", "AWS_ENDPOINT_URL_IAM")
# The caller's own: a profile is resolved ahead of keys in the environment, a token belongs to other keys, a role or an SSO
# session signs in elsewhere, a Pulumi token reaches the Pulumi Cloud.
UNSET = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ROLE_ARN",
         "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
         "PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE")


class Refused(Exception):
    """A condition `up` or `down` explains in one line."""


def folder():
    return os.environ.get("FAILOVER_EMULATOR_DIR") or os.path.join(tempfile.gettempdir(), f"failover-emulator-{getpass.getuser()}")


def answers(url):
    try:
        with urllib.request.urlopen(f"{url}/moto-api/", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def running(process):
    """Whether a process this folder started still runs: its pid with its command line (a bare pid may be someone else's by now)."""
    proc = f"/proc/{process['pid']}/cmdline"
    if os.path.isdir("/proc/self"):  # Linux, where a slim image may have no ps
        try:
            with open(proc) as f:
                shown = f.read().replace("\0", " ")
        except OSError:
            return False
    else:
        shown = subprocess.run(["ps", "-p", str(process["pid"]), "-o", "command="], capture_output=True, text=True).stdout
    return all(part in shown + " " for part in process["shows"])


def ours(root):
    return os.path.isfile(os.path.join(root, MARKER))


def stop(root):
    """Stops the moto this folder started, and removes the folder: only one `up` made."""
    if not ours(root):
        raise Refused(f"{root} was not made by emulator.py (it has no {MARKER}): not removing it; "
                      "set FAILOVER_EMULATOR_DIR to a folder of its own")
    for name in ("stand-ins.json", "moto.json"):
        state = os.path.join(root, name)
        if not os.path.exists(state):
            continue
        with open(state) as f:
            process = json.load(f)
        for sent in (signal.SIGTERM, signal.SIGKILL):
            if not running(process):
                break
            os.kill(process["pid"], sent)
            for _ in range(50):
                if not running(process):
                    break
                time.sleep(0.1)
    shutil.rmtree(root, ignore_errors=True)


def make(root):
    """The folder, marked as this script's before anything else goes in it; an empty folder given for it will do."""
    if os.path.exists(root):
        if ours(root):
            stop(root)  # a second `up` starts afresh rather than leave a moto running that nothing names
        elif os.listdir(root):
            raise Refused(f"{root} is not empty and was not made by emulator.py: set FAILOVER_EMULATOR_DIR to a new folder")
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, MARKER), "w") as f:
        f.write("made by tests/Ops.Tests/Harness/emulator.py up; `down` removes this folder\n")
    for sub in ("bin", "answers", "cache", "pulumi-home", "backend"):
        os.makedirs(os.path.join(root, sub))
    for empty in ("aws-config", "aws-credentials"):
        open(os.path.join(root, empty), "w").close()


def answer(root, verb, stack, stdout):
    with open(os.path.join(root, "answers", f"{verb}.{stack}.json"), "w") as f:
        json.dump({"exit": 0, "stdout": json.dumps(stdout)}, f)


def up():
    root = os.path.abspath(folder())
    make(root)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # moto, and boto3 arranging the world, get what failoverctl will: a profile of the caller's that does not exist would fail them.
    for name in UNSET:
        os.environ.pop(name, None)
    os.environ.update(AWS_CONFIG_FILE=os.path.join(root, "aws-config"), AWS_SHARED_CREDENTIALS_FILE=os.path.join(root, "aws-credentials"))
    # moto reports this many running tasks for a new service, and its deployment COMPLETED when that covers the desired count.
    environment = dict(os.environ, MOTO_ECS_SERVICE_RUNNING="1")
    with open(os.path.join(root, "moto.log"), "w") as log:
        # Its own session and no inherited stdout: it outlives this script, and `$(...)` returns without waiting for it.
        moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env=environment,
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    with open(os.path.join(root, "moto.json"), "w") as f:
        json.dump({"pid": moto.pid, "shows": ["moto.server", f"-p {port} "]}, f)
    deadline = time.monotonic() + 60
    while not answers(url):
        if moto.poll() is not None:
            said = log_text(root)
            stop(root)
            raise Refused(f"moto exited with code {moto.returncode} before it answered (is it installed? "
                          f"pip install 'moto[server]'); it said: {said}")
        if time.monotonic() > deadline:
            stop(root)
            raise Refused(f"moto did not answer on {url} within 60 s")
        time.sleep(0.1)

    os.environ["MOTO_URL"] = url
    sys.path.insert(0, HERE)
    try:
        import world

        outputs = world.setup()
        endpoints = stand_ins(root, url, environment)
        world.readiness(endpoints)
    except BaseException:
        stop(root)  # nothing would name the moto it leaves running
        raise
    for stack in ("primary", "secondary"):
        answer(root, "stack-output", stack, outputs[stack])
        answer(root, "config", stack, {"failover:role": {"value": stack, "secret": False},
                                       "failover:defaultFlag": {"value": "auto", "secret": False}})
    pulumi = os.path.join(root, "bin", "pulumi")
    shutil.copy(os.path.join(HERE, "pulumi.py"), pulumi)
    os.chmod(pulumi, 0o755)

    print(f"moto answers on {url} (log: {root}/moto.log); stacks primary (us-east-1) and secondary (us-west-2) arranged, "
          f"ready for failoverctl readiness; a stand-in pulumi first on PATH, stand-ins for Service Quotas and IAM's simulator "
          f"on {endpoints['AWS_ENDPOINT_URL_SERVICE_QUOTAS']} and {endpoints['AWS_ENDPOINT_URL_IAM']}", file=sys.stderr)
    exports = {
        "FAILOVER_EMULATOR_DIR": root, "FAKE_PULUMI_DIR": root, "FAILOVERCTL_CACHE_DIR": os.path.join(root, "cache"),
        "AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        # Empty: no profile of the caller's can be named, and no SSO or credential process runs.
        "AWS_CONFIG_FILE": os.path.join(root, "aws-config"), "AWS_SHARED_CREDENTIALS_FILE": os.path.join(root, "aws-credentials"),
        # Were the real pulumi to run, it would find no login and an empty backend here.
        "PULUMI_HOME": os.path.join(root, "pulumi-home"), "PULUMI_BACKEND_URL": "file://" + os.path.join(root, "backend"),
        **endpoints,
    }
    assert tuple(exports) == EXPORTED
    lines = [f"unset {' '.join(UNSET)}"]
    lines += [f"export {name}={shlex.quote(value)}" for name, value in exports.items()]
    lines.append(f'export PATH={shlex.quote(os.path.join(root, "bin"))}:"$PATH"')
    lines.append(f"export FAILOVER_EMULATOR_URL={shlex.quote(url)}")  # last: what the README's failoverctl requires
    print("\n".join(lines))


def stand_ins(root, url, environment):
    """The stand-ins for Service Quotas and the IAM simulator (stand_ins.py), started beside moto to outlive this script;
    answers the endpoint variables that point failoverctl at them."""
    with open(os.path.join(root, "stand-ins.log"), "w") as log:
        process = subprocess.Popen([sys.executable, os.path.join(HERE, "stand_ins.py"), url], env=environment,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True)
    with open(os.path.join(root, "stand-ins.json"), "w") as f:
        json.dump({"pid": process.pid, "shows": ["stand_ins.py", f"{url} "]}, f)
    line = process.stdout.readline()
    if not line:
        raise Refused(f"the stand-ins for Service Quotas and IAM exited before they answered (log: {root}/stand-ins.log)")
    return json.loads(line)


def log_text(root):
    try:
        with open(os.path.join(root, "moto.log")) as f:
            said = [line.strip() for line in f if line.strip()]
        return said[-1] if said else "(nothing)"
    except OSError:
        return "(none)"


def down():
    root = os.path.abspath(folder())
    if os.path.exists(root):
        stop(root)
        print(f"stopped the emulator and removed {root}", file=sys.stderr)
    else:
        print(f"no emulator in {root}: nothing to stop", file=sys.stderr)
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p != os.path.join(root, "bin")]
    print(f"export PATH={shlex.quote(os.pathsep.join(path))}")
    print(f"unset FAILOVER_EMULATOR_URL {' '.join(EXPORTED)}")


if __name__ == "__main__":
    commands = {"up": up, "down": down}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit("usage: eval \"$(python3 tests/Ops.Tests/Harness/emulator.py up|down)\"")
    try:
        commands[sys.argv[1]]()
    except BaseException as failure:
        # The shell that evals this must not go on as if the emulator were up: disarm the README's failoverctl, fail the eval.
        print("unset FAILOVER_EMULATOR_URL; false")
        if isinstance(failure, Refused):
            sys.exit(f"error: {failure}")
        raise
