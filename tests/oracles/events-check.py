#!/usr/bin/env python3
"""The compiled EventBridge rules against AWS's documented sample events, matched and transformed by moto.

    python3 events-check.py [--json] PRIMARY.yaml SECONDARY.yaml
        Every EventBridge rule of both compiled stacks is created, with its compiled pattern, on moto's default bus; its target
        is an SQS queue (with the compiled input transformer, if the rule has one) instead of the real target, since moto
        delivers to queues. Then each sample event is put on the bus and the queue says whether the rule matched and what the
        target would have received. `--json` prints {rules: [{stack, rule, name, pattern, inputTransformer, templateForms,
        cases: [{label, group, expect, delivered, bodies, event, error?}]}], findings: [...], mismatches: [...]}; without it,
        a readable report. Findings stop a rule from being checked; mismatches are deliveries other than expected.

    python3 events-check.py scheduler-doc
        Prints botocore's documentation of Scheduler's ScheduleExpression (CreateSchedule), the grammar tests check the
        compiled probe rate against: {"documentation": ..., "botocore": VERSION}.

Which events must match is decided here from the programs, not from the patterns under test: a trigger alarm is a metric
alarm whose logical name starts with `alarm-` (the health alarms and the Route 53 status alarms), the state machine is the
`workflow` resource. Sample events are tests/oracles/events/*.json (AWS's documented samples) with those ARNs substituted.

moto (5.2) is used in-process (mock_aws), with two fixes to its delivery, applied in memory before the check (patch_moto):
  * an input transformer whose template is a JSON string (the run-ended sentence) crashed delivery to SQS (`"time" in
    event` is then a substring test, and `event["time"]` a TypeError); the string is now delivered as the JSON text it is;
  * moto keeps an event's `time` as epoch seconds until delivery, so `<time>` in a rule's template read "1551210141";
    AWS's events carry ISO 8601 ("2019-02-26T19:42:21Z"), which is what a template now reads.
Rule matching and template substitution are moto's own, unchanged. PutEvents has no region field: moto stamps each event
with its bus's region. An event forwarded to another region's bus keeps its original `region` on AWS, so every sample event
is put on moto's bus in the region its own `region` field names, where the rule under test is created as well.
"""
import copy
import datetime
import json
import os
import re
import sys
import uuid

ACCOUNT = "123456789012"
PARTITION = "aws"
HERE = os.path.dirname(os.path.abspath(__file__))
ALARM_SAMPLE = os.path.join(HERE, "events", "cloudwatch-alarm-state-change.json")
EXECUTION_SAMPLE = os.path.join(HERE, "events", "step-functions-execution-status-change.json")
# A name Step Functions gives an execution EventBridge starts (a UUID); the console link and the sentence carry it.
EXECUTION_NAME = "9a2f1f1e-7f43-4a5e-b3d7-0c5d8f0e1a2b"
REFERENCE = re.compile(r"\$\$|\$\{([^}]*)\}")


class Unresolved(Exception):
    pass


# --------------------------------------------------------------------------------------------------------- the programs

class Program:
    """A compiled Pulumi YAML program, with the values its resources would have once deployed (names are literal in these
    programs; ARNs follow from name, region and account)."""

    def __init__(self, path):
        import yaml
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        self.path = path
        self.resources = doc.get("resources") or {}
        self.outputs = doc.get("outputs") or {}
        self.role = self.outputs.get("role")
        self.region = self.outputs.get("region")
        if not self.role or not self.region:
            raise ValueError(f"{path} has no role/region outputs: not a compiled failover stack")
        self.peer = None  # the program `pulumi:pulumi:StackReference` outputs resolve through

    def of_type(self, type_token):
        return [(name, r) for name, r in self.resources.items() if r.get("type") == type_token]

    def region_of(self, logical):
        provider = ((self.resources[logical].get("options") or {}).get("provider"))
        if not provider:
            return self.region
        match = re.fullmatch(r"\$\{([^}.]+)\}", provider)
        region = match and (self.resources.get(match.group(1), {}).get("properties") or {}).get("region")
        if not region:
            raise Unresolved(f"the provider {provider} of {logical} names no region")
        return region

    def name_of(self, logical):
        props = self.resources[logical].get("properties") or {}
        name = props.get("name") or props.get("dashboardName")
        if not isinstance(name, str) or REFERENCE.search(name.replace("$$", "")):
            raise Unresolved(f"{logical} has no literal name")
        return self.resolve(name)

    def deployed(self, logical, prop):
        resource = self.resources.get(logical)
        if resource is None:
            raise Unresolved(f"${{{logical}.{prop}}}: no resource {logical} in the {self.role} program")
        kind = resource["type"]
        if prop == "name":
            return self.name_of(logical)
        if prop == "arn":
            region, name = self.region_of(logical), self.name_of(logical)
            arns = {
                "aws:cloudwatch/metricAlarm:MetricAlarm": f"arn:{PARTITION}:cloudwatch:{region}:{ACCOUNT}:alarm:{name}",
                "aws:sfn/stateMachine:StateMachine": f"arn:{PARTITION}:states:{region}:{ACCOUNT}:stateMachine:{name}",
                "aws:sns/topic:Topic": f"arn:{PARTITION}:sns:{region}:{ACCOUNT}:{name}",
                "aws:sqs/queue:Queue": f"arn:{PARTITION}:sqs:{region}:{ACCOUNT}:{name}",
            }
            if kind in arns:
                return arns[kind]
        if prop == "id" and kind == "aws:route53/healthCheck:HealthCheck":
            # Route 53 gives a health check a UUID; a fixed one per logical name stands in for it.
            return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.role}/{logical}"))
        raise Unresolved(f"${{{logical}.{prop}}} ({kind}) has no value in this check's world")

    def lookup(self, ref):
        head, _, prop = ref.partition(".")
        if ref == "partition":
            return PARTITION
        if ref == "account-id":
            return ACCOUNT
        output = re.fullmatch(r'outputs\["([^"]+)"\]', prop)
        if output:
            if self.resources.get(head, {}).get("type") != "pulumi:pulumi:StackReference" or self.peer is None:
                raise Unresolved(f"${{{ref}}}: no stack reference to resolve it through")
            if output.group(1) not in self.peer.outputs:
                raise Unresolved(f"${{{ref}}}: the {self.peer.role} program has no output {output.group(1)}")
            return self.peer.resolve(self.peer.outputs[output.group(1)])
        return self.deployed(head, prop)

    def resolve(self, value):
        """Every interpolation resolved; `$$` is a literal `$` (pulumi-yaml's rule); `fn::toJSON` bodies as data."""
        if isinstance(value, str):
            parts, last = [], 0
            for match in REFERENCE.finditer(value):
                parts.append(value[last:match.start()])
                parts.append("$" if match.group(0) == "$$" else ("ref", match.group(1)))
                last = match.end()
            parts.append(value[last:])
            parts = [p for p in parts if p != ""]
            if len(parts) == 1 and isinstance(parts[0], tuple):
                return self.lookup(parts[0][1])  # a whole-string reference keeps its type (a list output stays a list)
            return "".join(p if isinstance(p, str) else str(self.lookup(p[1])) for p in parts)
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            if list(value) == ["fn::toJSON"]:
                return self.resolve(value["fn::toJSON"])
            return {self.resolve(k): self.resolve(v) for k, v in value.items()}
        return value

    # ------------------------------------------------------------------------------------------------ the pieces

    def alarm_arns(self, prefix):
        return [(logical, self.deployed(logical, "arn")) for logical, _ in self.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
                if logical.startswith(prefix)]

    def workflow_arn(self):
        return self.deployed("workflow", "arn")

    def rules(self):
        """Each EventBridge rule with its one target: {logical, name, region, pattern, inputTransformer, targetArn}."""
        targets = {t["properties"].get("rule"): t for _, t in self.of_type("aws:cloudwatch/eventTarget:EventTarget")}
        found = []
        for logical, rule in self.of_type("aws:cloudwatch/eventRule:EventRule"):
            target = targets.get(f"${{{logical}.name}}")
            transformer = (target or {}).get("properties", {}).get("inputTransformer")
            found.append({
                "logical": logical,
                "name": self.name_of(logical),
                "region": self.region_of(logical),
                "pattern": self.resolve(rule["properties"]["eventPattern"]),
                "inputTransformer": None if transformer is None else {
                    "InputPathsMap": self.resolve(transformer.get("inputPaths") or {}),
                    "InputTemplate": self.resolve(transformer["inputTemplate"]),
                },
                "targetId": (target or {}).get("properties", {}).get("targetId", logical),
                "hasTarget": target is not None,
            })
        return found


# ---------------------------------------------------------------------------------------------------- sample events

def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def arn_parts(arn):
    _, partition, service, region, account, rest = arn.split(":", 5)
    return {"partition": partition, "service": service, "region": region, "account": account, "rest": rest}


def alarm_event(arn, state, source=None, detail_type=None):
    """The documented single-metric alarm sample, for alarm `arn` entering `state`."""
    event = copy.deepcopy(load(ALARM_SAMPLE))
    parts = arn_parts(arn)
    name = parts["rest"].split(":", 1)[1]
    event.update(region=parts["region"], account=parts["account"], resources=[arn])
    event["detail"]["alarmName"] = name
    event["detail"]["state"]["value"] = state
    event["detail"]["previousState"]["value"] = "ALARM" if state == "OK" else "OK"
    if source:
        event["source"] = source
    if detail_type:
        event["detail-type"] = detail_type
    return event


def execution_event(state_machine_arn, status, source=None, detail_type=None):
    """The documented execution-status sample, for a run of `state_machine_arn` reaching `status`."""
    event = copy.deepcopy(load(EXECUTION_SAMPLE))
    parts = arn_parts(state_machine_arn)
    machine = parts["rest"].split(":", 1)[1]
    execution_arn = f"arn:{parts['partition']}:states:{parts['region']}:{parts['account']}:execution:{machine}:{EXECUTION_NAME}"
    event.update(region=parts["region"], account=parts["account"], resources=[execution_arn])
    detail = event["detail"]
    detail.update(executionArn=execution_arn, stateMachineArn=state_machine_arn, name=EXECUTION_NAME, status=status)
    if status in ("RUNNING", "SUCCEEDED"):
        detail.update(error=None, cause=None)
    if status == "RUNNING":
        detail["stopDate"] = None
    if source:
        event["source"] = source
    if detail_type:
        event["detail-type"] = detail_type
    return event


def lookalike(arn):
    """An ARN that merely starts like `arn`: what a prefix pattern, not an exact one, would match."""
    return f"{arn}-copy"


def in_region(arn, region):
    parts = arn.split(":")
    parts[3] = region
    return ":".join(parts)


def case(label, group, expect, event):
    return {"label": label, "group": group, "expect": expect, "event": event}


def alarm_cases(triggers, others, own_alarms, regions):
    """triggers: [(logical, arn)] that must start something in ALARM; others: alarms that never must; regions: the stacks'."""
    cases = []
    for logical, arn in triggers:
        other_region = next(r for r in [*regions, "eu-west-1"] if r != arn_parts(arn)["region"])
        cases.append(case(f"{logical} enters ALARM", "trigger-alarm-in-ALARM", True, alarm_event(arn, "ALARM")))
        for state in ("OK", "INSUFFICIENT_DATA"):
            cases.append(case(f"{logical} enters {state}", f"trigger-alarm-in-{state}", False, alarm_event(arn, state)))
        cases.append(case(f"{logical}-copy (a name sharing its prefix) enters ALARM", "lookalike-alarm", False,
                          alarm_event(lookalike(arn), "ALARM")))
        cases.append(case(f"an alarm named like {logical} in {other_region} enters ALARM", "same-name-other-region", False,
                          alarm_event(in_region(arn, other_region), "ALARM")))
    for stack, logical, arn in others:
        cases.append(case(f"the {stack}'s watcher alarm {logical} enters ALARM", "watcher-alarm", False, alarm_event(arn, "ALARM")))
    for logical, arn in own_alarms:
        cases.append(case(f"the secondary's own {logical} enters ALARM", "own-health-alarm", False, alarm_event(arn, "ALARM")))
    if triggers:
        logical, arn = triggers[0]
        cases.append(case(f"{logical} in ALARM from another source (custom.cloudwatch)", "other-source", False,
                          alarm_event(arn, "ALARM", source="custom.cloudwatch")))
        cases.append(case(f"{logical} in ALARM as a configuration change", "other-detail-type", False,
                          alarm_event(arn, "ALARM", detail_type="CloudWatch Alarm Configuration Change")))
    return cases


def run_ended_cases(own, peer):
    cases = []
    for status in ("FAILED", "TIMED_OUT", "ABORTED"):
        cases.append(case(f"a run of this stack's workflow ends {status}", f"run-{status}", True, execution_event(own, status)))
    for status in ("SUCCEEDED", "RUNNING"):
        cases.append(case(f"a run of this stack's workflow is {status}", f"run-{status}", False, execution_event(own, status)))
    cases.append(case("a run of the other stack's workflow ends FAILED", "other-state-machine", False, execution_event(peer, "FAILED")))
    cases.append(case("a run of a state machine named like this stack's ends FAILED", "lookalike-state-machine", False,
                      execution_event(lookalike(own), "FAILED")))
    cases.append(case("a FAILED run reported by another source (custom.states)", "other-source", False,
                      execution_event(own, "FAILED", source="custom.states")))
    cases.append(case("a FAILED run under another detail-type", "other-detail-type", False,
                      execution_event(own, "FAILED", detail_type="Step Functions Execution Status Change (test)")))
    return cases


def gate_cases(gate, others, regions):
    """The other stack's gate alarm (switched in this region): both of its moves are told, and nothing else is."""
    logical, arn = gate
    other_region = next(r for r in [*regions, "eu-west-1"] if r != arn_parts(arn)["region"])
    cases = [case(f"{logical} enters {state} (the gate {'closes' if state == 'ALARM' else 'opens'})", f"gate-{state}", True, alarm_event(arn, state))
             for state in ("ALARM", "OK")]
    cases.append(case(f"{logical} enters INSUFFICIENT_DATA", "gate-INSUFFICIENT_DATA", False, alarm_event(arn, "INSUFFICIENT_DATA")))
    cases.append(case(f"{logical}-copy (a name sharing its prefix) enters ALARM", "lookalike-alarm", False, alarm_event(lookalike(arn), "ALARM")))
    cases.append(case(f"an alarm named like {logical} in {other_region} enters ALARM", "same-name-other-region", False,
                      alarm_event(in_region(arn, other_region), "ALARM")))
    cases.append(case(f"{logical} in ALARM from another source (custom.cloudwatch)", "other-source", False,
                      alarm_event(arn, "ALARM", source="custom.cloudwatch")))
    for stack, other, other_arn in others:
        cases.append(case(f"the {stack}'s alarm {other} enters ALARM", "other-alarm", False, alarm_event(other_arn, "ALARM")))
    return cases


def api_call(region, service, name, request, who=None, detail_type="AWS API Call via CloudTrail", response=None):
    """A CloudTrail management event as EventBridge delivers it (EventBridge User Guide, "AWS service events delivered via
    AWS CloudTrail"; CloudTrail record contents)."""
    who = who or f"arn:{PARTITION}:sts::{ACCOUNT}:assumed-role/someone/session"
    return {
        "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": detail_type, "source": f"aws.{service}",
        "account": ACCOUNT, "time": "2026-12-07T10:00:00Z", "region": region, "resources": [],
        "detail": {
            "eventVersion": "1.09", "userIdentity": {"type": "AssumedRole", "arn": who, "accountId": ACCOUNT},
            "eventTime": "2026-12-07T10:00:00Z", "eventSource": f"{'monitoring' if service == 'cloudwatch' else service}.amazonaws.com",
            "eventName": name, "awsRegion": region, "sourceIPAddress": "203.0.113.7", "userAgent": "aws-cli/2",
            "requestParameters": request, "responseElements": response, "eventType": "AwsApiCall", "managementEvent": True,
        },
    }


def change_cases(program, peer, rule):
    """The change watch: a change to this stack's resources by anyone (a deploy included) is told; reads, data events, other
    applications' resources and the workflow's own gate moves are not."""
    region, prefix = rule["region"], program.outputs.get("namePrefix") or program.name_of("workflow").removesuffix("-failover")
    peer_prefix = peer.name_of("workflow").removesuffix("-failover")
    gate = (program.outputs.get("trafficGate") or {}).get("kind", "metric")
    shift = lambda p: f"arn:{PARTITION}:sts::{ACCOUNT}:assumed-role/{p}-shift-traffic-a1b2c3/{p}-shift-traffic"
    cases = []
    if rule["logical"] == "changes-rule":
        function = f"{prefix}-decide"
        fn_arn = f"arn:{PARTITION}:lambda:{region}:{ACCOUNT}:function:{function}"
        cases += [
            case("someone changes a function's configuration", "change-function", True,
                 api_call(region, "lambda", "UpdateFunctionConfiguration20150331v2", {"functionName": function})),
            case("someone replaces a function's code, naming it by ARN", "change-function", True,
                 api_call(region, "lambda", "UpdateFunctionCode20150331v2", {"functionName": fn_arn})),
            case("someone lets another account invoke a function", "change-function", True,
                 api_call(region, "lambda", "AddPermission20150331v2", {"functionName": function, "principal": "*"})),
            case("another application's function changes", "other-resource", False,
                 api_call(region, "lambda", "UpdateFunctionConfiguration20150331v2", {"functionName": "other-app-decide"})),
            case("someone reads a function (a read, not a change)", "read", False,
                 api_call(region, "lambda", "GetFunction20150331v2", {"functionName": function})),
            case("someone invokes a function (a data event)", "read", False,
                 api_call(region, "lambda", "Invoke", {"functionName": function})),
            case("someone changes the state machine", "change-state-machine", True,
                 api_call(region, "states", "UpdateStateMachine", {"stateMachineArn": program.workflow_arn()})),
            case("someone points an alias of the state machine elsewhere", "change-state-machine", True,
                 api_call(region, "states", "CreateStateMachineAlias", {"name": "live"},
                          response={"stateMachineAliasArn": f"{program.workflow_arn()}:live"})),
            case("another application's state machine changes", "other-resource", False,
                 api_call(region, "states", "UpdateStateMachine", {"stateMachineArn": program.workflow_arn().replace(f":{prefix}-", ":other-app-")})),
            case("someone removes a rule's target", "change-rule", True,
                 api_call(region, "events", "RemoveTargets", {"rule": f"{prefix}-run-ended", "ids": ["run-ended"]})),
            case("someone disables a rule", "change-rule", True, api_call(region, "events", "DisableRule", {"name": f"{prefix}-run-ended"})),
            case("someone deletes the probe schedule", "change-schedule", True,
                 api_call(region, "scheduler", "DeleteSchedule", {"name": f"{prefix}-probe", "groupName": prefix})),
            case("someone disables an alarm's actions", "change-alarm", True,
                 api_call(region, "cloudwatch", "DisableAlarmActions", {"alarmNames": ["x", f"{prefix}-healthy-hosts"]})),
            case("someone forces an alarm's state", "change-alarm", True,
                 api_call(region, "cloudwatch", "SetAlarmState", {"alarmName": f"{prefix}-healthy-hosts", "stateValue": "OK"})),
            case("another application's alarm changes", "other-resource", False,
                 api_call(region, "cloudwatch", "PutMetricAlarm", {"alarmName": "other-app-alarm"})),
            case("someone publishes a metric data point (a data event, not delivered by CloudTrail's management events)", "read", False,
                 api_call(region, "cloudwatch", "PutMetricData", {"namespace": f"Failover/TrafficGate/{peer_prefix}"})),
            case("the same change as a service event, not an API call", "other-detail-type", False,
                 api_call(region, "lambda", "UpdateFunctionConfiguration20150331v2", {"functionName": function},
                          detail_type="AWS Service Event via CloudTrail")),
        ]
        table = next((program.resolve(r["properties"]["name"]) for l, r in program.of_type("aws:dynamodb/table:Table") if l == "control-table"), None) \
            or peer.resolve(peer.resources["control-table"]["properties"]["name"])
        cases += [
            case("someone changes the control table", "change-table", True, api_call(region, "dynamodb", "UpdateTable", {"tableName": table})),
            case("someone replaces the control table's resource policy", "change-table", True,
                 api_call(region, "dynamodb", "PutResourcePolicy", {"resourceArn": f"arn:{PARTITION}:dynamodb:{region}:{ACCOUNT}:table/{table}"})),
            case("someone writes an item (a data event)", "read", False, api_call(region, "dynamodb", "UpdateItem", {"tableName": table})),
        ]
        if gate == "metric":
            cases.append(case("someone redefines the other stack's gate alarm, switched in this region", "change-gate", True,
                              api_call(region, "cloudwatch", "PutMetricAlarm", {"alarmName": f"{peer_prefix}-traffic-gate"})))
    else:
        checks = [l for l, _ in program.of_type("aws:route53/healthCheck:HealthCheck")]
        cases += [
            case("someone adds a policy to a role of this stack", "change-role", True,
                 api_call(region, "iam", "PutRolePolicy", {"roleName": f"{prefix}-decide-20261207", "policyName": "x"})),
            case("someone widens the other stack's role's trust", "change-role", True,
                 api_call(region, "iam", "UpdateAssumeRolePolicy", {"roleName": f"{peer_prefix}-workflow-20261207"})),
            case("another application's role changes", "other-resource", False,
                 api_call(region, "iam", "AttachRolePolicy", {"roleName": "other-app-role"})),
            case("another health check changes", "other-resource", False,
                 api_call(region, "route53", "UpdateHealthCheck", {"healthCheckId": "00000000-0000-0000-0000-000000000000"})),
        ]
        for logical in checks:
            hc = program.deployed(logical, "id")
            cases.append(case(f"someone inverts {logical}", "change-health-check", True,
                              api_call(region, "route53", "UpdateHealthCheck", {"healthCheckId": hc, "inverted": True})))
            if logical == "traffic-gate" and gate == "route53-api" and program.role == "primary":
                for p in (prefix, peer_prefix):
                    cases.append(case(f"{p}'s shift-traffic flips the gate (the workflow's own move)", "workflow-move", False,
                                      api_call(region, "route53", "UpdateHealthCheck", {"healthCheckId": hc, "inverted": True}, who=shift(p))))
    return cases


def cases_for(program, rule, programs):
    """The sample events for one rule, by what the rule is for (its logical name); None for a rule this check does not know."""
    logical = rule["logical"]
    primary, secondary = programs["primary"], programs["secondary"]
    peer = secondary if program is primary else primary
    regions = [primary.region, secondary.region]
    if program is primary and re.fullmatch(r"forward-(alarms|route53)-rule", logical):
        triggers = [(l, a) for l, a in primary.alarm_arns("alarm-") if arn_parts(a)["region"] == rule["region"]]
        others = [("primary", l, a) for l, a in primary.alarm_arns("watch-")]
        return alarm_cases(triggers, others, [], regions)
    if program is secondary and logical == "start-on-alarm-rule":
        others = [("primary", l, a) for l, a in primary.alarm_arns("watch-")] + [("secondary", l, a) for l, a in secondary.alarm_arns("watch-")]
        return alarm_cases(primary.alarm_arns("alarm-"), others, secondary.alarm_arns("alarm-"), regions)
    if logical == "gate-moved-rule":
        # The peer's gate alarm lives in this stack's region; this stack's own lives in the peer's, and is not this rule's.
        gates = [(l, a) for l, a in peer.alarm_arns("traffic-gate") if arn_parts(a)["region"] == rule["region"]]
        if len(gates) != 1:
            return None
        others = [(program.role, l, a) for l, a in program.alarm_arns("traffic-gate")] + [(peer.role, l, a) for l, a in peer.alarm_arns("alarm-")] \
            + [(program.role, l, a) for l, a in program.alarm_arns("alarm-")]
        return gate_cases(gates[0], others, regions)
    if logical in ("changes-rule", "global-changes-rule"):
        return change_cases(program, peer, rule)
    if logical == "run-ended-rule":
        return run_ended_cases(program.workflow_arn(), peer.workflow_arn())
    # A topic's failed-deliveries alarm: this stack's goes to the peer's bus, the peer's is told on this stack's topic.
    if logical in ("notices-to-peer-rule", "notices-from-peer-rule"):
        teller = program if logical == "notices-to-peer-rule" else peer
        listener = peer if teller is program else program
        # The stack topic's alarm only: a relay topic's (us-east-1) stays with its own alarm and the dashboard.
        triggers = [(l, a) for l, a in teller.alarm_arns("watch-notifications-failed") if l == "watch-notifications-failed"]
        others = [(teller.role, l, a) for l, a in teller.alarm_arns("watch-") if (l, a) not in triggers] \
            + [(listener.role, l, a) for l, a in listener.alarm_arns("watch-notifications-failed")]
        return alarm_cases(triggers, others, program.alarm_arns("alarm-"), regions)
    return None


# --------------------------------------------------------------------------------------------- the template's forms

def template_forms(transformer, sample):
    """Each `<variable>` of the template: inside a JSON string or not, and the kind of value its path finds in the sample.
    AWS and moto agree on two forms only: a string variable inside quotes (inserted raw) and an object variable outside
    quotes (inserted as JSON). A string outside quotes AWS quotes and moto does not; an object inside quotes breaks."""
    from jsonpath_ng.ext import parse
    template, paths = transformer["InputTemplate"], transformer["InputPathsMap"]
    forms, quoted, escaped = [], False, False
    i = 0
    while i < len(template):
        c = template[i]
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == '"':
            quoted = not quoted
        elif c == "<":
            end = template.find(">", i)
            name = template[i + 1:end] if end > 0 else ""
            if name in paths:
                found = parse(paths[name]).find(sample)
                value = found[0].value if found else None
                kind = "object" if isinstance(value, dict) else "string" if isinstance(value, str) else "missing" if not found else type(value).__name__
                forms.append({"variable": name, "path": paths[name], "quoted": quoted, "kind": kind,
                              "agree": (quoted and kind == "string") or (not quoted and kind == "object")})
                i = end
        i += 1
    return forms


# ------------------------------------------------------------------------------------------------------- moto, fixed

def patch_moto():
    import moto
    from moto.events import models
    from moto.core.utils import iso_8601_datetime_without_milliseconds, utcfromtimestamp
    if not moto.__version__.startswith("5.") or not hasattr(models, "EventTemplateParser") or not hasattr(models.Rule, "_send_to_sqs_queue"):
        raise RuntimeError(f"moto {moto.__version__} is not the moto 5 these fixes were written for: check events-check.py")

    def iso(value):
        return iso_8601_datetime_without_milliseconds(utcfromtimestamp(float(value)))

    parse = models.EventTemplateParser.parse

    def parse_with_iso_time(input_template, input_paths_map, event):
        # Only a rule's own template: moto's default one (no transformer) writes `"time": <time>` unquoted, for epoch seconds.
        if input_template and isinstance(event.get("time"), (int, float)):
            event = {**event, "time": iso(event["time"])}
        return parse(input_template=input_template, input_paths_map=input_paths_map, event=event)

    def send_to_queue(self, resource_id, event, group_id=None):
        from moto.sqs import sqs_backends
        if isinstance(event, dict) and isinstance(event.get("time"), (int, float)):
            event = {**event, "time": iso(event["time"])}
        sqs_backends[self.account_id][self.region_name].send_message(queue_name=resource_id, message_body=json.dumps(event), group_id=group_id)

    models.EventTemplateParser.parse = staticmethod(parse_with_iso_time)
    models.Rule._send_to_sqs_queue = send_to_queue


def run_rule(rule, cases):
    """One fresh moto: the rule and its queue in every region its events come from, then each event, one at a time."""
    import boto3
    from moto import mock_aws
    with mock_aws():
        queues = {}
        for region in sorted({c["event"]["region"] for c in cases}):
            sqs = boto3.client("sqs", region_name=region)
            url = sqs.create_queue(QueueName=f"{rule['name']}-inbox")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            events = boto3.client("events", region_name=region)
            events.put_rule(Name=rule["name"], EventPattern=json.dumps(rule["pattern"]), State="ENABLED")
            target = {"Id": rule["targetId"], "Arn": arn}
            if rule["inputTransformer"] is not None:
                target["InputTransformer"] = rule["inputTransformer"]
            failed = events.put_targets(Rule=rule["name"], Targets=[target]).get("FailedEntryCount", 0)
            if failed:
                raise RuntimeError(f"moto refused the target of {rule['name']}")
            queues[region] = (sqs, url)
        for c in cases:
            event = c["event"]
            region = event["region"]
            entry = {
                "Source": event["source"], "DetailType": event["detail-type"], "Detail": json.dumps(event["detail"]),
                "Resources": event["resources"],
                "Time": datetime.datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc),
            }
            try:
                answer = boto3.client("events", region_name=region).put_events(Entries=[entry])
            except Exception as error:  # noqa: BLE001 - moto raises what the rule's target could not take (a template that is no JSON)
                c.update(delivered=False, bodies=[], error=f"{type(error).__name__}: {error}")
                continue
            if answer.get("FailedEntryCount"):
                raise RuntimeError(f"moto refused the event '{c['label']}': {answer['Entries']}")
            sqs, url = queues[region]
            bodies = []
            while True:
                got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
                if not got:
                    break
                for message in got:
                    bodies.append(json.loads(message["Body"]))
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            c["delivered"] = len(bodies) > 0
            c["bodies"] = bodies


def check(primary_path, secondary_path):
    primary, secondary = Program(primary_path), Program(secondary_path)
    if primary.role != "primary" or secondary.role != "secondary":
        raise ValueError(f"the first program is a {primary.role} one and the second a {secondary.role} one: give the primary first")
    secondary.peer = primary
    programs = {"primary": primary, "secondary": secondary}
    patch_moto()
    # findings: what stops a rule from being checked; mismatches: a rule that does not deliver what it should.
    report = {"rules": [], "findings": [], "mismatches": []}
    for stack, program in programs.items():
        try:
            rules = program.rules()
        except Unresolved as e:
            report["findings"].append(f"{stack}: a rule cannot be read: {e}")
            continue
        for rule in rules:
            where = f"{stack} {rule['logical']}"
            if not rule["hasTarget"]:
                report["findings"].append(f"{where}: no target")
            try:
                cases = cases_for(program, rule, programs)
            except Unresolved as e:
                report["findings"].append(f"{where}: its sample events cannot be built: {e}")
                continue
            if cases is None:
                report["findings"].append(f"{where}: no sample events for this rule: add its cases to events-check.py")
                continue
            try:
                run_rule(rule, cases)
            except Exception as error:  # noqa: BLE001 - moto refusing the rule or its target is what AWS would refuse too
                report["findings"].append(f"{where}: moto refused the rule or its target: {type(error).__name__}: {error}")
                continue
            sample = cases[0]["event"]
            forms = template_forms(rule["inputTransformer"], sample) if rule["inputTransformer"] else []
            for form in forms:
                if not form["agree"]:
                    report["mismatches"].append(f"{where}: template variable <{form['variable']}> ({form['path']}) is a {form['kind']} "
                                                f"{'inside' if form['quoted'] else 'outside'} quotes: AWS and moto fill that form differently")
            for c in cases:
                if c["delivered"] != c["expect"]:
                    report["mismatches"].append(f"{where}: {c['label']}: {'delivered' if c['delivered'] else 'not delivered'}, "
                                                f"expected {'delivery' if c['expect'] else 'none'}{' (' + c['error'] + ')' if c.get('error') else ''}")
            report["rules"].append({"stack": stack, "rule": rule["logical"], "name": rule["name"], "region": rule["region"],
                                    "pattern": rule["pattern"], "inputTransformer": rule["inputTransformer"],
                                    "templateForms": forms, "cases": cases})
    return report


def scheduler_doc():
    import botocore
    import botocore.session
    model = botocore.session.get_session().get_service_model("scheduler")
    member = model.operation_model("CreateSchedule").input_shape.members["ScheduleExpression"]
    return {"documentation": member.documentation, "botocore": botocore.__version__}


def main(argv):
    # Nothing of the caller's AWS environment may reach boto3 (an endpoint or a profile would bypass the mock).
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    if argv[:1] == ["scheduler-doc"]:
        print(json.dumps(scheduler_doc()))
        return 0
    as_json = "--json" in argv
    paths = [a for a in argv if a != "--json"]
    if len(paths) != 2:
        print("usage: python3 events-check.py [--json] PRIMARY.yaml SECONDARY.yaml | scheduler-doc", file=sys.stderr)
        return 2
    report = check(*paths)
    if as_json:
        print(json.dumps(report, indent=1))
    else:
        for rule in report["rules"]:
            matched = sum(1 for c in rule["cases"] if c["delivered"])
            print(f"{rule['stack']} {rule['rule']} ({rule['name']}): {len(rule['cases'])} events, {matched} delivered")
            for c in rule["cases"]:
                ok = "ok  " if c["delivered"] == c["expect"] else "FAIL"
                print(f"  {ok} {'match   ' if c['delivered'] else 'no match'} {c['label']}")
        for finding in report["findings"]:
            print(f"FINDING {finding}")
        for mismatch in report["mismatches"]:
            print(f"MISMATCH {mismatch}")
    return 1 if report["findings"] or report["mismatches"] else 0  # 2: usage, 3: the check itself failed


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception:  # noqa: BLE001 - exit 1 means findings; the check itself failing is 3, with its trace
        import traceback
        traceback.print_exc()
        sys.exit(3)
