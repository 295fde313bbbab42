"""HTTP-level stand-ins for the two AWS APIs the readiness checks call and moto does not implement, on 127.0.0.1.

- Service Quotas GetServiceQuota / GetAWSDefaultServiceQuota (moto answers only the `vpc` service's quotas): the Fargate
  On-Demand vCPU quota (fargate L-3032A538), a value per region that a test sets.
- IAM SimulatePrincipalPolicy (moto has no policy simulator): evaluates the role's inline and attached policies as moto holds
  them, by Effect, Action and Resource with `*` and `?` wildcards. It does not evaluate Condition blocks, NotAction,
  NotResource, permission boundaries or service control policies: a statement's conditions are taken as met.

world.py starts them inside its own process for the tests; emulator.py runs them as a process of their own beside moto:

    python3 stand_ins.py MOTO_URL    -> one JSON line of the endpoint variables to export, then serves until stopped

Every other request is forwarded to moto unchanged, so the failoverctl under test can point AWS_ENDPOINT_URL_IAM and
AWS_ENDPOINT_URL_SERVICE_QUOTAS here and still reach moto for the rest. Neither checks signatures: moto does not either, unless
it enforces IAM (the drill's world, tests/oracles/drill/world.py): then `enforcing` sends every request to moto first, Host
header and signature as signed, so moto checks the caller's signature and its right to the action; moto's refusal is the answer,
and only what moto lets through is answered here.
"""
import fnmatch
import json
import re
import threading
import urllib.parse
import xml.sax.saxutils
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

FARGATE_ON_DEMAND_VCPU = "L-3032A538"
# The quota each region has unless a test sets another (an account's default is 6 vCPU in most regions).
DEFAULT_FARGATE_VCPU = 6.0


def region_of(headers):
    """The region a SigV4 request was signed for (Credential=KEY/DATE/REGION/SERVICE/aws4_request)."""
    found = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/", headers.get("Authorization", ""))
    return found.group(1) if found else "us-east-1"


class StandIn:
    """One stand-in server: answers what `answer` returns (status, content type, body), forwards to moto when it returns None."""

    def __init__(self, moto_url, answer, enforcing=False):
        self.moto_url = moto_url
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                moto = None
                if enforcing:
                    # As signed: moto recomputes the signature over the Host header the caller signed.
                    moto = requests.post(stand_in.moto_url + self.path, data=body, headers=dict(self.headers.items()))
                answered = None if moto is not None and moto.status_code in (401, 403) else answer(self.headers, body)
                if answered is None:
                    forwarded = moto if moto is not None else requests.post(stand_in.moto_url + self.path, data=body,
                                                                                    headers={k: v for k, v in self.headers.items() if k.lower() != "host"})
                    answered = (forwarded.status_code, forwarded.headers.get("Content-Type", "application/json"), forwarded.content)
                status, content_type, payload = answered
                payload = payload if isinstance(payload, bytes) else payload.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("x-amzn-RequestId", "stand-in")
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class ServiceQuotasStandIn:
    """Service Quotas (awsJson 1.1, target ServiceQuotasV20190624.*) for the Fargate On-Demand vCPU quota."""

    def __init__(self, moto_url, enforcing=False):
        self.quotas = {}
        self.server = StandIn(moto_url, self.answer, enforcing)
        self.url = self.server.url

    def reset(self):
        self.quotas = {}

    def set(self, region, value):
        self.quotas[region] = float(value)

    def answer(self, headers, body):
        target = headers.get("X-Amz-Target", "")
        request = json.loads(body or b"{}")
        if target.split(".")[-1] not in ("GetServiceQuota", "GetAWSDefaultServiceQuota") or request.get("ServiceCode") != "fargate":
            return None
        if request.get("QuotaCode") != FARGATE_ON_DEMAND_VCPU:
            return 400, "application/x-amz-json-1.1", json.dumps({"__type": "NoSuchResourceException", "message": "the stand-in knows only fargate L-3032A538"})
        region = region_of(headers)
        return 200, "application/x-amz-json-1.1", json.dumps({"Quota": {
            "ServiceCode": "fargate", "ServiceName": "AWS Fargate", "QuotaCode": FARGATE_ON_DEMAND_VCPU,
            "QuotaArn": f"arn:aws:servicequotas:{region}:123456789012:fargate/{FARGATE_ON_DEMAND_VCPU}",
            "QuotaName": "Fargate On-Demand vCPU resource count", "Value": self.quotas.get(region, DEFAULT_FARGATE_VCPU), "Unit": "None",
            "Adjustable": True, "GlobalQuota": False,
            "UsageMetric": {"MetricNamespace": "AWS/Usage", "MetricName": "ResourceCount", "MetricStatisticRecommendation": "Maximum",
                            "MetricDimensions": {"Service": "Fargate", "Type": "Resource", "Resource": "vCPU", "Class": "Standard/OnDemand"}}}})


def _listed(value):
    return value if isinstance(value, list) else [value]


def _members(form, name):
    """A Query API list (`Name.member.1`, `Name.member.2`, …) in order."""
    pattern = re.compile(rf"{name}\.member\.(\d+)")
    found = {int(m.group(1)): values[0] for m, values in ((pattern.fullmatch(k), values) for k, values in form.items()) if m}
    return [found[n] for n in sorted(found)]


def _matches(patterns, value):
    return any(fnmatch.fnmatchcase(value.lower(), p.lower()) for p in _listed(patterns))


class IamSimulatorStandIn:
    """IAM SimulatePrincipalPolicy (Query API, XML) over the role's policies as moto holds them."""

    def __init__(self, moto_url, iam, enforcing=False):
        self.iam = iam
        self.server = StandIn(moto_url, self.answer, enforcing)
        self.url = self.server.url

    def statements(self, role_arn):
        role = role_arn.split("/")[-1]
        found = []
        for name in self.iam.list_role_policies(RoleName=role)["PolicyNames"]:
            found += _listed(self.iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]["Statement"])
        for attached in self.iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
            version = self.iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]["DefaultVersionId"]
            found += _listed(self.iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=version)["PolicyVersion"]["Document"]["Statement"])
        return found

    @staticmethod
    def decide(statements, action, resource):
        matching = [s for s in statements if _matches(s.get("Action", []), action) and _matches(s.get("Resource", []), resource)]
        if any(s["Effect"] == "Deny" for s in matching):
            return "explicitDeny"
        return "allowed" if any(s["Effect"] == "Allow" for s in matching) else "implicitDeny"

    def answer(self, headers, body):
        form = urllib.parse.parse_qs(body.decode(), keep_blank_values=True)
        if form.get("Action", [""])[0] != "SimulatePrincipalPolicy":
            return None
        source = form["PolicySourceArn"][0]
        try:
            statements = self.statements(source)
        except self.iam.exceptions.NoSuchEntityException:
            return 404, "text/xml", ("<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code>"
                                     f"<Message>The role {xml.sax.saxutils.escape(source)} cannot be found.</Message></Error></ErrorResponse>")
        results = []
        for action in _members(form, "ActionNames"):
            for resource in _members(form, "ResourceArns") or ["*"]:
                decision = self.decide(statements, action, resource)
                e = xml.sax.saxutils.escape
                results.append(f"<member><EvalActionName>{e(action)}</EvalActionName><EvalResourceName>{e(resource)}</EvalResourceName>"
                               f"<EvalDecision>{decision}</EvalDecision><MatchedStatements/><MissingContextValues/>"
                               f"<ResourceSpecificResults><member><EvalResourceName>{e(resource)}</EvalResourceName>"
                               f"<EvalResourceDecision>{decision}</EvalResourceDecision></member></ResourceSpecificResults></member>")
        return 200, "text/xml", ('<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulatePrincipalPolicyResult>'
                                 f"<IsTruncated>false</IsTruncated><EvaluationResults>{''.join(results)}</EvaluationResults>"
                                 "</SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>stand-in</RequestId></ResponseMetadata>"
                                 "</SimulatePrincipalPolicyResponse>")


def endpoints(moto_url, iam, enforcing=False):
    """Both stand-ins started, as the endpoint variables that point failoverctl at them; and the quota one, for tests to move.
    `iam`: a client allowed to read the roles' policies (moto's admin where moto enforces IAM)."""
    quotas = ServiceQuotasStandIn(moto_url, enforcing)
    simulator = IamSimulatorStandIn(moto_url, iam, enforcing)
    return {"AWS_ENDPOINT_URL_SERVICE_QUOTAS": quotas.url, "AWS_ENDPOINT_URL_IAM": simulator.url}, quotas


if __name__ == "__main__":
    import sys

    import boto3

    moto = sys.argv[1]
    answer, _ = endpoints(moto, boto3.client("iam", region_name="us-east-1", endpoint_url=moto,
                                             aws_access_key_id="testing", aws_secret_access_key="testing"))
    print(json.dumps(answer), flush=True)
    threading.Event().wait()
