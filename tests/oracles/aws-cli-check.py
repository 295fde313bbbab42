#!/usr/bin/env python3
"""Documented `aws ...` command lines against the AWS CLI's own parser, without calling AWS.

    python3 aws-cli-check.py < request.json
        request: {"commands": [["aws", "dynamodb", "update-table", ...], ...], "files": {"name": "content", ...}}
        prints:  {"cli": "aws-cli/VERSION", "results": [{"command": "aws ...", "words": [...], "error": null | "why"}, ...]}

Each command runs through the installed AWS CLI's driver (awscli's clidriver, the code `aws` itself runs): its global
options, the service and operation (or customisation such as `aws s3 rm`), every option and its value (shorthand and JSON
values are unpacked as the CLI unpacks them; `file://NAME` reads the files the request gives, written to a scratch folder
that is the working directory), and required options. Where the CLI would call AWS, the parameters are instead checked
against botocore's model of the operation (names, types, required members), the check a client makes before it sends a
request; a customisation's own work (`s3 rm` listing a bucket) is not run. No credentials are read and nothing is sent.
"""
import contextlib
import io
import json
import os
import shlex
import sys
import tempfile


def main():
    request = json.load(sys.stdin)
    scratch = tempfile.mkdtemp(prefix="aws-cli-check-")
    for name, content in request.get("files", {}).items():
        with open(os.path.join(scratch, name), "w", encoding="utf-8") as f:
            f.write(content)
    os.chdir(scratch)
    # No user configuration or credentials: profiles named in the commands exist, empty, in a config of our own.
    profiles = sorted({c[i + 1] for c in request["commands"] for i, w in enumerate(c[:-1]) if w == "--profile"})
    config = os.path.join(scratch, "config")
    with open(config, "w", encoding="utf-8") as f:
        f.write("".join(f"[profile {p}]\n" for p in profiles))
    os.environ.update({"AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_DEFAULT_REGION": "us-east-1",
                       "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "example", "AWS_PAGER": ""})

    sys.argv[0] = "aws"
    import awscli
    from awscli import clidriver
    from awscli.customizations.commands import BasicCommand
    from botocore.validate import ParamValidator

    def checked_invoke(self, service_name, operation_name, parameters, parsed_globals):
        model = self._session.get_service_model(service_name).operation_model(operation_name)
        report = ParamValidator().validate(parameters, model.input_shape)
        if report.has_errors():
            raise ValueError(report.generate_report())
        return 0

    clidriver.CLIOperationCaller.invoke = checked_invoke

    def stub_everywhere(cls):
        for sub in cls.__subclasses__():
            if "_run_main" in sub.__dict__:
                sub._run_main = lambda self, parsed_args, parsed_globals: 0
            stub_everywhere(sub)

    results = []
    for words in request["commands"]:
        command = shlex.join(words)
        if words[:1] != ["aws"]:
            results.append({"command": command, "words": words, "error": "not an aws command"})
            continue
        driver = clidriver.create_clidriver()
        # Customisations are imported while the driver builds its command table: stub their work once they exist.
        driver._get_command_table()
        stub_everywhere(BasicCommand)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                code = driver.main(words[1:])
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 2
        # The CLI prints its usage before the reason: keep the reason.
        lines = [line for line in err.getvalue().splitlines() if line.strip()]
        usage_ends = max((i for i, line in enumerate(lines) if "<subcommand> help" in line), default=-1)
        message = " ".join(" ".join(lines[usage_ends + 1:]).split())
        results.append({"command": command, "words": words, "error": None if code == 0 else (message or f"exit {code}")})
    print(json.dumps({"cli": f"aws-cli/{awscli.__version__}", "results": results}))


if __name__ == "__main__":
    main()
