"""The loop both moto world scripts (Functions.Tests/Harness/world.py, Ops.Tests/Harness/world.py) answer their tests with."""
import json
import sys


def serve(commands):
    """Answers commands until stdin closes: one JSON array per line in, one JSON object per line out. boto3 is imported once,
    not once per question."""
    for line in sys.stdin:
        command, *args = json.loads(line)
        try:
            answer = {"result": commands[command](*args)}
        except Exception as error:  # reported to the test, which fails with it
            answer = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer), flush=True)
