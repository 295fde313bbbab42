#!/usr/bin/env python3
"""A fake `pulumi` for failoverctl's tests, and the emulator's stand-in (emulator.py): records every call and answers with recorded JSON.

FAKE_PULUMI_DIR holds answers/<verb>.<stack>.json ({"exit": N, "stdout": "...", "stderr": "..."}, verb one of stack-output,
config, preview, up) and receives calls.jsonl (one {"program": "pulumi", "argv": [...], "cwd": "..."} per call). No answer:
Pulumi's own error for a stack that does not exist.

An answer can take its time: "sleep" seconds before answering (a slow backend, a long update).

What an update changes, an answer can change too: "setOutputs" becomes the stack's `stack output` answer afterwards, and
"putItem" ({"region", "table", "item"}) is written to DynamoDB (AWS_ENDPOINT_URL) while the command runs, as a failover that
starts during an update would.
"""
import json
import os
import sys

root = os.environ["FAKE_PULUMI_DIR"]
argv = sys.argv[1:]
with open(os.path.join(root, "calls.jsonl"), "a") as calls:
    calls.write(json.dumps({"program": "pulumi", "argv": argv, "cwd": os.getcwd()}) + "\n")

stack = argv[argv.index("--stack") + 1] if "--stack" in argv else None
verb = "stack-output" if argv[:2] == ["stack", "output"] else argv[0] if argv else ""
path = os.path.join(root, "answers", f"{verb}.{stack}.json")
if not os.path.exists(path):
    sys.stderr.write(f"error: no stack named '{stack}' found\n")
    sys.exit(255)
with open(path) as f:
    answer = json.load(f)
if "sleep" in answer:
    import time

    time.sleep(answer["sleep"])
if "putItem" in answer:
    import boto3

    put = answer["putItem"]
    typed = {k: ({"N": str(v)} if isinstance(v, int) and not isinstance(v, bool) else {"S": v}) for k, v in put["item"].items()}
    boto3.client("dynamodb", region_name=put["region"], endpoint_url=os.environ["AWS_ENDPOINT_URL"]).put_item(TableName=put["table"], Item=typed)
if "setOutputs" in answer:
    with open(os.path.join(root, "answers", f"stack-output.{stack}.json"), "w") as f:
        json.dump({"exit": 0, "stdout": json.dumps(answer["setOutputs"])}, f)
sys.stdout.write(answer.get("stdout", ""))
sys.stderr.write(answer.get("stderr", ""))
sys.exit(answer.get("exit", 0))
