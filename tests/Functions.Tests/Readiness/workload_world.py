"""Arranges, with boto3 (an independent AWS client), the two services the workload readiness checks compare, in one moto server.

    MOTO_URL=http://127.0.0.1:PORT python3 workload_world.py '{"images": [...], "sides": [...], "usage": [...]}'

images: pushed to ECR ({region, repository, tag, variant}: one variant, one manifest, one digest). sides: one cluster, task
definition and service each ({region, cluster, service, desired, cpu, memory, containers: [{name, image, ports, environment,
secrets: [{name, store: secretsmanager|ssm, id, region, create, byArn}]}]}). usage: AWS/Usage Fargate vCPU data points
({region, value}). Prints the secrets' valueFrom by name.
"""
import datetime
import hashlib
import json
import os
import sys

import boto3

ACCOUNT = "123456789012"
USAGE_DIMENSIONS = [{"Name": "Service", "Value": "Fargate"}, {"Name": "Type", "Value": "Resource"},
                    {"Name": "Resource", "Value": "vCPU"}, {"Name": "Class", "Value": "Standard/OnDemand"}]


def client(service, region):
    return boto3.client(service, region_name=region, endpoint_url=os.environ["MOTO_URL"],
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def push(image):
    ecr = client("ecr", image["region"])
    try:
        ecr.create_repository(repositoryName=image["repository"])
    except ecr.exceptions.RepositoryAlreadyExistsException:
        pass
    layer = "sha256:" + hashlib.sha256(image["variant"].encode()).hexdigest()
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1, "digest": layer},
                "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1, "digest": layer}]}
    ecr.put_image(repositoryName=image["repository"], imageManifest=json.dumps(manifest), imageTag=image["tag"])


def value_from(secret):
    region, name = secret["region"], secret["id"]
    if secret["store"] == "secretsmanager":
        if secret.get("create", True):
            return client("secretsmanager", region).create_secret(Name=name, SecretString="s3cret")["ARN"]
        return f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{name}-AbCdEf"
    if secret.get("create", True):
        client("ssm", region).put_parameter(Name=name, Value="s3cret", Type="SecureString")
    return f"arn:aws:ssm:{region}:{ACCOUNT}:parameter/{name.lstrip('/')}" if secret.get("byArn", True) else name


def side(spec):
    region = spec["region"]
    ec2 = client("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.0.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="service", Description="service", VpcId=vpc)["GroupId"]
    ecs = client("ecs", region)
    ecs.create_cluster(clusterName=spec["cluster"])
    value_froms = {}
    containers = []
    for container in spec["containers"]:
        secrets = []
        for secret in container["secrets"]:
            value_froms[f"{region}:{secret['name']}"] = value_from(secret)
            secrets.append({"name": secret["name"], "valueFrom": value_froms[f"{region}:{secret['name']}"]})
        containers.append({"name": container["name"], "image": container["image"], "essential": True,
                           "portMappings": [{"containerPort": p, "protocol": "tcp"} for p in container["ports"]],
                           # Values differ by region, as real ones do (endpoints, ARNs): the checks compare names only.
                           "environment": [{"name": n, "value": f"{n.lower()}-{region}"} for n in container["environment"]],
                           "secrets": secrets})
    ecs.register_task_definition(family=spec["service"], networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                 cpu=spec["cpu"], memory=spec["memory"], containerDefinitions=containers)
    ecs.create_service(cluster=spec["cluster"], serviceName=spec["service"], taskDefinition=spec["service"], desiredCount=spec["desired"],
                       launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}})
    return value_froms


def arrange(spec):
    for image in spec.get("images", []):
        push(image)
    value_froms = {}
    for each in spec["sides"]:
        value_froms.update(side(each))
    for usage in spec.get("usage", []):
        client("cloudwatch", usage["region"]).put_metric_data(Namespace="AWS/Usage", MetricData=[{
            "MetricName": "ResourceCount", "Dimensions": USAGE_DIMENSIONS, "Value": usage["value"], "Unit": "None",
            "Timestamp": datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=usage.get("minutesAgo", 2))}])
    return {"valueFrom": value_froms}


if __name__ == "__main__":
    print(json.dumps(arrange(json.loads(sys.argv[1]))))
