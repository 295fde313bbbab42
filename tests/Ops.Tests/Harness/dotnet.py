#!/usr/bin/env python3
"""A fake `dotnet` for failoverctl deploy's build step: records the call beside the fake pulumi's (calls.jsonl, "program":
"dotnet") and answers from answers/dotnet.json ({"exit", "stdout", "stderr"}); without one, a build that succeeded."""
import json
import os
import sys

root = os.environ["FAKE_PULUMI_DIR"]
with open(os.path.join(root, "calls.jsonl"), "a") as calls:
    calls.write(json.dumps({"program": "dotnet", "argv": sys.argv[1:], "cwd": os.getcwd()}) + "\n")
path = os.path.join(root, "answers", "dotnet.json")
answer = {"stdout": "  Functions -> functions/dist/\n"}
if os.path.exists(path):
    with open(path) as f:
        answer = json.load(f)
sys.stdout.write(answer.get("stdout", ""))
sys.stderr.write(answer.get("stderr", ""))
sys.exit(answer.get("exit", 0))
