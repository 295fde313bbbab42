"""The moto world of the control readiness checks (world.py serves these commands too): alarms in a region, a gate health
check, the decision log's `runs` item, workflow roles, and the IAM policy simulator stand-in (moto has no
SimulatePrincipalPolicy)."""
import fnmatch
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


def commands(client):
    def alarm(name, region, state="OK"):
        """A metric alarm in `state` since now (moto creates alarms OK, where CloudWatch creates them INSUFFICIENT_DATA)."""
        cloudwatch = client("cloudwatch", region)
        cloudwatch.put_metric_alarm(AlarmName=name, Namespace="AWS/ApplicationELB", MetricName="HealthyHostCount", Statistic="Minimum",
                                    Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="LessThanThreshold")
        cloudwatch.set_alarm_state(AlarmName=name, StateValue=state, StateReason="arranged")
        return {"ok": True}

    def delete_alarm(name, region):
        client("cloudwatch", region).delete_alarms(AlarmNames=[name])
        return {"ok": True}

    def gate_check():
        """A route53-api gate: a health check whose inversion closes it."""
        check = client("route53").create_health_check(CallerReference="readiness-gate", HealthCheckConfig={
            "Type": "CALCULATED", "HealthThreshold": 0, "ChildHealthChecks": []})["HealthCheck"]["Id"]
        return {"id": check}

    def put_runs(table, region, last_succeeded_drill, recent=None):
        """The decision log's index item as release-lock writes it: `lastSucceededDrill` a string holding the RunRecord's JSON."""
        client("dynamodb", region).put_item(TableName=table, Item={
            "pk": {"S": "runs"}, "lastSucceededDrill": {"S": last_succeeded_drill}, "recent": {"S": recent if recent is not None else f"[{last_succeeded_drill}]"}})
        return {"ok": True}

    def role(name, policy):
        """A workflow role holding one inline policy (`step`)."""
        iam = client("iam")
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        iam.put_role_policy(RoleName=name, PolicyName="step", PolicyDocument=policy)
        return {"arn": arn}

    def put_role_policy(name, policy):
        """Someone edits the role by hand."""
        client("iam").put_role_policy(RoleName=name, PolicyName="step", PolicyDocument=policy)
        return {"ok": True}

    started = {}

    def iam_simulator():
        """Starts (once) the IAM policy simulator stand-in and returns its URL."""
        if "url" not in started:
            server = ThreadingHTTPServer(("127.0.0.1", 0), stand_in(client))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            started["url"] = f"http://127.0.0.1:{server.server_address[1]}"
        return {"url": started["url"]}

    return {"alarm": alarm, "delete-alarm": delete_alarm, "gate-check": gate_check, "put-runs": put_runs, "role": role,
            "put-role-policy": put_role_policy, "iam-simulator": iam_simulator}


def stand_in(client):
    """IAM policy simulator stand-in: answers SimulatePrincipalPolicy (Query protocol, XML) by evaluating the role's inline and
    attached policies as moto holds them: an explicit Deny wins, else an Allow, else implicitDeny; Action and Resource with
    `*` and `?` wildcards; conditions StringEquals, StringLike and their ForAllValues forms against the request's
    ContextEntries. Everything else IAM evaluates (NotAction, NotResource, other operators, boundaries) it refuses to guess:
    the request fails, and the test with it."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode(), keep_blank_values=True)
            one = lambda key: form[key][0]
            members = lambda prefix: [form[k][0] for k in sorted((k for k in form if k.startswith(prefix + ".member.") and k.count(".") == prefix.count(".") + 2),
                                                                  key=lambda k: int(k.rsplit(".", 1)[1]))]
            try:
                if one("Action") != "SimulatePrincipalPolicy":
                    raise ValueError(f"the stand-in answers SimulatePrincipalPolicy only, not {one('Action')}")
                context = {}
                for i in range(1, 100):
                    key = f"ContextEntries.member.{i}"
                    if f"{key}.ContextKeyName" not in form:
                        break
                    context[one(f"{key}.ContextKeyName").lower()] = members(f"{key}.ContextKeyValues")
                statements = policies(client("iam"), one("PolicySourceArn").split("/")[-1])
                results = "".join(result(a, r, decide(statements, a, r, context))
                                  for a in members("ActionNames") for r in members("ResourceArns"))
                body = ('<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulatePrincipalPolicyResult>'
                        f"<IsTruncated>false</IsTruncated><EvaluationResults>{results}</EvaluationResults></SimulatePrincipalPolicyResult>"
                        "<ResponseMetadata><RequestId>stand-in</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>")
                self.answer(200, body)
            except Exception as error:
                self.answer(400, f'<ErrorResponse><Error><Code>StandInCannotSimulate</Code><Message>{escape(str(error))}</Message></Error></ErrorResponse>')

        def answer(self, status, body):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def policies(iam, role_name):
    documents = [iam.get_role_policy(RoleName=role_name, PolicyName=n)["PolicyDocument"] for n in iam.list_role_policies(RoleName=role_name)["PolicyNames"]]
    for attached in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
        version = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]["DefaultVersionId"]
        documents.append(iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=version)["PolicyVersion"]["Document"])
    statements = []
    for document in documents:
        document = json.loads(urllib.parse.unquote(document)) if isinstance(document, str) else document
        found = document["Statement"]
        statements.extend(found if isinstance(found, list) else [found])
    return statements


def listed(value):
    return value if isinstance(value, list) else [value]


def matches(statement, action, resource, context):
    for unsupported in ("NotAction", "NotResource", "NotPrincipal"):
        if unsupported in statement:
            raise ValueError(f"the stand-in does not evaluate {unsupported}")
    if not any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in listed(statement["Action"])):
        return False
    if not any(fnmatch.fnmatchcase(resource, r) for r in listed(statement["Resource"])):
        return False
    for operator, keys in statement.get("Condition", {}).items():
        for key, wanted in keys.items():
            given = context.get(key.lower())
            wanted = listed(wanted)
            if operator == "StringEquals":
                ok = given is not None and any(g in wanted for g in given)
            elif operator == "StringLike":
                ok = given is not None and any(fnmatch.fnmatchcase(g, w) for g in given for w in wanted)
            elif operator == "ForAllValues:StringEquals":
                ok = all(g in wanted for g in given or [])
            elif operator == "ForAllValues:StringLike":
                ok = all(any(fnmatch.fnmatchcase(g, w) for w in wanted) for g in given or [])
            else:
                raise ValueError(f"the stand-in does not evaluate the condition operator {operator}")
            if not ok:
                return False
    return True


def decide(statements, action, resource, context):
    hits = [s["Effect"] for s in statements if matches(s, action, resource, context)]
    return "explicitDeny" if "Deny" in hits else "allowed" if "Allow" in hits else "implicitDeny"


def result(action, resource, decision):
    return (f"<member><EvalActionName>{escape(action)}</EvalActionName><EvalResourceName>{escape(resource)}</EvalResourceName>"
            f"<EvalDecision>{decision}</EvalDecision><MissingContextValues/></member>")
