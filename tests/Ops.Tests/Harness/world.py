"""Arranges and inspects the moto world failoverctl's tests run against, with boto3: an independent AWS client.

    MOTO_URL=http://127.0.0.1:PORT python3 world.py serve   -> one JSON line per JSON-array line on stdin

emulator.py imports it to arrange the same world for a person trying failoverctl without AWS.
"""
import json
import os

import boto3
import requests

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


COMMANDS = {"setup": setup, "route53-api-gate": route53_api_gate, "workflow": workflow, "item": item, "put-item": put_item, "executions": executions,
            "invert-gate": invert_gate, "desired": desired, "alarm": alarm}


if __name__ == "__main__":
    # Beside this file only in the tests' output folder (tests/Shared/world_server.py): emulator.py imports this one from the source tree.
    from world_server import serve

    serve(COMMANDS)
