"""The drill's moto world, arranged and inspected with boto3 (an AWS client independent of the functions under test).

    python3 world.py moto PORT     runs moto on 127.0.0.1:PORT (INITIAL_NO_AUTH_ACTION_COUNT from the environment), with
                                   the one fix below to its signature check
    MOTO_URL=... python3 world.py serve
                                   answers one JSON line per JSON-array line on stdin: ["setup", spec], ["observe", ...],
                                   ["replicate", ...], ["metrics", ...]

The first three requests (create the admin user, give it "*", create its access key) are the unauthenticated ones moto
allows (INITIAL_NO_AUTH_ACTION_COUNT=3); everything after that, this script's own calls included, is signed by credentials
moto knows and checked against the caller's IAM policies.
"""
import json
import os
import sys

# The helpers both world scripts share live in tests/Shared.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Shared"))
from gate_metric import aligned_points  # noqa: E402

# The stand-ins for the two APIs moto lacks (Service Quotas' Fargate quota, IAM's policy simulator) are the Ops harness's.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Ops.Tests", "Harness"))
import stand_ins  # noqa: E402

ACCOUNT = "123456789012"
NO_AUTH_REQUESTS = 3


def run_moto(port):
    """moto 5.2 recomputes the signature of a request that has neither a body nor a query string over a body made of the
    request's *headers* (BaseResponse.setup_class falls back to `querystring.update(headers)`, and IAMRequestBase builds
    the request to re-sign from `self._body or self._data`), so every signed GET such as Route 53's GetHealthCheck and
    GetHealthCheckStatus fails SignatureDoesNotMatch under IAM enforcement, botocore's signature included. AWS signs the
    empty body of such a request; so does this fix. Nothing else in moto is changed."""
    from botocore.awsrequest import AWSRequest
    from moto.iam import access_control

    def create_aws_request(self):
        signed_headers = self._get_string_between("SignedHeaders=", ",", self._headers["Authorization"]).split(";")
        headers = self._create_headers_for_aws_request(signed_headers, self._headers)
        body = self._body
        if not body and self._method in ("GET", "HEAD", "DELETE"):
            body = b""
        else:
            body = body or self._data
        request = AWSRequest(method=self._method, url=self._path, data=body, headers=headers)
        request.context["timestamp"] = headers["X-Amz-Date"]
        return request

    access_control.IAMRequestBase._create_aws_request = create_aws_request
    from moto.server import main
    main(["-H", "127.0.0.1", "-p", str(port)])


# ---------------------------------------------------------------------------------------------------------------- setup

_ADMIN = {}


def client(service, region, credentials=None):
    import boto3
    keys = credentials or _ADMIN
    return boto3.client(service, region_name=region, endpoint_url=os.environ["MOTO_URL"],
                        aws_access_key_id=keys.get("accessKeyId", "unauthenticated"),
                        aws_secret_access_key=keys.get("secretAccessKey", "unauthenticated"),
                        aws_session_token=keys.get("sessionToken"))


def create_admin():
    """The only unauthenticated requests: an IAM user allowed everything, and its access key."""
    iam = client("iam", "us-east-1", {"accessKeyId": "bootstrapping", "secretAccessKey": "bootstrapping"})
    arn = iam.create_user(UserName="drill-admin")["User"]["Arn"]
    iam.put_user_policy(UserName="drill-admin", PolicyName="everything", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="drill-admin")["AccessKey"]
    _ADMIN.update(accessKeyId=key["AccessKeyId"], secretAccessKey=key["SecretAccessKey"], arn=arn)


def create_table(name, region):
    client("dynamodb", region).create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])


def assume(role_name, policy, session):
    """A role holding `policy` (the compiled one, widened by the caller), trusted by the admin, assumed now: temporary
    credentials (key, secret, session token) as Lambda and Step Functions hand them to their code."""
    iam = client("iam", "us-east-1")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Sid": "DrillHarness", "Effect": "Allow", "Principal": {"AWS": _ADMIN["arn"]}, "Action": "sts:AssumeRole"}]}
    arn = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName=role_name, PolicyName="least-privilege", PolicyDocument=policy)
    credentials = client("sts", "us-east-1").assume_role(RoleArn=arn, RoleSessionName=session[:64])["Credentials"]
    return {"roleArn": arn, "accessKeyId": credentials["AccessKeyId"], "secretAccessKey": credentials["SecretAccessKey"],
            "sessionToken": credentials["SessionToken"]}


def setup_region(stack):
    """One stack's regional pieces as its program deploys them, with the names the program gives them."""
    region = stack["region"]
    ec2 = client("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName=f"{stack['service']}-tasks", Description="tasks", VpcId=vpc)["GroupId"]

    ecs = client("ecs", region)
    cluster_arn = ecs.create_cluster(clusterName=stack["cluster"])["cluster"]["clusterArn"]
    ecs.register_task_definition(family=stack["service"], networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                 cpu="512", memory="1024",
                                 containerDefinitions=[{"name": "app", "image": "nginx", "essential": True}])
    # moto answers 500 for an awsvpc service without securityGroups (docs/design.md §9).
    service_arn = ecs.create_service(
        cluster=stack["cluster"], serviceName=stack["service"], taskDefinition=stack["service"], desiredCount=stack["desiredCount"],
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}})["service"]["serviceArn"]
    scaling = client("application-autoscaling", region)
    resource_id = f"service/{stack['cluster']}/{stack['service']}"
    scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=resource_id, ScalableDimension="ecs:service:DesiredCount",
                                     MinCapacity=stack["minCapacity"], MaxCapacity=stack["maxCapacity"])

    elbv2 = client("elbv2", region)
    target_group = elbv2.create_target_group(Name=stack["targetGroup"], Protocol="HTTP", Port=80, VpcId=vpc,
                                             TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    # No task registers itself in moto; registered targets are healthy (docs/design.md §9). Enough for the active count.
    elbv2.register_targets(TargetGroupArn=target_group,
                           Targets=[{"Id": f"10.0.1.{10 + i}", "Port": 80} for i in range(stack["healthyTargets"])])

    route53 = client("route53", region)
    gate_spec = stack.get("gate", {"kind": "route53-api"})
    if gate_spec["kind"] == "metric":
        # A metric gate: its alarm in the switch region (the other stack's); Route 53 reads the metric, which the observation reads too.
        client("cloudwatch", gate_spec["region"]).put_metric_alarm(
            AlarmName=gate_spec["alarm"], Namespace=gate_spec["namespace"], MetricName="Closed", Statistic="Maximum", Period=60,
            EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="ignore")
        gate = f"{stack['name']}-metric-gate"
    else:
        # The traffic gate: CALCULATED, no children, threshold 0, not inverted (always healthy).
        gate = route53.create_health_check(CallerReference=f"{stack['name']}-gate", HealthCheckConfig={
            "Type": "CALCULATED", "HealthThreshold": 0, "ChildHealthChecks": [], "Inverted": False})["HealthCheck"]["Id"]
    endpoint = route53.create_health_check(CallerReference=f"{stack['name']}-endpoint", HealthCheckConfig={
        "Type": "HTTP", "FullyQualifiedDomainName": f"{stack['name']}-alb.example.com", "Port": 80,
        "ResourcePath": stack.get("healthCheckPath", "/"), "RequestInterval": 10, "FailureThreshold": 3})["HealthCheck"]["Id"]

    cloudwatch = client("cloudwatch", region)
    alarms = {}
    for name in stack["alarms"]:
        cloudwatch.put_metric_alarm(AlarmName=name, Namespace="AWS/ApplicationELB", MetricName="HealthyHostCount", Statistic="Minimum",
                                    Period=60, EvaluationPeriods=2, Threshold=1, ComparisonOperator="LessThanThreshold")
        cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="drill: arranged healthy")
        alarms[name] = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["AlarmArn"]

    sns = client("sns", region)
    topic = sns.create_topic(Name=stack["topic"], Attributes={"KmsMasterKeyId": "alias/aws/sns", "DisplayName": "Failover events"})["TopicArn"]
    sqs = client("sqs", region)
    queue = sqs.create_queue(QueueName=f"{stack['topic']}-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    # Not raw: the envelope carries the Subject the workflow set.
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "false"})

    return {"region": region, "clusterArn": cluster_arn, "serviceArn": service_arn, "scalableTargetResourceId": resource_id,
            "targetGroupArn": target_group, "gateId": gate, "endpointId": endpoint, "alarmArns": alarms, "topicArn": topic,
            "queueUrl": queue}


def setup(spec):
    """spec: {tables: {control, decisions?}, regions: [...], stacks: {NAME: {...}}, roles: [{key, roleName, policy}]}."""
    create_admin()
    for region in spec["regions"]:
        # The control table is one global table; moto keeps regions apart, so each region gets its replica by name and the
        # drill copies the `state` and `flag` items across after every task (see `replicate`).
        create_table(spec["tables"]["control"], region)
        if spec["tables"].get("decisions"):
            create_table(spec["tables"]["decisions"], region)
    stacks = {name: setup_region(stack) for name, stack in spec["stacks"].items()}
    roles = {role["key"]: assume(role["roleName"], role["policy"], role["key"].replace(":", "-")) for role in spec["roles"]}
    # moto checks every request to a stand-in first (signature, and the caller's right to the action); the simulator reads the
    # roles' policies as moto holds them, with the admin's credentials.
    # Only a world that runs the readiness function needs them (two servers and their threads each).
    stand_in_endpoints = (stand_ins.endpoints(os.environ["MOTO_URL"], client("iam", "us-east-1"), enforcing=True)[0]
                          if spec.get("standIns") else {})
    return {"admin": {k: v for k, v in _ADMIN.items()}, "stacks": stacks, "roles": roles, "standIns": stand_in_endpoints,
            "reader": create_reader()}


def create_reader():
    """The operator who runs `failoverctl report`: an IAM user allowed dynamodb:GetItem and nothing else (the report reads the
    readiness plans and the run index, one item each)."""
    iam = client("iam", "us-east-1")
    iam.create_user(UserName="drill-reader")
    iam.put_user_policy(UserName="drill-reader", PolicyName="read-items", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="drill-reader")["AccessKey"]
    return {"accessKeyId": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"]}


# ------------------------------------------------------------------------------------------------------- global table

REPLICATED = ("state", "flag")
# The decision log's run index: one item both stacks' release-lock keep, in a global table too.
REPLICATED_LOG = ("runs",)


def leave_healthy(spec, world, stack_name, count):
    """A crowded region: only `count` targets stay registered (healthy) in the stack's target group."""
    made = world["stacks"][stack_name]
    elbv2 = client("elbv2", spec["stacks"][stack_name]["region"])
    targets = elbv2.describe_target_health(TargetGroupArn=made["targetGroupArn"])["TargetHealthDescriptions"]
    extra = [{"Id": t["Target"]["Id"], "Port": t["Target"]["Port"]} for t in targets[int(count):]]
    if extra:
        elbv2.deregister_targets(TargetGroupArn=made["targetGroupArn"], Targets=extra)
    return {"left": min(len(targets), int(count))}


def set_flag(spec, mode, reason):
    """An operator's override, as `failoverctl flag` writes it, in every region's replica."""
    for region in spec["regions"]:
        client("dynamodb", region).put_item(TableName=spec["tables"]["control"], Item={
            "pk": {"S": "flag"}, "mode": {"S": mode}, "reason": {"S": reason}, "setBy": {"S": "drill"}})
    return {"mode": mode}


def replicate(spec, source, target):
    """What the global tables' replication does, by hand: the items the workflow's region wrote, copied whole to the
    other region's replica (last writer wins); an item deleted in the source is deleted in the target."""
    src, dst = client("dynamodb", source), client("dynamodb", target)
    tables = spec["tables"]
    copied = []
    for table, keys in ((tables["control"], REPLICATED), (tables.get("decisions") or tables["control"], REPLICATED_LOG)):
        for key in keys:
            found = src.get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True).get("Item")
            if found:
                dst.put_item(TableName=table, Item=found)
                copied.append(key)
            else:
                dst.delete_item(TableName=table, Key={"pk": {"S": key}})
    return {"copied": copied}


def put_everywhere(spec, table, item):
    """An item as a deploy writes it into a global table (a readiness plan): in every region's replica."""
    for region in spec["regions"]:
        client("dynamodb", region).put_item(TableName=table, Item=item)
    return {"ok": True}


def metrics(region, namespace, minutes):
    """Every metric of `namespace` in `region` with its latest value over the last `minutes`: what a function published."""
    import datetime
    cloudwatch = client("cloudwatch", region)
    end = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=1)
    found = []
    for metric in cloudwatch.list_metrics(Namespace=namespace)["Metrics"]:
        points = cloudwatch.get_metric_statistics(
            Namespace=namespace, MetricName=metric["MetricName"], Dimensions=metric["Dimensions"], StartTime=end - datetime.timedelta(minutes=minutes),
            EndTime=end, Period=60, Statistics=["Maximum"])["Datapoints"]
        latest = max(points, key=lambda p: p["Timestamp"]) if points else None
        found.append({"name": metric["MetricName"], "dimensions": {d["Name"]: d["Value"] for d in metric["Dimensions"]},
                      "value": latest["Maximum"] if latest else None})
    return found


def start_execution(region, machine, name):
    """The run Step Functions would have started: decide asks Step Functions which state machine runs it and whether it still
    runs, so the drill registers each execution it drives (moto keeps it RUNNING) under the compiled machine's name."""
    sfn = client("stepfunctions", region)
    account = _ADMIN["arn"].split(":")[4]
    machine_arn = f"arn:aws:states:{region}:{account}:stateMachine:{machine}"
    try:
        sfn.describe_state_machine(stateMachineArn=machine_arn)
    except sfn.exceptions.StateMachineDoesNotExist:
        sfn.create_state_machine(name=machine, roleArn=f"arn:aws:iam::{account}:role/drill-workflow",
                                 definition=json.dumps({"StartAt": "Run", "States": {"Run": {"Type": "Pass", "End": True}}}))
    return {"arn": sfn.start_execution(stateMachineArn=machine_arn, name=name, input="{}")["executionArn"]}


def forge_lock(spec, region, owner, lease_seconds):
    """A lock written by hand, as anyone with dynamodb:UpdateItem on the table could before its resource policy: an owner and a
    lease, leaving the state's other attributes alone."""
    import time
    client("dynamodb", region).update_item(
        TableName=spec["tables"]["control"], Key={"pk": {"S": "state"}},
        UpdateExpression="SET lockOwner = :owner, lockTokenHash = :hash, lockAction = :action, lockLeaseExpiresAt = :lease",
        ExpressionAttributeValues={":owner": {"S": owner}, ":hash": {"S": "forged"}, ":action": {"S": "failover"},
                                   ":lease": {"N": str(int(time.time()) + int(lease_seconds))}})
    return {"ok": True}


def stop_execution(arn):
    """The run has ended: its lock, if it still held one, is no lock any more."""
    client("stepfunctions", arn.split(":")[3]).stop_execution(executionArn=arn)
    return {"ok": True}


# ------------------------------------------------------------------------------------------------------------- observe

def plain(value):
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return inner
    if kind == "N":
        return int(inner) if inner.lstrip("-").isdigit() else float(inner)
    if kind == "BOOL":
        return inner
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: plain(v) for k, v in inner.items()}
    if kind == "L":
        return [plain(v) for v in inner]
    if kind == "SS":
        return list(inner)
    return inner


def item(table, region, key):
    found = client("dynamodb", region).get_item(TableName=table, Key={"pk": {"S": key}}, ConsistentRead=True).get("Item")
    return {k: plain(v) for k, v in found.items()} if found else None


def drain(queue_url, region):
    """Every notification delivered to the queue since the last drain, oldest first."""
    sqs = client("sqs", region)
    messages = []
    while True:
        got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not got:
            break
        for message in got:
            envelope = json.loads(message["Body"])
            try:
                body = json.loads(envelope.get("Message", ""))
            except ValueError:
                body = {"unreadable": envelope.get("Message")}
            messages.append({"subject": envelope.get("Subject"), "topicArn": envelope.get("TopicArn"), "message": body})
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return messages


def gate_position(gate, made, route53):
    """Where a gate stands, read as Route 53 reads it: a metric gate from its metric's latest data point in the switch region
    (1 closed, 0 open, none: never moved, open), a route53-api gate from its inversion. `inverted`: the record is held off."""
    if gate["kind"] != "metric":
        config = route53.get_health_check(HealthCheckId=made["gateId"])["HealthCheck"]
        return {"id": made["gateId"], "inverted": bool(config["HealthCheckConfig"].get("Inverted", False)), "version": config.get("HealthCheckVersion")}
    points = aligned_points(client("cloudwatch", gate["region"]), gate["namespace"])
    return {"id": made["gateId"], "namespace": gate["namespace"], "region": gate["region"], "published": len(points),
            "inverted": bool(points and points[-1] >= 1)}


def observe(spec, world):
    """A snapshot of everything the scenarios assert on, read with the admin's credentials."""
    route53 = client("route53", "us-east-1")
    snapshot = {"gates": {}, "services": {}, "scalableTargets": {}, "state": {}, "flag": {}, "decisions": {}, "runs": {}, "messages": {}}
    for name, stack in spec["stacks"].items():
        made = world["stacks"][name]
        region = stack["region"]
        snapshot["gates"][name] = gate_position(stack.get("gate", {"kind": "route53-api"}), made, route53)
        found = client("ecs", region).describe_services(cluster=stack["cluster"], services=[stack["service"]])["services"][0]
        snapshot["services"][name] = {"desired": found["desiredCount"], "running": found["runningCount"]}
        target = client("application-autoscaling", region).describe_scalable_targets(
            ServiceNamespace="ecs", ResourceIds=[made["scalableTargetResourceId"]])["ScalableTargets"][0]
        snapshot["scalableTargets"][name] = {"min": target["MinCapacity"], "max": target["MaxCapacity"]}
        snapshot["messages"][name] = drain(made["queueUrl"], region)
    tables = spec["tables"]
    for region in spec["regions"]:
        snapshot["state"][region] = item(tables["control"], region, "state")
        snapshot["flag"][region] = item(tables["control"], region, "flag")
        log = tables.get("decisions") or tables["control"]
        items = client("dynamodb", region).scan(TableName=log)["Items"]
        snapshot["decisions"][region] = sorted(({k: plain(v) for k, v in i.items()} for i in items if i["pk"]["S"].startswith("decision#")),
                                               key=lambda i: i.get("decidedAt", ""))
        # The run index release-lock keeps beside the decisions (recent, lastSucceededDrill: JSON text, as stored).
        snapshot["runs"][region] = item(log, region, "runs")
    return snapshot


# --------------------------------------------------------------------------------------------------------------- serve

def serve():
    """One long-lived process per world: boto3 is imported once, not once per question."""
    state = {}
    for line in sys.stdin:
        command, *args = json.loads(line)
        try:
            if command == "setup":
                state["spec"] = args[0]
                state["world"] = setup(args[0])
                result = state["world"]
            elif command == "leave-healthy":
                result = leave_healthy(state["spec"], state["world"], *args)
            elif command == "replicate":
                result = replicate(state["spec"], *args)
            elif command == "put-everywhere":
                result = put_everywhere(state["spec"], *args)
            elif command == "metrics":
                result = metrics(*args)
            elif command == "set-flag":
                result = set_flag(state["spec"], *args)
            elif command == "item":
                result = item(state["spec"]["tables"]["control"], *args)
            elif command == "start-execution":
                result = start_execution(*args)
            elif command == "forge-lock":
                result = forge_lock(state["spec"], *args)
            elif command == "stop-execution":
                result = stop_execution(*args)
            elif command == "observe":
                result = observe(state["spec"], state["world"])
            else:
                raise ValueError(f"unknown command {command}")
            answer = {"result": result}
        except Exception as error:  # reported to the drill, which records it as a finding
            answer = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer, default=str), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "moto":
        run_moto(sys.argv[2])
    elif sys.argv[1] == "serve":
        serve()
    else:
        sys.exit(f"usage: {sys.argv[0]} moto PORT | serve")
