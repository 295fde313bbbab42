#!/usr/bin/env python3
"""A fake `pulumi` for failoverctl's tests: records every call and answers with recorded JSON.

FAKE_PULUMI_DIR holds answers/<verb>.<stack>.json ({"exit": N, "stdout": "...", "stderr": "..."}, verb one of stack-output,
config, preview, up) and receives calls.jsonl (one {"argv": [...], "cwd": "..."} per call). No answer: Pulumi's own error for
a stack that does not exist.
"""
import json
import os
import sys

root = os.environ["FAKE_PULUMI_DIR"]
argv = sys.argv[1:]
with open(os.path.join(root, "calls.jsonl"), "a") as calls:
    calls.write(json.dumps({"argv": argv, "cwd": os.getcwd()}) + "\n")

stack = argv[argv.index("--stack") + 1] if "--stack" in argv else None
verb = "stack-output" if argv[:2] == ["stack", "output"] else argv[0] if argv else ""
path = os.path.join(root, "answers", f"{verb}.{stack}.json")
if not os.path.exists(path):
    sys.stderr.write(f"error: no stack named '{stack}' found\n")
    sys.exit(255)
with open(path) as f:
    answer = json.load(f)
sys.stdout.write(answer.get("stdout", ""))
sys.stderr.write(answer.get("stderr", ""))
sys.exit(answer.get("exit", 0))
