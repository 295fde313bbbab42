"""Arranges and inspects the moto world the function tests run against, with boto3: an independent AWS client.

    MOTO_URL=http://127.0.0.1:PORT python3 world.py COMMAND [ARGS...]   -> one JSON document on stdout
    MOTO_URL=http://127.0.0.1:PORT python3 world.py serve               -> one JSON line per JSON-array line on stdin
"""
import json
import os
import sys

import boto3
import control_world
from gate_metric import aligned_points
from world_server import serve

PRIMARY, SECONDARY = "us-east-1", "us-west-2"
TABLE, CLUSTER, SERVICE = "failover-control", "failover-secondary", "failover-secondary"
RESOURCE_ID = f"service/{CLUSTER}/{SERVICE}"
ALARMS = ["failover-primary-healthy-hosts", "failover-primary-target-5xx"]
# The workflow's entry points (decide asks Step Functions which one runs it) and the primary's, whose runs may hold the lock too.
MACHINES = {"operator": ("failover-secondary-failover", SECONDARY), "trigger": ("failover-secondary-failover-trigger", SECONDARY),
            "primary": ("failover-primary-failover", PRIMARY)}
ACCOUNT = "123456789012"


def machine_arn(entry):
    name, region = MACHINES[entry]
    return f"arn:aws:states:{region}:{ACCOUNT}:stateMachine:{name}"


def client(service, region=SECONDARY):
    return boto3.client(service, region_name=region, endpoint_url=os.environ["MOTO_URL"],
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def create_table(name=TABLE, region=SECONDARY):
    """A table shaped like the control table (pk as a string): the control table's replica in another region (a second moto
    server standing for it), or a decision table of its own."""
    client("dynamodb", region).create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
    return {"table": name, "region": region}


def setup(standby="1"):
    """The secondary region as the workflow finds it: control table, standby service, target group, gate, primary alarms."""
    standby = int(standby)
    create_table()
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.0.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="service", Description="service", VpcId=vpc)["GroupId"]
    ecs = client("ecs")
    ecs.create_cluster(clusterName=CLUSTER)
    ecs.register_task_definition(family="app", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
                                 containerDefinitions=[{"name": "app", "image": "nginx", "essential": True}])
    ecs.create_service(cluster=CLUSTER, serviceName=SERVICE, taskDefinition="app", desiredCount=standby, launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}})
    client("application-autoscaling").register_scalable_target(
        ServiceNamespace="ecs", ResourceId=RESOURCE_ID, ScalableDimension="ecs:service:DesiredCount", MinCapacity=standby, MaxCapacity=6)
    target_group = client("elbv2").create_target_group(
        Name="failover-secondary-tg", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    route53 = client("route53")
    gate = route53.create_health_check(CallerReference="gate", HealthCheckConfig={
        "Type": "CALCULATED", "HealthThreshold": 0, "ChildHealthChecks": []})["HealthCheck"]["Id"]
    endpoint = route53.create_health_check(CallerReference="endpoint", HealthCheckConfig={
        "Type": "HTTP", "FullyQualifiedDomainName": "primary.example.com", "Port": 80, "ResourcePath": "/health"})["HealthCheck"]["Id"]
    cloudwatch = client("cloudwatch", PRIMARY)
    for name in ALARMS:
        cloudwatch.put_metric_alarm(AlarmName=name, Namespace="AWS/ApplicationELB", MetricName="HealthyHostCount", Statistic="Minimum",
                                    Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="LessThanThreshold")
        cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="arranged")
    for entry, (name, region) in MACHINES.items():
        client("stepfunctions", region).create_state_machine(
            name=name, roleArn=f"arn:aws:iam::{ACCOUNT}:role/workflow",
            definition=json.dumps({"StartAt": "Decide", "States": {"Decide": {"Type": "Pass", "End": True}}}))
    return {"table": TABLE, "cluster": CLUSTER, "service": SERVICE, "targetGroup": target_group, "gate": gate,
            "endpoint": endpoint, "alarms": ALARMS, "primaryRegion": PRIMARY, "secondaryRegion": SECONDARY}


def gate(health_check_id):
    config = client("route53").get_health_check(HealthCheckId=health_check_id)["HealthCheck"]["HealthCheckConfig"]
    return {"inverted": bool(config.get("Inverted", False))}


def invert_gate(health_check_id):
    """Someone else's edit of the gate (an operator in the console)."""
    client("route53").update_health_check(HealthCheckId=health_check_id, Inverted=True)
    return {"ok": True}



def gate_metric(namespace, region):
    """The data points published to a metric gate (namespace, metric Closed) in one region, one per aligned second, oldest first:
    what Route 53's health checkers would read, through boto3."""
    return {"points": aligned_points(client("cloudwatch", region), namespace, seconds=120)}


def service():
    found = client("ecs").describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]
    return {"desired": found["desiredCount"], "running": found["runningCount"]}


def scalable_target():
    target = client("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[RESOURCE_ID])["ScalableTargets"][0]
    return {"min": target["MinCapacity"], "max": target["MaxCapacity"]}


def plain(item):
    return {k: (v.get("S") if "S" in v else int(v["N"]) if "N" in v else v) for k, v in item.items()}


def item(key, region=SECONDARY, table=TABLE):
    found = client("dynamodb", region).get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True).get("Item")
    return plain(found) if found else None


def decisions(table=TABLE, region=SECONDARY):
    items = client("dynamodb", region).scan(TableName=table)["Items"]
    return sorted((plain(i) for i in items if i["pk"]["S"].startswith("decision#")), key=lambda i: i["pk"])


def put_item(document, region=SECONDARY):
    fields = json.loads(document)
    client("dynamodb", region).put_item(TableName=TABLE, Item={
        k: ({"N": str(v)} if isinstance(v, int) else {"S": v}) for k, v in fields.items()})
    return {"ok": True}


def raw_item(key, region=SECONDARY):
    """An item exactly as DynamoDB holds it (typed attributes), to replicate by hand: read from one server..."""
    return client("dynamodb", region).get_item(TableName=TABLE, Key={"pk": {"S": key}}, ConsistentRead=True).get("Item")


def put_raw_item(document, region=SECONDARY):
    """... and written whole to the other, as a global table's replication would (last writer wins)."""
    client("dynamodb", region).put_item(TableName=TABLE, Item=json.loads(document))
    return {"ok": True}


# The lock lives in the state item (one conditional write takes it, one records a transition and frees it).
LOCK_FIELDS = {"owner": "lockOwner", "tokenHash": "lockTokenHash", "action": "lockAction", "decision": "lockDecision", "source": "lockSource",
               "requestReason": "lockRequestReason", "acquiredAt": "lockAcquiredAt", "leaseExpiresAt": "lockLeaseExpiresAt"}


def lock(region=SECONDARY):
    state = item("state", region) or {}
    found = {name: state[attribute] for name, attribute in LOCK_FIELDS.items() if attribute in state}
    return found or None


def put_lock(document):
    """Replaces the lock in the state item with exactly these fields (as an operator's hand or an older version might). An owner
    given as a bare name is a running execution of that name on the operators' machine (started here), as a run's lock is."""
    fields = json.loads(document)
    if isinstance(fields.get("owner"), str) and not fields["owner"].startswith("arn:") and fields["owner"]:
        fields["owner"] = start_execution(fields["owner"])["arn"]
    names = {f"#{name}": attribute for name, attribute in LOCK_FIELDS.items()}
    values = {f":{name}": ({"N": str(v)} if isinstance(v, int) else {"S": v}) for name, v in fields.items()}
    sets = [f"#{name} = :{name}" for name in fields]
    removes = [f"#{name}" for name in LOCK_FIELDS if name not in fields]
    expression = (("SET " + ", ".join(sets)) if sets else "") + ((" REMOVE " + ", ".join(removes)) if removes else "")
    request = {"TableName": TABLE, "Key": {"pk": {"S": "state"}}, "UpdateExpression": expression.strip(), "ExpressionAttributeNames": names}
    if values:
        request["ExpressionAttributeValues"] = values
    client("dynamodb").update_item(**request)
    return {"ok": True}


def start_execution(name, entry="operator"):
    """A running execution of one entry point (moto keeps it RUNNING until stopped): what decide asks Step Functions about."""
    machine, region = MACHINES[entry]
    arn = f"arn:aws:states:{region}:{ACCOUNT}:execution:{machine}:{name}"
    sfn = client("stepfunctions", region)
    try:
        sfn.describe_state_machine(stateMachineArn=machine_arn(entry))
    except sfn.exceptions.StateMachineDoesNotExist:
        sfn.create_state_machine(name=machine, roleArn=f"arn:aws:iam::{ACCOUNT}:role/workflow",
                                 definition=json.dumps({"StartAt": "Decide", "States": {"Decide": {"Type": "Pass", "End": True}}}))
    try:
        sfn.describe_execution(executionArn=arn)
    except sfn.exceptions.ExecutionDoesNotExist:
        sfn.start_execution(stateMachineArn=machine_arn(entry), name=name, input="{}")
    return {"arn": arn}


def stop_execution(arn):
    """The run ends (ABORTED): its lock, if it holds one, is no lock any more."""
    region = arn.split(":")[3]
    client("stepfunctions", region).stop_execution(executionArn=arn)
    return {"ok": True}


def hold_lock(action, token_hash, region=SECONDARY, owner="arn:aws:states:us-west-2:123456789012:execution:failover-secondary-failover:holder",
              lease_seconds="600"):
    """The lock as decide takes it for a run holding the token whose hash is given, leaving the state's other attributes alone; in
    `region`'s replica (made here when a test's function runs in the primary's region)."""
    import time
    dynamodb = client("dynamodb", region)
    if TABLE not in dynamodb.list_tables()["TableNames"]:
        create_table(region=region)
    dynamodb.update_item(
        TableName=TABLE, Key={"pk": {"S": "state"}},
        UpdateExpression="SET lockOwner = :owner, lockTokenHash = :hash, lockAction = :action, lockLeaseExpiresAt = :lease",
        ExpressionAttributeValues={":owner": {"S": owner}, ":hash": {"S": token_hash}, ":action": {"S": action},
                                   ":lease": {"N": str(int(time.time()) + int(lease_seconds))}})
    return {"ok": True}


def primary_service(name, desired):
    """The primary's service in its region, at the size it runs (decide reads it as a failover's scale target)."""
    ec2 = client("ec2", PRIMARY)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="primary-service", Description="service", VpcId=vpc)["GroupId"]
    ecs = client("ecs", PRIMARY)
    ecs.create_cluster(clusterName=name)
    ecs.register_task_definition(family="app", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
                                 containerDefinitions=[{"name": "app", "image": "nginx", "essential": True}])
    ecs.create_service(cluster=name, serviceName=name, taskDefinition="app", desiredCount=int(desired), launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}})
    return {"ok": True}


def alarm_state(name, value):
    client("cloudwatch", PRIMARY).set_alarm_state(AlarmName=name, StateValue=value, StateReason="arranged")
    return {"ok": True}


def register_targets(target_group, count):
    client("elbv2").register_targets(TargetGroupArn=target_group, Targets=[{"Id": f"10.1.0.{10 + i}", "Port": 80} for i in range(int(count))])
    return {"ok": True}


def assume_role(name, policy):
    """A role holding `policy`, assumed now: temporary credentials as Lambda hands them to a function."""
    iam = client("iam")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="function", PolicyDocument=policy)
    credentials = client("sts").assume_role(RoleArn=arn, RoleSessionName="test")["Credentials"]
    return {"accessKeyId": credentials["AccessKeyId"], "secretAccessKey": credentials["SecretAccessKey"], "sessionToken": credentials["SessionToken"]}


def readiness_metrics(region=SECONDARY):
    """Every readiness metric published in the region, with its dimensions and its latest value."""
    import datetime
    cloudwatch = client("cloudwatch", region)
    now = datetime.datetime.now(datetime.timezone.utc)
    found = []
    for metric in cloudwatch.list_metrics(Namespace="Failover/Readiness")["Metrics"]:
        points = cloudwatch.get_metric_statistics(Namespace="Failover/Readiness", MetricName=metric["MetricName"], Dimensions=metric["Dimensions"],
                                                  StartTime=now - datetime.timedelta(minutes=10), EndTime=now + datetime.timedelta(minutes=1),
                                                  Period=60, Statistics=["Maximum"])["Datapoints"]
        if points:
            latest = max(points, key=lambda p: p["Timestamp"])
            found.append({"metric": metric["MetricName"], "dimensions": {d["Name"]: d["Value"] for d in metric["Dimensions"]}, "value": latest["Maximum"]})
    return found


COMMANDS = {"assume-role": assume_role, "setup": setup, "create-table": create_table, "raw-item": raw_item, "put-raw-item": put_raw_item, "gate": gate, "invert-gate": invert_gate, "gate-metric": gate_metric, "service": service, "scalable-target": scalable_target, "item": item,
            "decisions": decisions, "put-item": put_item, "lock": lock, "put-lock": put_lock, "alarm-state": alarm_state, "primary-service": primary_service, "register-targets": register_targets,
            "start-execution": start_execution, "stop-execution": stop_execution, "hold-lock": hold_lock,
            "readiness-metrics": readiness_metrics}

# The control readiness checks' world (Readiness/control_world.py), beside this one's.
COMMANDS.update(control_world.commands(client))


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(COMMANDS)
    else:
        print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
