"""Arranges and inspects the moto world failoverctl's tests run against, with boto3: an independent AWS client.

    MOTO_URL=http://127.0.0.1:PORT python3 world.py serve   -> one JSON line per JSON-array line on stdin

emulator.py imports it to arrange the same world for a person trying failoverctl without AWS.
"""
import datetime
import hashlib
import json
import os

import boto3
import requests

import stand_ins

PRIMARY, SECONDARY = "us-east-1", "us-west-2"
CONTROL, DECISIONS = "failover-control", "failover-decisions"
ROLE = "arn:aws:iam::123456789012:role/failover-workflow"


def client(service, region=PRIMARY):
    return boto3.client(service, region_name=region, endpoint_url=os.environ["MOTO_URL"],
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def table(name, region):
    client("dynamodb", region).create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])


def check(route53, reference, config):
    return route53.create_health_check(CallerReference=reference, HealthCheckConfig=config)["HealthCheck"]["Id"]


# Synthetic workflows with the real workflow's state names and output shape (request fields, `decision`, `timings`), so that
# moto's state machine interpreter runs them: Task states would need Lambda, which moto cannot run here.
def stamp(step, next_state):
    return {"Type": "Pass", "Parameters": {"at.$": "$$.State.EnteredTime"}, "ResultPath": f"$.timings.{step}", "Next": next_state}


def decide(decision, reason, next_state):
    return {"Type": "Pass", "Result": {"decision": decision, "reason": reason}, "ResultPath": "$.decision", "Next": next_state}


WORKFLOWS = {
    "acts": {"StartAt": "Prepare", "States": {
        "Prepare": stamp("started", "Decide"),
        "Decide": {"Type": "Pass", "Parameters": {"decision.$": "States.Format('{}', $.action)", "reason": "the evidence and the flag allow it"},
                   "ResultPath": "$.decision", "Next": "StampDecided"},
        "StampDecided": stamp("decided", "ScaleUp"),
        "ScaleUp": {"Type": "Pass", "Next": "CheckReadiness"},
        "CheckReadiness": {"Type": "Wait", "Seconds": 1, "Next": "StampReady"},
        "StampReady": stamp("ready", "ShiftOrScaleBack"),
        "ShiftOrScaleBack": {"Type": "Pass", "Next": "StampFinished"},
        "StampFinished": stamp("finished", "ReleaseLock"),
        "ReleaseLock": {"Type": "Pass", "Next": "Done"},
        "Done": {"Type": "Succeed"}}},
    "blocked": {"StartAt": "Decide", "States": {
        "Decide": decide("BLOCKED", "the primary looks unhealthy but the flag is block (set by oncall)", "Blocked"),
        "Blocked": {"Type": "Succeed"}}},
    "no-action": {"StartAt": "Decide", "States": {
        "Decide": decide("NO_ACTION", "the primary is healthy", "NoAction"),
        "NoAction": {"Type": "Succeed"}}},
    "not-ready": {"StartAt": "Decide", "States": {
        "Decide": decide("FAILOVER", "the primary is unhealthy", "ScaleUp"),
        "ScaleUp": {"Type": "Pass", "Next": "NotReady"},
        "NotReady": {"Type": "Fail", "Error": "NotReady", "Cause": "the region was not ready within 600 s; traffic was not moved"}}},
}


def traffic_gate(name, switch_region):
    """A metric gate's switch as the compiler makes it (infra/Model/Health/TrafficGate.cs): its alarm in the other stack's region,
    never published to yet (INSUFFICIENT_DATA: the gate is open)."""
    alarm, namespace = f"{name}-traffic-gate", f"Failover/TrafficGate/{name}"
    cloudwatch = client("cloudwatch", switch_region)
    cloudwatch.put_metric_alarm(AlarmName=alarm, Namespace=namespace, MetricName="Closed", Statistic="Maximum", Period=60,
                                EvaluationPeriods=1, DatapointsToAlarm=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
                                TreatMissingData="ignore")
    cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="INSUFFICIENT_DATA", StateReason="arranged: a new gate")
    return alarm, namespace


def route53_api_gate():
    """The gate check of a route53-api stack: calculated, no children, threshold 0 (always healthy until inverted)."""
    return {"id": check(client("route53"), f"route53-api-{os.urandom(4).hex()}", {"Type": "CALCULATED", "HealthThreshold": 0, "ChildHealthChecks": []})}


def setup():
    """Both regions as failoverctl finds them after a deploy; answers each stack's outputs as `pulumi stack output --json` would."""
    global OUTPUTS
    requests.post(os.environ["MOTO_URL"] + "/moto-api/config", json={"stepfunctions": {"execute_state_machine": True}}).raise_for_status()
    route53 = client("route53")
    outputs = {}
    for role, region, peer, count in (("primary", PRIMARY, SECONDARY, 2), ("secondary", SECONDARY, PRIMARY, 1)):
        for name in (CONTROL, DECISIONS):
            table(name, region)
        ec2 = client("ec2", region)
        vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.0.0/24")["Subnet"]["SubnetId"]
        group = ec2.create_security_group(GroupName="service", Description="service", VpcId=vpc)["GroupId"]
        ecs = client("ecs", region)
        name = f"failover-{role}"
        ecs.create_cluster(clusterName=name)
        ecs.register_task_definition(family="app", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
                                     containerDefinitions=[{"name": "app", "image": "nginx", "essential": True}])
        ecs.create_service(cluster=name, serviceName=name, taskDefinition="app", desiredCount=count, launchType="FARGATE",
                           networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}})
        gate_alarm, gate_namespace = traffic_gate(name, peer)
        gate = check(route53, f"{role}-gate", {"Type": "CLOUDWATCH_METRIC", "AlarmIdentifier": {"Region": peer, "Name": gate_alarm},
                                               "InsufficientDataHealthStatus": "LastKnownStatus"})
        endpoint = check(route53, f"{role}-endpoint", {"Type": "HTTP", "FullyQualifiedDomainName": f"{role}.example.com", "Port": 80, "ResourcePath": "/health"})
        calculated = check(route53, f"{role}-region", {"Type": "CALCULATED", "HealthThreshold": 1, "ChildHealthChecks": [endpoint]})
        cloudwatch = client("cloudwatch", region)
        alarms = [f"{name}-healthy-hosts", f"{name}-target-5xx"]
        for alarm in alarms:
            cloudwatch.put_metric_alarm(AlarmName=alarm, Namespace="AWS/ApplicationELB", MetricName="HealthyHostCount", Statistic="Minimum",
                                        Period=60, EvaluationPeriods=2, Threshold=1, ComparisonOperator="LessThanThreshold")
            cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="OK", StateReason="arranged")
        machine = client("stepfunctions", region).create_state_machine(
            name=f"{name}-failover", definition=json.dumps(WORKFLOWS["acts"]), roleArn=ROLE)["stateMachineArn"]
        outputs[role] = {
            "role": role, "region": region, "peerRegion": peer, "defaultFlag": "auto", "dnsFailover": "gated",
            "controlTableName": CONTROL, "controlTableConsistency": "strong", "decisionTableName": DECISIONS,
            "stateMachineArn": machine, "stateMachineName": f"{name}-failover",
            "workflowActions": ["failback"] if role == "primary" else ["failover", "drill"],
            "clusterName": name, "serviceName": name, "gateHealthCheckId": gate, "endpointHealthCheckId": endpoint,
            "trafficGate": {"kind": "metric", "healthCheckId": gate, "alarmName": gate_alarm, "switchRegion": peer, "namespace": gate_namespace},
            "calculatedHealthCheckId": calculated, "readinessTimeoutSeconds": 600, "alarmNameList": ",".join(alarms),
        }
    OUTPUTS = outputs
    return outputs


def workflow(state_machine_arn, kind):
    """Makes the state machine end the way a test needs (acts, blocked, no-action, not-ready)."""
    region = state_machine_arn.split(":")[3]
    client("stepfunctions", region).update_state_machine(stateMachineArn=state_machine_arn, definition=json.dumps(WORKFLOWS[kind]))
    return {"ok": True}


def plain(item):
    return {k: next(iter(v.values())) for k, v in item.items()}


def item(key, region=PRIMARY, name=CONTROL):
    found = client("dynamodb", region).get_item(TableName=name, Key={"pk": {"S": key}}, ConsistentRead=True).get("Item")
    return plain(found) if found else None


def put_item(document, region=PRIMARY, name=CONTROL):
    """An item given as a JSON object of strings and whole numbers."""
    values = json.loads(document)
    typed = {k: ({"N": str(v)} if isinstance(v, int) and not isinstance(v, bool) else {"BOOL": v} if isinstance(v, bool) else {"S": v}) for k, v in values.items()}
    client("dynamodb", region).put_item(TableName=name, Item=typed)
    return {"ok": True}


def delete_item(key, region=PRIMARY, name=CONTROL):
    client("dynamodb", region).delete_item(TableName=name, Key={"pk": {"S": key}})
    return {"ok": True}


def executions(state_machine_arn):
    region = state_machine_arn.split(":")[3]
    sfn = client("stepfunctions", region)
    found = sfn.list_executions(stateMachineArn=state_machine_arn)["executions"]
    return [{"name": e["name"], "status": e["status"], "input": json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"])} for e in found]


def invert_gate(health_check_id):
    client("route53").update_health_check(HealthCheckId=health_check_id, Inverted=True)
    return {"ok": True}


def alarm(region, name, state):
    client("cloudwatch", region).set_alarm_state(AlarmName=name, StateValue=state, StateReason="arranged")
    return {"ok": True}


def desired(region, name):
    found = client("ecs", region).describe_services(cluster=name, services=[name])["services"][0]
    return {"desired": found["desiredCount"], "running": found["runningCount"]}


# The readiness world: a healthy pair as `failoverctl readiness` holds it against both stacks' plans (docs/readiness.md), and one
# command per drift a check must catch. The plans are written here as the compiler would write them for this world.

ACCOUNT = "123456789012"
OUTPUTS = {}
STAND_INS = {}
REPOSITORY, TAG = "web", "v1"
SECRET = "web-db-password"
GATE_ALARM = "failover-primary-traffic-gate"
# What both stacks must share, by config key, as the compiler writes it into each plan.
AGREEMENT = {"failover:trafficGate": "metric", "failover:dnsFailover": "gated", "failover:controlTableConsistency": "strong",
             "failover:activeCount": "2", "failover:containerCpu": "256", "failover:containerMemory": "512"}
ACTIVE_COUNT, TASK_VCPU = 2, 0.25
# The recovery-time model of each stack's move (seconds), phases by RecoveryPhases' names.
MODELS = {
    "secondary": {"objectiveSeconds": 1800, "phases": [
        {"phase": "detection", "typicalSeconds": 180, "boundSeconds": 300}, {"phase": "trigger", "typicalSeconds": 5, "boundSeconds": 60},
        {"phase": "decision", "typicalSeconds": 5, "boundSeconds": 60}, {"phase": "scaleUpAndReadiness", "typicalSeconds": 80, "boundSeconds": 600},
        {"phase": "recoveryTasks", "typicalSeconds": 0, "boundSeconds": 0}, {"phase": "gateFlip", "typicalSeconds": 60, "boundSeconds": 120},
        {"phase": "dnsTtl", "typicalSeconds": 60, "boundSeconds": 60}]},
    # A failback is started by hand: RecoveryTimeBudget models its detection and trigger as 0.
    "primary": {"objectiveSeconds": 1800, "phases": [
        {"phase": "detection", "typicalSeconds": 0, "boundSeconds": 0}, {"phase": "trigger", "typicalSeconds": 0, "boundSeconds": 0},
        {"phase": "decision", "typicalSeconds": 5, "boundSeconds": 60}, {"phase": "scaleUpAndReadiness", "typicalSeconds": 80, "boundSeconds": 600},
        {"phase": "recoveryTasks", "typicalSeconds": 0, "boundSeconds": 0}, {"phase": "gateFlip", "typicalSeconds": 60, "boundSeconds": 120},
        {"phase": "dnsTtl", "typicalSeconds": 60, "boundSeconds": 60}]},
}


def iso(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def other(role):
    return "secondary" if role == "primary" else "primary"


def prefix(role):
    return f"failover-{role}"


def put_everywhere(document, name):
    """An item written into both regions' tables: moto's are two tables where AWS has one global table."""
    for region in (PRIMARY, SECONDARY):
        put_item(json.dumps(document), region, name)


def manifest(version):
    """An image manifest whose one layer stands for `version`; moto derives the digest from the layers, so the same version has
    the same digest in both regions and another version another digest."""
    layer = "sha256:" + hashlib.sha256(version.encode()).hexdigest()
    return json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                       "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7, "digest": layer},
                       "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 7, "digest": layer}]})


def image(region):
    return f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/{REPOSITORY}:{TAG}"


def secret_arn(region):
    return client("secretsmanager", region).describe_secret(SecretId=SECRET)["ARN"]


def deploy_task(role, cpu="256", memory="512", secret_region=None):
    """Registers the service's task definition (the same in both regions but for the region's own registry and secret) and
    rolls the service onto it."""
    region = OUTPUTS[role]["region"]
    ecs = client("ecs", region)
    arn = ecs.register_task_definition(
        family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu=cpu, memory=memory,
        executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/{prefix(role)}-execution",
        containerDefinitions=[{"name": "app", "image": image(region), "essential": True,
                               "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
                               "environment": [{"name": "LOG_LEVEL", "value": "info"}],
                               "secrets": [{"name": "DB_PASSWORD", "valueFrom": secret_arn(secret_region or region)}]}])["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster=OUTPUTS[role]["clusterName"], service=OUTPUTS[role]["serviceName"], taskDefinition=arn)
    return arn


def permissions(role):
    """Each workflow step's role and the exact actions and resources it uses (a few per step: enough for a simulation to miss one)."""
    region, name = OUTPUTS[role]["region"], prefix(role)
    table = f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{CONTROL}"
    return [
        {"step": "decide", "roleArn": f"arn:aws:iam::{ACCOUNT}:role/{name}-decide", "permissions": [
            {"action": "dynamodb:GetItem", "resource": table,
             "context": [{"key": "dynamodb:LeadingKeys", "type": "stringList", "values": ["state"]}]},
            {"action": "dynamodb:UpdateItem", "resource": table,
             "context": [{"key": "dynamodb:LeadingKeys", "type": "stringList", "values": ["state"]}]}]},
        {"step": "shift-traffic", "roleArn": f"arn:aws:iam::{ACCOUNT}:role/{name}-shift-traffic", "permissions": [
            {"action": "cloudwatch:SetAlarmState", "resource": f"arn:aws:cloudwatch:{SECONDARY}:{ACCOUNT}:alarm:{GATE_ALARM}"}]},
        {"step": "scale-service", "roleArn": f"arn:aws:iam::{ACCOUNT}:role/{name}-scale-service", "permissions": [
            {"action": "ecs:UpdateService", "resource": f"arn:aws:ecs:{region}:{ACCOUNT}:service/{name}/{name}"}]},
    ]


def grant(simulation, leave_out=None):
    """The role as IAM holds it: one inline policy allowing exactly the plan's actions on its resources (but `leave_out`)."""
    iam = client("iam")
    name = simulation["roleArn"].split("/")[-1]
    try:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    except iam.exceptions.EntityAlreadyExistsException:
        pass
    statements = [{"Effect": "Allow", "Action": p["action"], "Resource": p["resource"]} for p in simulation["permissions"] if p["action"] != leave_out]
    iam.put_role_policy(RoleName=name, PolicyName="step", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))


def plan(role):
    own, peer = OUTPUTS[role], OUTPUTS[other(role)]
    primary = OUTPUTS["primary"]
    alarms = [{"region": PRIMARY, "name": name} for name in primary["alarmNameList"].split(",")]
    alarms.append({"region": SECONDARY, "name": GATE_ALARM, "mayLackData": True,
                   "why": "a metric gate's alarm has no data until the gate is first moved"})
    return {
        "stack": prefix(role), "role": role, "region": own["region"], "peerStack": prefix(other(role)), "peerRegion": own["peerRegion"],
        "agreement": dict(AGREEMENT),
        "service": {"region": own["region"], "cluster": own["clusterName"], "service": own["serviceName"]},
        "peerService": {"region": peer["region"], "cluster": peer["clusterName"], "service": peer["serviceName"]},
        "activeCount": ACTIVE_COUNT, "taskVcpu": TASK_VCPU, "alarms": alarms,
        "primaryGate": {"kind": "metric", "healthCheckId": primary["gateHealthCheckId"], "alarmName": GATE_ALARM, "switchRegion": SECONDARY},
        "controlTableName": CONTROL, "decisionTableName": DECISIONS, "stateMachineArns": [own["stateMachineArn"]],
        "roles": permissions(role), "drillMaxAgeDays": 30, "model": MODELS[role],
    }


def write_plan(role, document):
    put_everywhere({"pk": f"readiness#{prefix(role)}", "plan": json.dumps(document)}, CONTROL)


def drill_record(started, phases=None, outcome="SUCCEEDED", name="drill-1"):
    """A drill of the secondary's workflow, started by an operator, as release-lock records it (RunRecord, RunMeasurement): a drill
    is routed off before the recovery tasks and the shift, and no alarm started it, so it measures the decision and the scale-up
    only (detection and the DNS TTL are never measured)."""
    measured = {"detection": None, "trigger": None, "decision": 3.2, "scaleUpAndReadiness": 95.0, "recoveryTasks": None, "gateFlip": None, "dnsTtl": None}
    measured.update(phases or {})
    return {"execution": f"arn:aws:states:{SECONDARY}:{ACCOUNT}:execution:{prefix('secondary')}-failover:{name}", "action": "drill",
            "stack": prefix("secondary"), "outcome": outcome, "source": "operator", "startedAt": iso(started),
            "finishedAt": iso(started + datetime.timedelta(seconds=120)), "phases": measured}


def record_runs(recent):
    """The decision log's index item, newest first, and the newest drill that succeeded."""
    document = {"pk": "runs", "recent": json.dumps(recent)}
    drills = [r for r in recent if r["action"] == "drill" and r["outcome"] == "SUCCEEDED"]
    if drills:
        document["lastSucceededDrill"] = json.dumps(drills[0])
    put_everywhere(document, DECISIONS)


def stand_ins_up():
    """The stand-ins for what moto lacks (stand_ins.py), started once per process, reset for each world."""
    if not STAND_INS:
        STAND_INS["endpoints"], STAND_INS["quotas"] = stand_ins.endpoints(os.environ["MOTO_URL"], client("iam"))
    STAND_INS["quotas"].reset()
    return STAND_INS["endpoints"]


def readiness(endpoints=None):
    """After setup: the healthy pair every readiness check passes on. Answers the endpoint variables that point failoverctl at
    the stand-ins (started here unless `endpoints` names running ones), and both plans."""
    endpoints = endpoints or stand_ins_up()
    for region in (PRIMARY, SECONDARY):
        ecr = client("ecr", region)
        ecr.create_repository(repositoryName=REPOSITORY)
        ecr.put_image(repositoryName=REPOSITORY, imageManifest=manifest("web 1.0"), imageTag=TAG)
        client("secretsmanager", region).create_secret(Name=SECRET, SecretString="arranged")
    plans = {}
    for role in ("primary", "secondary"):
        deploy_task(role)
        plans[role] = plan(role)
        write_plan(role, plans[role])
        for simulation in plans[role]["roles"]:
            grant(simulation)
        region = OUTPUTS[role]["region"]
        # What Fargate reports as used in the region (Service Quotas' usage metric): the tasks that run there, two minutes ago
        # (the metric lags; and a test's clock is set before its world is).
        running = client("ecs", region).describe_services(cluster=OUTPUTS[role]["clusterName"], services=[OUTPUTS[role]["serviceName"]])["services"][0]["runningCount"]
        client("cloudwatch", region).put_metric_data(Namespace="AWS/Usage", MetricData=[{
            "MetricName": "ResourceCount", "Value": running * TASK_VCPU, "Unit": "None", "Timestamp": now() - datetime.timedelta(minutes=2),
            "Dimensions": [{"Name": "Service", "Value": "Fargate"}, {"Name": "Type", "Value": "Resource"},
                           {"Name": "Resource", "Value": "vCPU"}, {"Name": "Class", "Value": "Standard/OnDemand"}]}])
    put_everywhere({"pk": "state", "activeRegion": PRIMARY, "epoch": 1, "lastTransitionAt": iso(now() - datetime.timedelta(days=10))}, CONTROL)
    record_runs([drill_record(now() - datetime.timedelta(days=3))])
    return {"endpoints": endpoints, "plans": plans}


# One drift per check, each applied to the healthy world above.

def drift_image():
    """A new build pushed to the secondary's registry under the tag both task definitions name: the regions run different digests."""
    client("ecr", SECONDARY).put_image(repositoryName=REPOSITORY, imageManifest=manifest("web 1.1"), imageTag=TAG)
    return {"ok": True}


def drift_task_size():
    """The secondary's task definition changed by hand: twice the CPU and memory of the primary's."""
    deploy_task("secondary", cpu="512", memory="1024")
    return {"ok": True}


def drift_quota():
    """The secondary region's Fargate On-Demand vCPU quota below what the failover's active count needs."""
    STAND_INS["quotas"].set(SECONDARY, TASK_VCPU)
    return {"ok": True}


def drift_alarm():
    """One of the primary's health alarms deleted."""
    client("cloudwatch", PRIMARY).delete_alarms(AlarmNames=[OUTPUTS["primary"]["alarmNameList"].split(",")[-1]])
    return {"ok": True}


def drift_lock():
    """A lock left behind: its owner's execution ended an hour ago and its lease ran out half an hour ago."""
    owner = f"arn:aws:states:{SECONDARY}:{ACCOUNT}:execution:{prefix('secondary')}-failover:crashed-run"
    put_everywhere({"pk": "state", "activeRegion": PRIMARY, "epoch": 1, "lastTransitionAt": iso(now() - datetime.timedelta(days=10)),
                    "lockOwner": owner, "lockTokenHash": "0" * 64, "lockAction": "failover", "lockDecision": "FAILOVER", "lockSource": "operator",
                    "lockAcquiredAt": iso(now() - datetime.timedelta(hours=1)),
                    "lockLeaseExpiresAt": int((now() - datetime.timedelta(minutes=30)).timestamp())}, CONTROL)
    return {"ok": True}


def drift_permission():
    """The secondary's decide role edited by hand: it can no longer write the control table."""
    grant(plan("secondary")["roles"][0], leave_out="dynamodb:UpdateItem")
    return {"ok": True}


def drift_old_drill():
    """The last drill that succeeded is 40 days old (drillMaxAgeDays 30)."""
    record_runs([drill_record(now() - datetime.timedelta(days=40))])
    return {"ok": True}


def drift_slow_drill():
    """The last drill took longer than the objective: its scale-up and readiness alone ran 2000 s (bound 600, objective 1800)."""
    record_runs([drill_record(now() - datetime.timedelta(days=1), {"scaleUpAndReadiness": 2000.0}, name="drill-2"),
                 drill_record(now() - datetime.timedelta(days=3))])
    return {"ok": True}


def drift_stacks_disagree():
    """The secondary deployed with another consistency mode than the primary."""
    document = plan("secondary")
    document["agreement"]["failover:controlTableConsistency"] = "eventual"
    write_plan("secondary", document)
    return {"ok": True}


def drift_secret_region():
    """The secondary's task reads its secret from the primary's region: it cannot start while that region is down."""
    deploy_task("secondary", secret_region=PRIMARY)
    return {"ok": True}


def drift_gate():
    """The control table records the secondary as active while the primary's gate is open."""
    put_everywhere({"pk": "state", "activeRegion": SECONDARY, "epoch": 2, "lastTransitionAt": iso(now() - datetime.timedelta(days=1))}, CONTROL)
    return {"ok": True}


def runs(document):
    """The decision log's index, as a JSON list of run records newest first (for the report's tests)."""
    record_runs(json.loads(document))
    return {"ok": True}


COMMANDS = {"setup": setup, "route53-api-gate": route53_api_gate, "workflow": workflow, "item": item, "put-item": put_item, "delete-item": delete_item, "executions": executions,
            "invert-gate": invert_gate, "desired": desired, "alarm": alarm, "readiness": readiness, "runs": runs,
            "drift-image": drift_image, "drift-task-size": drift_task_size, "drift-quota": drift_quota, "drift-alarm": drift_alarm,
            "drift-lock": drift_lock, "drift-permission": drift_permission, "drift-old-drill": drift_old_drill, "drift-slow-drill": drift_slow_drill,
            "drift-stacks-disagree": drift_stacks_disagree, "drift-secret-region": drift_secret_region, "drift-gate": drift_gate}


if __name__ == "__main__":
    # Beside this file only in the tests' output folder (tests/Shared/world_server.py): emulator.py imports this one from the source tree.
    from world_server import serve

    serve(COMMANDS)
