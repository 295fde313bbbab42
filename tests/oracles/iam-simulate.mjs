// Simulates what every role of compiled Pulumi YAML programs may and may not do, with @cloud-copilot/iam-simulate (AWS's
// policy evaluation logic: action and resource matching, wildcards, conditions, trust policies as resource policies).
//
// Each role gets an allow/deny matrix built from what the program says the role is for, never from its policy: the
// function's environment (the table, service, health check and alarms its handler calls), the workflow definition (the
// functions it invokes, the topic it publishes to, the recovery tasks it runs), the stack outputs (the primary's gate and
// endpoint check), and who assumes the role (Lambda, Step Functions with its state machine's ARN, ECS tasks). The policies
// are then evaluated with their references replaced by concrete fake values that follow the compiler's naming:
// `${partition}` is aws, `${account-id}` 123456789012, `${x.name}` the resource's `name` (a `namePrefix` plus a fake suffix), `${x.arn}` the
// documented ARN format of x's type built from that name, health check ids fake UUIDs, `${deployer-arn}` (the role whose session
// runs `pulumi up`, the issuer of getSessionContext) a fake role, and a secondary's
// `${primary-stack.outputs["..."]}` what the primary program among the inputs exports (same naming prefix and table
// consistency): pass the primary with its secondary.
//
// A finding is a matrix row whose simulated decision differs from the expectation, or a row that cannot be built.
//
//   node iam-simulate.mjs [--json] [--sizes] [--rows] program.yaml...
//
// --json prints {file: [findings]} like the other oracles; --sizes adds, under the key "--sizes", one line per file:
// "ROWS FILE" (the matrix size), so a caller that reads results by argument gets the sizes too; --rows prints every row
// with its simulated decision (text mode), to read the matrix itself.
import crypto from "node:crypto";
import fs from "node:fs";
import YAML from "yaml";
import { runSimulation } from "@cloud-copilot/iam-simulate";

const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "210987654321";
const SIZES = "--sizes";
/// The role whose session deploys: what getSessionContext's issuerArn names.
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/deployer`;

const args = process.argv.slice(2);
const json = args.includes("--json");
const sizes = args.includes(SIZES);
const showRows = args.includes("--rows");
const files = args.filter(a => !a.startsWith("--"));
if (files.length === 0) {
  console.error("usage: node iam-simulate.mjs [--json] [--sizes] [--rows] program.yaml...");
  process.exit(2);
}

const list = v => v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
const hash = (text, length) => crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
const fakeUuid = key => { const h = hash(key, 32); return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`; };
/// The resource name x of a reference `${x.PROP}` as the program writes it, or undefined.
const refTo = (value, prop) => typeof value === "string" ? value.match(new RegExp(`^\\$\\{([A-Za-z0-9_-]+)\\.${prop}\\}$`))?.[1] : undefined;

/// One compiled program, with the fake values its references resolve to.
class Program {
  constructor(file, doc) {
    this.file = file;
    this.project = doc.name;
    this.resources = doc.resources ?? {};
    this.outputs = doc.outputs ?? {};
    this.variables = doc.variables ?? {};
    this.primary = undefined; // the primary program a secondary's StackReference reads
    this.secondary = undefined; // a secondary that reads this primary
  }

  get role() { return this.outputs.role; }
  get region() {
    if (typeof this.outputs.region !== "string") throw new Error("the program exports no region");
    return this.outputs.region;
  }
  get peerRegion() { return this.outputs.peerRegion; }
  get consistency() { return this.outputs.controlTableConsistency; }
  of(type) { return Object.entries(this.resources).filter(([, r]) => r.type === type); }
  /// The naming prefix: the cluster carries it as its name (`failover-primary`).
  get prefix() { const [cluster] = this.of("aws:ecs/cluster:Cluster"); return cluster ? this.resolve(cluster[1].properties.name) : undefined; }
  get stackReference() { return this.of("pulumi:pulumi:StackReference")[0]; }
  /// The prefix of the stack a StackReference names: org/project/stack → project-stack.
  get peerPrefix() {
    const reference = this.stackReference;
    if (!reference) return undefined;
    const parts = String(reference[1].properties.name).split("/");
    return `${parts.length === 3 ? parts[1] : this.project}-${parts.at(-1)}`;
  }

  resource(name) {
    const r = this.resources[name];
    if (!r) throw new Error(`no resource '${name}'`);
    return r;
  }

  /// Text with every `${...}` replaced by its fake value.
  resolve(text) {
    if (typeof text !== "string") throw new Error(`expected text, got ${JSON.stringify(text)}`);
    return text.replace(/\$\$|\$\{([^}]+)\}/g, (m, expr) => m === "$$" ? "$" : this.value(expr));
  }

  /// A JSON structure (a policy document) with every string resolved.
  resolveDeep(value) {
    if (typeof value === "string") return this.resolve(value);
    if (Array.isArray(value)) return value.map(v => this.resolveDeep(v));
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolveDeep(v)]));
    return value;
  }

  value(expr) {
    if (expr === "partition") return "aws";
    if (expr === "account-id") return ACCOUNT;
    if (this.variables[expr]) return this.variable(expr);
    const output = expr.match(/^([A-Za-z0-9_-]+)\.outputs\["([^"]+)"\]$/);
    if (output) {
      if (this.resource(output[1]).type !== "pulumi:pulumi:StackReference") throw new Error(`${output[1]} is not a StackReference`);
      if (!this.primary) throw new Error(`${expr}: no primary program among the inputs has the prefix ${this.peerPrefix} and ${this.consistency} consistency; pass it too`);
      const exported = this.primary.outputs[output[2]];
      if (typeof exported !== "string") throw new Error(`${expr}: the primary exports no text output ${output[2]}`);
      return this.primary.resolve(exported);
    }
    const attribute = expr.match(/^([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)$/);
    if (!attribute) throw new Error(`no fake value for \${${expr}}`);
    const [, name, prop] = attribute;
    const r = this.resource(name);
    if (prop === "name") return this.nameOf(name);
    if (prop === "arn") return this.arnOf(name);
    if (prop === "id" && r.type === "aws:route53/healthCheck:HealthCheck") return fakeUuid(`${this.prefix}/${name}`);
    if (prop === "id" && r.type === "aws:iam/role:Role") return this.nameOf(name);
    if (prop === "resourceId" && typeof r.properties?.resourceId === "string") return this.resolve(r.properties.resourceId);
    // A load balancer's DNS name only ever reaches a probe URL, never a policy: any name of the documented shape will do.
    if (prop === "dnsName" && r.type === "aws:lb/loadBalancer:LoadBalancer") return `${this.prefix}-${name}-0123456789.${this.regionOf(name)}.elb.amazonaws.com`;
    throw new Error(`no fake value for \${${expr}} (${r.type})`);
  }

  /// A top-level variable read from the account at deploy: only those the policies name have a fake value.
  variable(name) {
    const invoke = this.variables[name]?.["fn::invoke"];
    if (invoke?.function === "aws:iam/getSessionContext:getSessionContext" && invoke.return === "issuerArn") return DEPLOYER;
    throw new Error(`no fake value for the variable \${${name}}`);
  }

  nameOf(name) {
    const p = this.resource(name).properties ?? {};
    if (typeof p.name === "string") return this.resolve(p.name);
    // What the provider appends to a namePrefix: 26 digits.
    if (typeof p.namePrefix === "string") return this.resolve(p.namePrefix) + "2026" + BigInt(`0x${hash(name, 16)}`).toString().padStart(22, "0").slice(0, 22);
    // Neither: Pulumi autonames it from the logical name and a random suffix.
    return `${name}-${hash(name, 7)}`;
  }

  regionOf(name) {
    const provider = String(this.resource(name).options?.provider ?? "").match(/^\$\{([A-Za-z0-9_-]+)\}$/)?.[1];
    return provider ? this.resource(provider).properties.region : this.region;
  }

  arnOf(name) {
    const r = this.resource(name);
    const region = this.regionOf(name);
    const at = service => `arn:aws:${service}:${region}:${ACCOUNT}`;
    switch (r.type) {
      case "aws:cloudwatch/logGroup:LogGroup": return `${at("logs")}:log-group:${this.nameOf(name)}`;
      case "aws:ecs/cluster:Cluster": return `${at("ecs")}:cluster/${this.nameOf(name)}`;
      // A family's revision: a fixed fake number (the ARN Pulumi exports is of the revision it registered).
      case "aws:ecs/taskDefinition:TaskDefinition": return `${at("ecs")}:task-definition/${this.resolve(r.properties.family)}:3`;
      case "aws:ecs/service:Service": {
        const cluster = this.resolve(r.properties.cluster);
        return `${at("ecs")}:service/${cluster.startsWith("arn:") ? cluster.split("/").at(-1) : cluster}/${this.nameOf(name)}`;
      }
      case "aws:appautoscaling/target:Target": return `${at("application-autoscaling")}:scalable-target/0${hash(`${this.prefix}/${name}`, 35)}`;
      case "aws:cloudwatch/metricAlarm:MetricAlarm": return `${at("cloudwatch")}:alarm:${this.nameOf(name)}`;
      case "aws:lambda/function:Function": return `${at("lambda")}:function:${this.nameOf(name)}`;
      case "aws:sns/topic:Topic": return `${at("sns")}:${this.nameOf(name)}`;
      case "aws:sfn/stateMachine:StateMachine": return `${at("states")}:stateMachine:${this.nameOf(name)}`;
      case "aws:dynamodb/table:Table": return `${at("dynamodb")}:table/${this.nameOf(name)}`;
      case "aws:iam/role:Role": return `arn:aws:iam::${ACCOUNT}:role/${this.nameOf(name)}`;
      case "aws:lb/targetGroup:TargetGroup": return `${at("elasticloadbalancing")}:targetgroup/${this.nameOf(name)}/${hash(name, 16)}`;
      case "aws:lb/loadBalancer:LoadBalancer": return `${at("elasticloadbalancing")}:loadbalancer/app/${this.nameOf(name)}/${hash(name, 16)}`;
      case "aws:route53/healthCheck:HealthCheck": return `arn:aws:route53:::healthcheck/${this.value(`${name}.id`)}`;
      case "aws:kms/key:Key": return `${at("kms")}:key/${fakeUuid(`${this.prefix}/${name}`)}`;
      // ARC's ARNs name no region: the routing control within its control panel (AWS's documented format).
      case "aws:route53recoverycontrol/routingControl:RoutingControl": {
        const panel = refTo(r.properties.controlPanelArn, "arn");
        if (!panel) throw new Error(`${name} names no control panel of this program`);
        return `arn:aws:route53-recovery-control::${ACCOUNT}:controlpanel/${hash(`${this.prefix}/${panel}`, 32)}/routingcontrol/${hash(`${this.prefix}/${name}`, 16)}`;
      }
      case "aws:sqs/queue:Queue": return `${at("sqs")}:${this.nameOf(name)}`;
      case "aws:cloudwatch/eventRule:EventRule": return `${at("events")}:rule/${this.nameOf(name)}`;
      case "aws:scheduler/scheduleGroup:ScheduleGroup": return `${at("scheduler")}:schedule-group/${this.nameOf(name)}`;
      default: throw new Error(`no fake ARN for ${name} (${r.type}): add its documented format to arnOf in iam-simulate.mjs`);
    }
  }

  /// The outputs the primary exports (its own, or the paired primary's for a secondary), resolved.
  primaryOutput(key, optional = false) {
    const primary = this.role === "primary" ? this : this.primary;
    if (!primary) throw new Error(`no primary program among the inputs to read ${key} from (prefix ${this.peerPrefix}, ${this.consistency} consistency); pass it too`);
    if (optional && primary.outputs[key] === undefined) return undefined;
    return primary.resolve(primary.outputs[key]);
  }
}

const tableArn = (region, name) => `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${name}`;
const healthCheckArn = id => `arn:aws:route53:::healthcheck/${id}`;
const ecsServiceArn = (region, cluster, service) => `arn:aws:ecs:${region}:${ACCOUNT}:service/${cluster}/${service}`;
const stream = logGroupArn => `${logGroupArn}:log-stream:2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef`;
const ECS_DESIRED_COUNT = { "application-autoscaling:service-namespace": "ecs", "application-autoscaling:scalable-dimension": "ecs:service:DesiredCount" };
const OTHER_DIMENSION = { "application-autoscaling:service-namespace": "dynamodb", "application-autoscaling:scalable-dimension": "dynamodb:table:WriteCapacityUnits" };

/// The rows of one role: what is expected (allowed or denied) for an action on a resource, with the request's context keys
/// and why; trust rows ask whether a principal may assume the role.
class Matrix {
  constructor() { this.rows = []; }
  allow(action, resource, why, context = {}) { this.rows.push({ expect: "allowed", action, resource, why, context }); return this; }
  deny(action, resource, why, context = {}) { this.rows.push({ expect: "denied", action, resource, why, context }); return this; }
  /// `identity`: the caller's own policies (same-account trust through the account root needs them to allow it too).
  trust(expect, principal, why, context, identity = []) { this.rows.push({ expect, action: "sts:AssumeRole", principal, why, context, trust: true, identity }); return this; }
}

/// Every role of the program: its identity policies, its trust policy, and what uses it.
function roles(program) {
  const found = [];
  for (const [name, role] of program.of("aws:iam/role:Role")) {
    const uses = [];
    for (const [user, r] of Object.entries(program.resources)) {
      const p = r.properties ?? {};
      if (r.type === "aws:lambda/function:Function" && refTo(p.role, "arn") === name) uses.push({ kind: "function", name: user });
      if (r.type === "aws:sfn/stateMachine:StateMachine" && refTo(p.roleArn, "arn") === name) uses.push({ kind: "workflow", name: user });
      if (r.type === "aws:ecs/taskDefinition:TaskDefinition" && refTo(p.executionRoleArn, "arn") === name) uses.push({ kind: "task-execution", name: user });
      if (r.type === "aws:ecs/taskDefinition:TaskDefinition" && refTo(p.taskRoleArn, "arn") === name) uses.push({ kind: "task", name: user });
      if (r.type === "aws:cloudwatch/eventTarget:EventTarget" && refTo(p.roleArn, "arn") === name) uses.push({ kind: "rule-target", name: user });
      if (r.type === "aws:scheduler/schedule:Schedule" && refTo(p.target?.roleArn, "arn") === name) uses.push({ kind: "schedule", name: user });
    }
    // The operator role: people assume it (its trust names the account), so its job is read from its fixed name.
    if (String(role.properties?.name ?? "").endsWith("-operator")) uses.push({ kind: "operator", name });
    const policies = program.of("aws:iam/rolePolicy:RolePolicy")
      .filter(([, r]) => refTo(r.properties?.role, "id") === name || refTo(r.properties?.role, "name") === name)
      .map(([policy, r]) => ({ name: policy, document: r.properties.policy?.["fn::toJSON"] }));
    const attachments = Object.entries(program.resources)
      .filter(([, r]) => /PolicyAttachment/.test(r.type) && [refTo(r.properties?.role, "id"), refTo(r.properties?.role, "name")].includes(name))
      .map(([n]) => n);
    found.push({ name, label: name.replace(/-role$/, ""), role, uses, policies, attachments });
  }
  return found;
}

function functionRows(program, m, fnName, fns) {
  const fn = program.resource(fnName);
  const p = fn.properties;
  const region = program.regionOf(fnName);
  // The hosted zone's name servers (a deploy-time list): decide asks them over DNS, which no policy governs.
  const env = Object.fromEntries(Object.entries(p.environment?.variables ?? {}).filter(([k]) => k !== "HEALTH_ANSWER_NAME_SERVERS")
    .map(([k, v]) => [k, program.resolve(v)]));
  const need = key => { if (!env[key]) throw new Error(`${fnName} has no ${key} in its environment`); return env[key]; };
  const logGroupOf = name => {
    const group = refTo(program.resource(name).properties.loggingConfig?.logGroup, "name");
    if (!group) throw new Error(`${name} names no log group resource in loggingConfig.logGroup`);
    return program.arnOf(group);
  };

  // Every function: its own log streams, no log group creation, nobody else's logs.
  const own = logGroupOf(fnName);
  m.allow("logs:CreateLogStream", stream(own), "its own log group's streams")
    .allow("logs:PutLogEvents", stream(own), "its own log group's streams")
    .deny("logs:CreateLogGroup", own, "Pulumi creates the log group")
    .deny("logs:CreateLogGroup", `arn:aws:logs:${region}:${ACCOUNT}:log-group:/aws/lambda/another-function`, "no log group creation at all")
    .deny("logs:DeleteLogGroup", own, "the log group is Pulumi's")
    .allow("xray:PutTraceSegments", "*", "active tracing");
  for (const other of fns.filter(f => f !== fnName)) m.deny("logs:PutLogEvents", stream(logGroupOf(other)), `another function's log group (${other})`);
  for (const [group] of program.of("aws:cloudwatch/logGroup:LogGroup"))
    if (!fns.some(f => refTo(program.resource(f).properties.loggingConfig?.logGroup, "name") === group))
      m.deny("logs:PutLogEvents", stream(program.arnOf(group)), `a log group that is not a function's (${group})`);

  const primaryGate = () => program.primaryOutput("gateHealthCheckId");
  const primaryEndpoint = () => program.primaryOutput("endpointHealthCheckId");
  const randomCheck = fakeUuid(`${program.file}/random`);
  switch (p.handler) {
    case "shift-traffic": {
      for (const [record, r] of program.of("aws:route53/record:Record"))
        m.deny("route53:ChangeResourceRecordSets", `arn:aws:route53:::hostedzone/${program.resolve(r.properties.zoneId)}`, `the zone of ${record}: traffic moves by the gate only`);
      m.deny("route53:UpdateHealthCheck", healthCheckArn(primaryEndpoint()), "the primary's endpoint check is evidence, not a gate")
        .deny("route53:UpdateHealthCheck", healthCheckArn(randomCheck), "a health check it does not own");
      if (need("TRAFFIC_GATE_MODE") === "arc") {
        // Both directions move the primary's routing control, the one the primary exports; nothing else on the cluster.
        const control = need("ROUTING_CONTROL_ARN");
        const primaryControl = program.primaryOutput("arcPrimaryRoutingControlArn");
        if (control !== primaryControl) throw new Error(`shift-traffic moves ${control}, not the primary's routing control ${primaryControl}`);
        const secondaryControl = program.primaryOutput("arcSecondaryRoutingControlArn");
        const panel = control.slice(0, control.indexOf("/routingcontrol/"));
        m.allow("route53-recovery-cluster:GetRoutingControlState", control, "reads the primary's routing control")
          .allow("route53-recovery-cluster:UpdateRoutingControlState", control, "turns the primary's routing control Off (failover) or On (failback)")
          .deny("route53-recovery-cluster:UpdateRoutingControlState", secondaryControl, "the secondary's routing control: the workflow never moves it")
          .deny("route53-recovery-cluster:UpdateRoutingControlState", `${panel}/routingcontrol/0123456789abcdef`, "another routing control on the same panel")
          .deny("route53-recovery-cluster:UpdateRoutingControlStates", control, "one control at a time: no batch, no safety-rule override")
          .deny("route53:UpdateHealthCheck", healthCheckArn(program.value("traffic-gate.id")), "an arc gate moves by its routing control, never by its health check");
        break;
      }
      if (need("TRAFFIC_GATE_MODE") === "metric") {
        // PutMetricData has no resource: each grant is one gate's namespace in the region that holds its switch.
        const gates = [[need("PRIMARY_GATE_NAMESPACE"), need("PRIMARY_GATE_REGION")]];
        if (env.SECONDARY_GATE_NAMESPACE) gates.push([env.SECONDARY_GATE_NAMESPACE, need("SECONDARY_GATE_REGION")]);
        const publish = (namespace, region) => ({ "cloudwatch:namespace": namespace, "aws:RequestedRegion": region });
        for (const [namespace, region] of gates) {
          m.allow("cloudwatch:PutMetricData", "*", `moves the gate ${namespace} where its switch lives`, publish(namespace, region))
            .deny("cloudwatch:PutMetricData", "*", "the same gate's metric in another region, where no alarm reads it", publish(namespace, "eu-central-1"));
        }
        for (const region of new Set(gates.map(([, r]) => r))) {
          if (!gates.some(([n, r]) => r === region && n.endsWith("/failover-secondary")))
            m.deny("cloudwatch:PutMetricData", "*", "another gate's metric in this region", publish("Failover/TrafficGate/failover-secondary", region));
          m.deny("cloudwatch:PutMetricData", "*", "the load balancer's metrics: a forged data point would trip a health alarm", publish("AWS/ApplicationELB", region))
            .deny("cloudwatch:PutMetricData", "*", "Container Insights' metrics: a forged data point would trip a health alarm", publish("ECS/ContainerInsights", region));
        }
        m.deny("route53:UpdateHealthCheck", healthCheckArn(program.value("traffic-gate.id")), "a metric gate moves by its metric, never by its health check");
        break;
      }
      const gate = need("GATE_HEALTH_CHECK_ID");
      for (const id of new Set([gate, primaryGate()])) {
        m.allow("route53:GetHealthCheck", healthCheckArn(id), "reads the primary's traffic gate and its version")
          .allow("route53:UpdateHealthCheck", healthCheckArn(id), "flips the primary's traffic gate");
      }
      m.deny("route53:DeleteHealthCheck", healthCheckArn(gate), "it flips the gate, never removes it");
      for (const [check] of program.of("aws:route53/healthCheck:HealthCheck")) {
        const id = program.value(`${check}.id`);
        if (id !== gate) m.deny("route53:UpdateHealthCheck", healthCheckArn(id), `another health check of this stack (${check})`);
      }
      break;
    }
    case "scale-service": {
      const cluster = need("CLUSTER_NAME");
      const service = need("SERVICE_NAME");
      const serviceRegion = env.SERVICE_REGION ?? region;
      const otherRegion = serviceRegion === program.region ? program.peerRegion : program.region;
      const mine = ecsServiceArn(serviceRegion, cluster, service);
      const standby = serviceRegion !== region;
      m.allow("ecs:DescribeServices", mine, "reads the service it scales")
        .allow("ecs:UpdateService", mine, "sets the service's desired count")
        .deny("ecs:UpdateService", ecsServiceArn(serviceRegion, cluster, "another-service"), "another service in the same cluster")
        .deny("ecs:UpdateService", ecsServiceArn(serviceRegion, "another-cluster", service), "the same service name in another cluster")
        .deny("ecs:UpdateService", ecsServiceArn(otherRegion, cluster, service), "the same cluster and service in the other region")
        .deny("ecs:DeleteService", mine, "scales, never deletes")
        .allow("application-autoscaling:DescribeScalableTargets", "*", "reads the bounds (no resource type)");
      // Services of this program it does not address, and (for the standby scaler) the secondary's service from its program.
      for (const [svc] of program.of("aws:ecs/service:Service")) {
        const arn = program.arnOf(svc);
        if (arn !== mine) m.deny("ecs:UpdateService", arn, `this stack's own service (${svc}) is not the one it scales`);
      }
      // The peer stack's service, as the peer's own program names it: the one the standby scaler must reach, otherwise denied.
      const peer = program.primary ?? program.secondary;
      for (const [svc] of peer?.of("aws:ecs/service:Service") ?? []) {
        const arn = peer.arnOf(svc);
        if (arn === mine) m.allow("ecs:UpdateService", arn, "the secondary's service, as the secondary's program names it");
        else m.deny("ecs:UpdateService", arn, `the ${peer.role}'s service, as its program names it`);
      }
      if (standby && !peer?.of("aws:ecs/service:Service").some(([svc]) => peer.arnOf(svc) === mine) && peer)
        throw new Error(`${fnName} scales ${mine}, which is not the service of the ${peer.role} program among the inputs`);
      const resourceId = `service/${cluster}/${service}`;
      const targetIn = prog => prog.of("aws:appautoscaling/target:Target").find(([t]) => prog.value(`${t}.resourceId`) === resourceId)?.[0];
      const otherTarget = `arn:aws:application-autoscaling:${otherRegion}:${ACCOUNT}:scalable-target/0${hash(`${program.file}/other`, 35)}`;
      if (!standby) {
        const target = targetIn(program);
        if (!target) throw new Error(`${fnName}: no scalable target with resource id ${resourceId}`);
        m.allow("application-autoscaling:RegisterScalableTarget", program.arnOf(target), "moves its service's scaling floor", ECS_DESIRED_COUNT)
          .deny("application-autoscaling:RegisterScalableTarget", otherTarget, "a scalable target in the other region", ECS_DESIRED_COUNT)
          .deny("application-autoscaling:DeregisterScalableTarget", program.arnOf(target), "moves the floor, never removes the target");
      } else {
        // The secondary's target has a generated id: the grant is a pattern, held to ECS desired counts by conditions.
        const fake = `arn:aws:application-autoscaling:${serviceRegion}:${ACCOUNT}:scalable-target/0${hash(`${program.file}/standby`, 35)}`;
        const theirs = program.secondary && targetIn(program.secondary);
        for (const arn of [fake, ...(theirs ? [program.secondary.arnOf(theirs)] : [])]) {
          m.allow("application-autoscaling:RegisterScalableTarget", arn, "the secondary's floor: ECS desired count in the peer region", ECS_DESIRED_COUNT)
            .deny("application-autoscaling:RegisterScalableTarget", arn, "another scalable dimension in the peer region", OTHER_DIMENSION)
            .deny("application-autoscaling:RegisterScalableTarget", arn, "a request that names no ECS dimension");
        }
        m.deny("application-autoscaling:RegisterScalableTarget", otherTarget, "a scalable target in this (the primary's) region", ECS_DESIRED_COUNT)
          .deny("application-autoscaling:DeregisterScalableTarget", fake, "moves the floor, never removes the target");
        for (const [t] of program.of("aws:appautoscaling/target:Target"))
          m.deny("application-autoscaling:RegisterScalableTarget", program.arnOf(t), `this stack's own scalable target (${t})`, ECS_DESIRED_COUNT);
      }
      break;
    }
    case "check-service": {
      const mine = ecsServiceArn(env.SERVICE_REGION ?? region, need("CLUSTER_NAME"), need("SERVICE_NAME"));
      m.allow("ecs:DescribeServices", mine, "reads the service's counts and deployments")
        .deny("ecs:UpdateService", mine, "reads only")
        .deny("ecs:DescribeServices", ecsServiceArn(region, need("CLUSTER_NAME"), "another-service"), "another service")
        .allow("elasticloadbalancing:DescribeTargetHealth", "*", "target health (no resource type)")
        .deny("elasticloadbalancing:DeregisterTargets", need("TARGET_GROUP_ARN"), "reads only");
      break;
    }
    case "decide":
    case "release-lock": {
      const control = need("CONTROL_TABLE_NAME");
      const peer = region === program.region ? program.peerRegion : program.region;
      const decisions = p.handler === "decide" ? env.DECISION_TABLE_NAME : undefined;
      const others = [tableArn(region, "another-table"), tableArn(region, `${control}-copy`)];
      m.allow("dynamodb:GetItem", tableArn(region, control), "reads the state item (the lock) in this region's replica")
        .allow("dynamodb:UpdateItem", tableArn(region, control), "one conditional update of the state item")
        .deny("dynamodb:DeleteItem", tableArn(region, control), "no item is ever deleted")
        .deny("dynamodb:DeleteTable", tableArn(region, control), "the table is Pulumi's and protected")
        .deny("dynamodb:Scan", tableArn(region, control), "single-item reads only")
        .deny("dynamodb:BatchWriteItem", tableArn(region, control), "single-item writes only")
        .deny("dynamodb:UpdateItem", tableArn(peer, control), "writes go to this region's replica only");
      for (const other of others) m.deny("dynamodb:GetItem", other, "another table").deny("dynamodb:UpdateItem", other, "another table");
      // Items by partition key (dynamodb:LeadingKeys): the lock lives in `state`; nobody but operators writes `flag`.
      const keys = (...k) => ({ "dynamodb:LeadingKeys": k });
      m.allow("dynamodb:UpdateItem", tableArn(region, control), "takes or frees the lock: the state item", keys("state"))
        .allow("dynamodb:GetItem", tableArn(region, control), "reads the state item", keys("state"))
        .deny("dynamodb:UpdateItem", tableArn(region, control), "the flag is the operators' item", keys("flag"))
        .deny("dynamodb:UpdateItem", tableArn(region, control), "one forbidden key among allowed ones still denies", keys("state", "flag"));
      if (p.handler === "decide") m.deny("dynamodb:UpdateItem", tableArn(region, control), "decide writes a decision record once, never updates it", keys("decision#x"));
      if (p.handler === "decide") m.allow("dynamodb:GetItem", tableArn(region, control), "reads the flag override", keys("flag"));
      else m.deny("dynamodb:GetItem", tableArn(region, control), "release reads the state item only", keys("flag"));
      // The last BLOCKED or ALERT announced, one item per action: decide reads and updates those of its own workflow's actions
      // (failover and drill in the secondary, failback in the primary), never another stack's, and release-lock none.
      const own = program.role === "primary" ? ["failback"] : ["failover", "drill"];
      const theirs = program.role === "primary" ? ["failover", "drill"] : ["failback"];
      for (const action of own) {
        if (p.handler === "decide")
          m.allow("dynamodb:GetItem", tableArn(region, control), `reads the last ${action} notice announced`, keys(`notice#${action}`))
            .allow("dynamodb:UpdateItem", tableArn(region, control), `records or clears the ${action} notice announced`, keys(`notice#${action}`))
            .deny("dynamodb:PutItem", tableArn(region, control), "updates the notice item, never replaces it", keys(`notice#${action}`))
            .deny("dynamodb:UpdateItem", tableArn(peer, control), "the notice item of this region's replica only", keys(`notice#${action}`));
        else m.deny("dynamodb:UpdateItem", tableArn(region, control), "notices are decide's", keys(`notice#${action}`));
      }
      for (const action of theirs)
        m.deny("dynamodb:UpdateItem", tableArn(region, control), `the other stack's ${action} notice`, keys(`notice#${action}`));
      m.deny("dynamodb:UpdateItem", tableArn(region, control), "a notice item of no action", keys("notice#x"));
      if (p.handler === "release-lock") {
        m.deny("dynamodb:PutItem", tableArn(region, control), "release updates the state item, it writes no record")
          .deny("dynamodb:GetItem", tableArn(peer, control), "release reads this region's replica only");
        const log = program.primaryOutput("decisionTableName", true);
        if (log) m.deny("dynamodb:PutItem", tableArn(region, log), "decision records are decide's");
        // At a run's end, its measured record: onto its decision record and into the run index, in the decision log (the control
        // table in eventual mode), by update only.
        const runLog = env.DECISION_TABLE_NAME ?? control;
        m.allow("dynamodb:UpdateItem", tableArn(region, runLog), "measures the run on its decision record", keys("decision#x"))
          .allow("dynamodb:GetItem", tableArn(region, runLog), "reads the run index", keys("runs"))
          .allow("dynamodb:UpdateItem", tableArn(region, runLog), "adds the run to the run index", keys("runs"))
          .deny("dynamodb:GetItem", tableArn(region, runLog), "reads no decision record", keys("decision#x"))
          .deny("dynamodb:PutItem", tableArn(region, runLog), "updates the run index, never replaces it", keys("runs"))
          .deny("dynamodb:UpdateItem", tableArn(peer, runLog), "the run log of this region's replica only", keys("runs"));
        break;
      }
      // decide
      const eventual = program.consistency === "eventual";
      if (eventual !== Boolean(env.CONTROL_TABLE_PEER_REGION))
        throw new Error(`${fnName}: controlTableConsistency is ${program.consistency} but CONTROL_TABLE_PEER_REGION is ${env.CONTROL_TABLE_PEER_REGION ?? "unset"}`);
      if (eventual) m.allow("dynamodb:GetItem", tableArn(peer, control), "eventual mode: reads the peer replica's lock before taking it");
      else m.deny("dynamodb:GetItem", tableArn(peer, control), "strong mode: one replica is the truth, no peer read");
      m.deny("dynamodb:PutItem", tableArn(peer, control), "writes go to this region's replica only");
      const recordTable = decisions ?? control;
      m.allow("dynamodb:PutItem", tableArn(region, recordTable), "a record under decision#", keys("decision#arn:aws:states:x:execution:y"))
        .deny("dynamodb:PutItem", tableArn(region, recordTable), "a put could replace the lock's state item", keys("state"))
        .deny("dynamodb:PutItem", tableArn(region, recordTable), "a put could replace the flag", keys("flag"));
      if (eventual) m.deny("dynamodb:GetItem", tableArn(peer, control), "the peer read is of the state item only", keys("flag"));
      if (decisions) {
        m.allow("dynamodb:PutItem", tableArn(region, decisions), "writes one decision record (decision log table)")
          .deny("dynamodb:PutItem", tableArn(region, control), "strong mode: records go to the decision log, not the control table")
          .deny("dynamodb:GetItem", tableArn(region, decisions), "writes records, never reads them")
          .deny("dynamodb:DeleteTable", tableArn(region, decisions), "the table is Pulumi's and protected");
      } else {
        m.allow("dynamodb:PutItem", tableArn(region, control), "eventual mode: decision records share the control table");
      }
      for (const other of others) m.deny("dynamodb:PutItem", other, "another table");

      const endpoint = need("PRIMARY_ENDPOINT_HEALTH_CHECK_ID");
      const primaryRegion = need("PRIMARY_REGION");
      const secondaryRegion = need("SECONDARY_REGION");
      for (const id of new Set([endpoint, primaryEndpoint()])) m.allow("route53:GetHealthCheckStatus", healthCheckArn(id), "the primary's endpoint evidence");
      m.deny("route53:GetHealthCheckStatus", healthCheckArn(randomCheck), "another health check")
        .deny("route53:UpdateHealthCheck", healthCheckArn(primaryGate()), "decides, never flips the gate");
      const names = need("PRIMARY_ALARM_NAMES").split(",");
      const exported = program.primaryOutput("alarmNameList").split(",");
      for (const name of new Set([...names, ...exported])) {
        m.allow("cloudwatch:DescribeAlarms", `arn:aws:cloudwatch:${primaryRegion}:${ACCOUNT}:alarm:${name}`, "the primary's health alarms")
          .deny("cloudwatch:SetAlarmState", `arn:aws:cloudwatch:${primaryRegion}:${ACCOUNT}:alarm:${name}`, "reads alarms only");
        if (secondaryRegion !== primaryRegion)
          m.deny("cloudwatch:DescribeAlarms", `arn:aws:cloudwatch:${secondaryRegion}:${ACCOUNT}:alarm:${name}`, "the same name in the secondary's region");
      }
      m.deny("cloudwatch:DescribeAlarms", `arn:aws:cloudwatch:${primaryRegion}:${ACCOUNT}:alarm:unrelated-alarm`, "an alarm that is not the primary's");
      break;
    }
    case "readiness":
      readinessRows(program, m, need, region);
      break;
    default:
      throw new Error(`${fnName}: handler ${p.handler} has no matrix in iam-simulate.mjs`);
  }
}

/// The readiness plan a program writes for a stack (its table item `readiness#STACK`, attribute `plan`), unresolved; undefined when
/// it writes none.
function planOf(program, stack) {
  for (const [, r] of program.of("aws:dynamodb/tableItem:TableItem")) {
    const item = r.properties?.item?.["fn::toJSON"];
    if (item?.[r.properties.hashKey]?.S === `readiness#${stack}`) return item.plan?.S?.["fn::toJSON"];
  }
  return undefined;
}

/// The keys of the items a program writes into a table at deploy (its table items).
function deployedItemKeys(program, tableName) {
  return program.of("aws:dynamodb/tableItem:TableItem").filter(([, r]) => program.resolve(r.properties.tableName) === tableName)
    .map(([, r]) => r.properties.item?.["fn::toJSON"]?.[r.properties.hashKey]?.S).filter(Boolean);
}

/// Fargate On-Demand vCPU resource count: the quota the recovery region's tasks count against (Service Quotas, service code fargate).
const FARGATE_VCPU_QUOTA = "fargate/L-3032A538";

/// The readiness function: reads what its checks compare and changes none of it. What it reads comes from what the program says
/// around the function, not from its policy: the plan item the program writes for its stack (the services, alarms and gate its
/// checks hold the account against), the stack's and the peer program's state machines (whose runs may hold the lock), the
/// functions and state machine roles of the workflow (the roles it simulates), decide's alarms, the task definition's image, and
/// the readiness alarm (the namespace it publishes in).
function readinessRows(program, m, need, region) {
  const own = need("STACK_PREFIX");
  const peerStack = need("PEER_STACK_PREFIX");
  const control = need("CONTROL_TABLE_NAME");
  const raw = planOf(program, own);
  if (!raw) throw new Error(`the program writes no readiness plan for ${own} (table item readiness#${own})`);
  const plan = field => program.resolveDeep(raw[field]);
  if (plan("controlTableName") !== control) throw new Error(`the plan names table ${plan("controlTableName")}, the function reads ${control}`);
  if (plan("stack") !== own || plan("peerStack") !== peerStack) throw new Error(`the plan is of ${plan("stack")} and ${plan("peerStack")}, the function's ${own} and ${peerStack}`);
  const peerRegion = region === program.region ? program.peerRegion : program.region;
  const primaryPrefix = program.role === "primary" ? program.prefix : program.peerPrefix;
  const peer = program.role === "primary" ? program.secondary : program.primary;

  // Items by partition key: both plans, the state item (the lock, the recorded active region) and the runs index, in this
  // region's replica; nothing written, and nothing an operator or a run keeps for itself.
  const table = tableArn(region, control);
  const keys = (...k) => ({ "dynamodb:LeadingKeys": k });
  m.allow("dynamodb:GetItem", table, "its own readiness plan", keys(`readiness#${own}`))
    .allow("dynamodb:GetItem", table, "the peer's readiness plan", keys(`readiness#${peerStack}`))
    .allow("dynamodb:GetItem", table, "the lock and the recorded active region", keys("state"))
    .deny("dynamodb:GetItem", table, "the operators' flag: no check reads it", keys("flag"))
    .deny("dynamodb:GetItem", table, "decide's notice items", keys("notice#failover"))
    .deny("dynamodb:GetItem", table, "another stack's plan", keys("readiness#another-stack"))
    .deny("dynamodb:GetItem", table, "one forbidden key among allowed ones still denies", keys(`readiness#${own}`, "flag"))
    .deny("dynamodb:GetItem", tableArn(peerRegion, control), "this region's replica only", keys("state"))
    .deny("dynamodb:GetItem", tableArn(region, "another-table"), "another table", keys("state"))
    .deny("dynamodb:Scan", table, "single items only")
    .deny("dynamodb:Query", table, "single items only", keys(`readiness#${own}`));
  for (const key of [`readiness#${own}`, "state", "flag", "runs"])
    m.deny("dynamodb:PutItem", table, "read-only", keys(key))
      .deny("dynamodb:UpdateItem", table, "read-only", keys(key))
      .deny("dynamodb:DeleteItem", table, "read-only", keys(key));
  const decisions = plan("decisionTableName");
  if (decisions === control) {
    if (program.consistency !== "eventual") throw new Error(`the plan keeps the run records in the control table with ${program.consistency} consistency`);
    m.allow("dynamodb:GetItem", table, "the run records' index (eventual: in the control table)", keys("runs"))
      .deny("dynamodb:GetItem", table, "one run's decision record: the index holds what the checks read", keys("decision#arn:aws:states:x:execution:y"));
  } else {
    const log = tableArn(region, decisions);
    m.allow("dynamodb:GetItem", log, "the run records' index in the decision log", keys("runs"))
      .deny("dynamodb:GetItem", log, "one run's decision record: the index holds what the checks read", keys("decision#arn:aws:states:x:execution:y"))
      .deny("dynamodb:PutItem", log, "release-lock writes the index", keys("runs"))
      .deny("dynamodb:UpdateItem", log, "release-lock writes the index", keys("runs"))
      .deny("dynamodb:GetItem", table, "the run records live in the decision log", keys("runs"));
  }

  // Either stack's run may hold the lock: the lock check asks whether its holder still runs, and nothing else of a run.
  const machines = new Set([...plan("stateMachineArns"), ...program.of("aws:sfn/stateMachine:StateMachine").map(([n]) => program.arnOf(n)),
    ...(peer?.of("aws:sfn/stateMachine:StateMachine").map(([n]) => peer.arnOf(n)) ?? [])]);
  const run = machine => `${machine.replace(":stateMachine:", ":execution:")}:run-1`;
  for (const machine of machines)
    m.allow("states:DescribeExecution", run(machine), "whether the lock's holder still runs")
      .deny("states:StopExecution", run(machine), "asks, never stops a run")
      .deny("states:GetExecutionHistory", run(machine), "a running run's history holds its lock token")
      .deny("states:StartExecution", machine, "checks the move, never starts it");
  m.deny("states:DescribeExecution", `arn:aws:states:${region}:${ACCOUNT}:execution:another-machine:run-1`, "another state machine's run");

  // Both services, as the programs name them: their counts, tasks and task definitions, never a change.
  const ownService = program.of("aws:ecs/service:Service").map(([n]) => program.arnOf(n));
  const peerService = peer?.of("aws:ecs/service:Service").map(([n]) => peer.arnOf(n));
  for (const [which, s, programs] of [["its own", plan("service"), ownService], ["the peer's", plan("peerService"), peerService]]) {
    const arn = ecsServiceArn(s.region, s.cluster, s.service);
    if (programs && !programs.includes(arn)) throw new Error(`the plan names ${which} service ${arn}, which its program does not create (${programs.join(", ")})`);
    const cluster = `arn:aws:ecs:${s.region}:${ACCOUNT}:cluster/${s.cluster}`;
    const task = c => `arn:aws:ecs:${s.region}:${ACCOUNT}:task/${c}/0123456789abcdef0123456789abcdef`;
    m.allow("ecs:DescribeServices", arn, `${which} service: image, task definition, counts`)
      .deny("ecs:UpdateService", arn, "reads, never scales")
      .deny("ecs:DescribeServices", ecsServiceArn(s.region, s.cluster, "another-service"), "another service of the cluster")
      .allow("ecs:ListTasks", `arn:aws:ecs:${s.region}:${ACCOUNT}:container-instance/${s.cluster}/0123456789abcdef0123456789abcdef`,
        `${which} cluster's running tasks`, { "ecs:cluster": cluster })
      .deny("ecs:ListTasks", `arn:aws:ecs:${s.region}:${ACCOUNT}:container-instance/another-cluster/0123456789abcdef0123456789abcdef`,
        "another cluster's tasks", { "ecs:cluster": `arn:aws:ecs:${s.region}:${ACCOUNT}:cluster/another-cluster` })
      .allow("ecs:DescribeTasks", task(s.cluster), `${which} running tasks: what they run and their size`)
      .deny("ecs:StopTask", task(s.cluster), "reads, never stops a task")
      .deny("ecs:DescribeTasks", task("another-cluster"), "another cluster's tasks");
  }
  m.allow("ecs:DescribeTaskDefinition", "*", "the task definitions both services run (no resource type)")
    .deny("ecs:RegisterTaskDefinition", "*", "reads, never registers a task definition");
  const images = program.of("aws:ecs/taskDefinition:TaskDefinition").flatMap(([, r]) => list(r.properties.containerDefinitions?.["fn::toJSON"]))
    .map(c => String(c.image ?? "").match(/^(\d{12})\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([^:@]+)/)).filter(Boolean);
  // The peer's image is the same repository replicated into the peer's region (ECR registry replication keeps account and name):
  // same-image resolves the peer's tag there.
  const peerServiceRegion = plan("peerService").region;
  for (const [, account, , imageRegion, , repository] of images) {
    const repo = r => `arn:aws:ecr:${r}:${account}:repository/${repository}`;
    m.allow("ecr:DescribeImages", repo(imageRegion), "the image's digest in its repository")
      .allow("ecr:DescribeImages", repo(peerServiceRegion), "the peer's image: the repository's replica in the peer's region")
      .deny("ecr:PutImage", repo(imageRegion), "reads, never pushes")
      .deny("ecr:BatchDeleteImage", repo(imageRegion), "reads, never deletes")
      .deny("ecr:PutImage", repo(peerServiceRegion), "reads the peer's replica, never pushes")
      .deny("ecr:DescribeImages", `arn:aws:ecr:${imageRegion}:${account}:repository/another-repository`, "another repository")
      .deny("ecr:DescribeImages", `arn:aws:ecr:${peerServiceRegion}:${account}:repository/another-repository`, "another repository in the peer's region");
  }
  if (images.length === 0) m.deny("ecr:DescribeImages", `arn:aws:ecr:${region}:${ACCOUNT}:repository/any`, "an image outside ECR: no repository to read");

  // The recovery region's Fargate vCPU quota and what runs there.
  const quota = (r, code = FARGATE_VCPU_QUOTA) => `arn:aws:servicequotas:${r}:${ACCOUNT}:${code}`;
  m.allow("servicequotas:GetServiceQuota", quota(plan("region")), "the recovery region's Fargate On-Demand vCPU quota")
    .deny("servicequotas:RequestServiceQuotaIncrease", quota(plan("region")), "reads the quota, never asks to raise it")
    .deny("servicequotas:GetServiceQuota", quota(plan("region"), "ec2/L-1216C47A"), "another quota")
    .deny("servicequotas:GetServiceQuota", quota(peerRegion), "the other region, where this stack's move starts no task")
    .allow("cloudwatch:GetMetricData", "*", "the Fargate vCPU in use (no resource type)");

  // The alarms the move depends on: the plan's, which must include every alarm decide reads; never a write, never another's.
  const alarms = new Set(plan("alarms").map(a => `arn:aws:cloudwatch:${a.region}:${ACCOUNT}:alarm:${a.name}`));
  const decide = program.of("aws:lambda/function:Function").find(([, r]) => r.properties.handler === "decide")?.[1].properties.environment.variables;
  if (!decide) throw new Error("no decide function: the alarms it reads are what the readiness checks must see");
  for (const name of program.resolve(decide.PRIMARY_ALARM_NAMES).split(",")) {
    const arn = `arn:aws:cloudwatch:${program.resolve(decide.PRIMARY_REGION)}:${ACCOUNT}:alarm:${name}`;
    if (!alarms.has(arn)) throw new Error(`the plan does not list ${arn}, which decide reads`);
  }
  for (const arn of alarms) {
    m.allow("cloudwatch:DescribeAlarms", arn, "an alarm the move depends on")
      .deny("cloudwatch:SetAlarmState", arn, "reads alarms only")
      .deny("cloudwatch:DeleteAlarms", arn, "reads alarms only");
    if (primaryPrefix && arn.includes(`:alarm:${primaryPrefix}-`))
      m.deny("cloudwatch:DescribeAlarms", arn.replace(`:alarm:${primaryPrefix}-`, `:alarm:${primaryPrefix}-eu-`), "the same alarm of a sibling stack whose name extends this one's (STACK-eu)");
  }
  m.deny("cloudwatch:DescribeAlarms", `arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:${program.prefix}-watch-readiness`, "its own watcher alarm: no check depends on it");

  // The gate: read where the move flips it, never moved.
  const gate = raw.primaryGate;
  const gateValue = key => gate[key] === undefined || gate[key] === null ? undefined : program.resolve(gate[key]);
  const gateCheck = gateValue("healthCheckId");
  m.deny("route53:UpdateHealthCheck", healthCheckArn(gateCheck), "reads the gate, never moves it");
  if (gate.kind === "arc") {
    const control = gateValue("routingControlArn");
    if (control !== program.primaryOutput("arcPrimaryRoutingControlArn")) throw new Error(`the plan's gate ${control} is not the primary's routing control`);
    m.allow("route53-recovery-cluster:GetRoutingControlState", control, "the gate's position: the primary's routing control")
      .deny("route53-recovery-cluster:UpdateRoutingControlState", control, "reads the gate, never moves it");
  } else if (gate.kind === "metric") {
    // A metric gate's position is its alarm's state (above); a data point in its namespace would move traffic.
    m.deny("cloudwatch:PutMetricData", "*", "the traffic gate's metric: a forged data point would move traffic",
      { "cloudwatch:namespace": `Failover/TrafficGate/${primaryPrefix}`, "aws:RequestedRegion": gateValue("switchRegion") });
  } else {
    m.allow("route53:GetHealthCheck", healthCheckArn(gateCheck), "the gate's position: the inverted health check")
      .deny("route53:GetHealthCheck", healthCheckArn(fakeUuid(`${program.file}/random`)), "another health check");
  }

  // The roles it simulates: each workflow step's, the functions the state machines invoke and the state machines' own; no other.
  const steps = new Set();
  for (const [, machine] of program.of("aws:sfn/stateMachine:StateMachine")) {
    steps.add(program.resolve(machine.properties.roleArn));
    for (const invoked of definitionTargets(machine.properties.definition?.["fn::toJSON"], "FunctionName")) {
      const fn = program.of("aws:lambda/function:Function").find(([n]) => program.arnOf(n) === program.resolve(invoked));
      if (!fn) throw new Error(`a state machine invokes ${program.resolve(invoked)}, which the program does not create`);
      steps.add(program.resolve(fn[1].properties.role));
    }
  }
  for (const { roleArn } of plan("roles"))
    if (!steps.has(roleArn)) throw new Error(`the plan simulates ${roleArn}, which no workflow step uses`);
  for (const role of steps)
    m.allow("iam:SimulatePrincipalPolicy", role, "a workflow step's role: can it still do what the step needs")
      .deny("iam:PutRolePolicy", role, "simulates, never edits a role")
      .deny("iam:AttachRolePolicy", role, "simulates, never edits a role");
  for (const [name] of program.of("aws:iam/role:Role")) {
    const arn = program.arnOf(name);
    if (!steps.has(arn)) m.deny("iam:SimulatePrincipalPolicy", arn, `a role that is no workflow step's (${name})`);
  }
  m.deny("iam:SimulatePrincipalPolicy", `arn:aws:iam::${ACCOUNT}:role/another-role`, "a role of another stack or team");

  // Its results, where the readiness alarm reads them: that namespace in this region, nowhere else.
  const watch = program.of("aws:cloudwatch/metricAlarm:MetricAlarm").find(([n]) => n === "readiness-silent")?.[1].properties;
  if (!watch?.namespace) throw new Error("no readiness alarm child (readiness-silent) names the namespace the checks publish in");
  const publish = (namespace, r) => ({ "cloudwatch:namespace": namespace, "aws:RequestedRegion": r });
  m.allow("cloudwatch:PutMetricData", "*", "publishes each check's result where its alarm reads it", publish(watch.namespace, region))
    .deny("cloudwatch:PutMetricData", "*", "the same namespace in the other region, where no alarm reads it", publish(watch.namespace, peerRegion))
    .deny("cloudwatch:PutMetricData", "*", "the load balancer's metrics: a forged data point would trip a health alarm", publish("AWS/ApplicationELB", region))
    .deny("cloudwatch:PutMetricData", "*", "Container Insights' metrics: a forged data point would trip a health alarm", publish("ECS/ContainerInsights", region));
  for (const [fn] of program.of("aws:lambda/function:Function"))
    m.deny("lambda:InvokeFunction", program.arnOf(fn), `runs nothing (${fn})`);
}

/// Every `FunctionName` and `TopicArn` a state machine definition names.
function* definitionTargets(value, key) {
  if (Array.isArray(value)) { for (const v of value) yield* definitionTargets(v, key); return; }
  if (!value || typeof value !== "object") return;
  for (const [k, v] of Object.entries(value)) {
    if (k === key && typeof v === "string") yield v;
    else yield* definitionTargets(v, key);
  }
}

function workflowRows(program, m, machineName) {
  const machine = program.resource(machineName);
  const region = program.regionOf(machineName);
  const definition = machine.properties.definition?.["fn::toJSON"];
  if (!definition) throw new Error(`${machineName} has no fn::toJSON definition`);
  const functions = [...new Set([...definitionTargets(definition, "FunctionName")].map(f => program.resolve(f)))];
  const topics = [...new Set([...definitionTargets(definition, "TopicArn")].map(t => program.resolve(t)))];
  if (functions.length === 0) throw new Error(`${machineName} invokes no function`);
  for (const f of functions) {
    m.allow("lambda:InvokeFunction", f, "a task of the workflow")
      .allow("lambda:InvokeFunction", `${f}:live`, "the same function through an alias")
      .allow("lambda:InvokeFunction", `${f}:$LATEST`, "the same function, qualified")
      .allow("lambda:InvokeFunction", `${f}:7`, "the same function, a version")
      .deny("lambda:InvokeFunction", `${f}2`, "a function whose name extends a workflow function's")
      .deny("lambda:InvokeFunction", f.replace(`:${region}:`, `:${program.region === region ? program.peerRegion : program.region}:`), "the same name in the other region")
      .deny("lambda:UpdateFunctionCode", f, "invokes, never changes code");
  }
  m.deny("lambda:InvokeFunction", `arn:aws:lambda:${region}:${ACCOUNT}:function:another-function`, "another function in the account");
  for (const [fn] of program.of("aws:lambda/function:Function")) {
    const arn = program.arnOf(fn);
    if (!functions.includes(arn)) m.deny("lambda:InvokeFunction", arn, `a function of this stack the workflow does not call (${fn})`);
  }
  for (const t of topics) m.allow("sns:Publish", t, "the workflow's notifications");
  m.deny("sns:Publish", `arn:aws:sns:${region}:${ACCOUNT}:another-topic`, "another topic")
    .deny("states:StartExecution", program.arnOf(machineName), "it runs as the state machine, it does not start it")
    .deny("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/another-role`, "passes no role but its recovery tasks' roles")
    .allow("logs:CreateLogDelivery", "*", "execution log delivery (no resource type)")
    .deny("logs:CreateLogGroup", `arn:aws:logs:${region}:${ACCOUNT}:log-group:/aws/vendedlogs/states/another`, "no log group creation")
    .allow("xray:PutTraceSegments", "*", "active tracing");
  for (const [group] of program.of("aws:cloudwatch/logGroup:LogGroup"))
    m.deny("logs:PutLogEvents", stream(program.arnOf(group)), `its logs are delivered, it writes no log stream (${group})`);
  recoveryTaskRows(program, m, definition, region);
}

/// Recovery tasks (the definition's ecs:runTask.sync states): RunTask of their task definitions in the service's cluster only,
/// that cluster's tasks watched and stopped, Step Functions' managed rule for .sync, and the service task definition's roles
/// passed to ECS only. A workflow without them may do none of that. (Roles of another task definition come from config, which
/// the program does not show: RoleGrantTests holds them.)
function recoveryTaskRows(program, m, definition, region) {
  const runs = Object.values(definition.States ?? {}).filter(s => s?.Type === "Task" && s.Resource === "arn:aws:states:::ecs:runTask.sync");
  const [service] = program.of("aws:ecs/service:Service").map(([, r]) => r);
  const [taskDefinition] = program.of("aws:ecs/taskDefinition:TaskDefinition").map(([n, r]) => ({ arn: program.arnOf(n), ...r }));
  if (!service || !taskDefinition) throw new Error("expected the service and its task definition in the program");
  const cluster = program.resolve(service.properties.cluster);
  const peer = program.region === region ? program.peerRegion : program.region;
  const ecs = (r, rest) => `arn:aws:ecs:${r}:${ACCOUNT}:${rest}`;
  const rule = (r, name) => `arn:aws:events:${r}:${ACCOUNT}:rule/${name}`;
  const SYNC_RULE = "StepFunctionsGetEventsForECSTaskRule";
  const inCluster = { "ecs:cluster": cluster };
  const roles = [taskDefinition.properties.executionRoleArn, taskDefinition.properties.taskRoleArn].filter(Boolean).map(v => program.resolve(v));
  const toEcs = { "iam:PassedToService": "ecs-tasks.amazonaws.com" };
  if (runs.length === 0) {
    m.deny("ecs:RunTask", taskDefinition.arn, "no recovery tasks: it runs no ECS task", inCluster)
      .deny("ecs:StopTask", ecs(region, `task/${cluster.split("/").at(-1)}/0123456789abcdef0123456789abcdef`), "no recovery tasks: it stops no task")
      .deny("events:PutRule", rule(region, SYNC_RULE), "no recovery tasks: no .sync rule");
    for (const role of roles) m.deny("iam:PassRole", role, "no recovery tasks: it passes no role", toEcs);
    return;
  }
  let runsOwn = false;
  for (const run of runs) {
    const p = run.Parameters ?? {};
    if (program.resolve(p.Cluster) !== cluster) throw new Error(`a recovery task runs in ${p.Cluster}, not the service's cluster`);
    const named = program.resolve(String(p.TaskDefinition));
    runsOwn ||= named === taskDefinition.arn;
    // A family or family:revision runs in this region and account; RunTask is authorized on the revision it resolves to.
    const arn = named.startsWith("arn:") ? named : ecs(region, `task-definition/${named.includes(":") ? named : `${named}:1`}`);
    const family = arn.split("/").at(-1).split(":")[0];
    m.allow("ecs:RunTask", arn, "a recovery task's task definition, in the service's cluster", inCluster)
      .allow("ecs:RunTask", ecs(region, `task-definition/${family}:42`), "another revision of the same family", inCluster)
      .deny("ecs:RunTask", arn, "the same task definition in another cluster", { "ecs:cluster": ecs(region, "cluster/another-cluster") })
      .deny("ecs:RunTask", arn.replace(`:${region}:`, `:${peer}:`), "the same task definition in the other region",
        { "ecs:cluster": cluster.replace(`:${region}:`, `:${peer}:`) });
  }
  m.deny("ecs:RunTask", ecs(region, "task-definition/another-family:1"), "another task definition family, in the same cluster", inCluster);
  const task = id => ecs(region, `task/${cluster.split("/").at(-1)}/${id}`);
  m.allow("ecs:DescribeTasks", task("0123456789abcdef0123456789abcdef"), "follows a recovery task until it stops")
    .allow("ecs:StopTask", task("0123456789abcdef0123456789abcdef"), "stops a recovery task that timed out")
    .deny("ecs:StopTask", ecs(region, "task/another-cluster/0123456789abcdef0123456789abcdef"), "a task of another cluster")
    .deny("ecs:StopTask", ecs(peer, `task/${cluster.split("/").at(-1)}/0123456789abcdef0123456789abcdef`), "the same cluster's task in the other region");
  for (const action of ["events:PutRule", "events:PutTargets", "events:DescribeRule"])
    m.allow(action, rule(region, SYNC_RULE), "Step Functions' managed rule for runTask.sync");
  m.deny("events:PutRule", rule(region, "another-rule"), "another rule")
    .deny("events:PutTargets", rule(region, "another-rule"), "another rule's targets")
    .deny("events:DeleteRule", rule(region, SYNC_RULE), "sets the managed rule up, never deletes it");
  if (runsOwn)
    for (const role of roles)
      m.allow("iam:PassRole", role, "the service task definition's role, to ECS", toEcs)
        .deny("iam:PassRole", role, "the same role to another service", { "iam:PassedToService": "lambda.amazonaws.com" });
}

function taskExecutionRows(program, m, taskName) {
  const containers = list(program.resource(taskName).properties.containerDefinitions?.["fn::toJSON"]);
  for (const c of containers) {
    const group = c.logConfiguration?.options?.["awslogs-group"];
    const groupName = refTo(group, "name");
    if (groupName) {
      const arn = program.arnOf(groupName);
      m.allow("logs:CreateLogStream", stream(arn), "the container's log streams")
        .allow("logs:PutLogEvents", stream(arn), "the container's log lines")
        .deny("logs:CreateLogGroup", arn, "Pulumi creates the log group");
    }
    for (const [fn, r] of program.of("aws:lambda/function:Function")) {
      const other = refTo(r.properties.loggingConfig?.logGroup, "name");
      if (other) m.deny("logs:PutLogEvents", stream(program.arnOf(other)), `a function's log group (${fn})`);
    }
    const ecr = String(c.image ?? "").match(/^(\d{12})\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([^:@]+)/);
    if (ecr) {
      const repo = `arn:aws:ecr:${ecr[3]}:${ecr[1]}:repository/${ecr[5]}`;
      m.allow("ecr:BatchGetImage", repo, "pulls the image").allow("ecr:GetDownloadUrlForLayer", repo, "pulls the layers")
        .allow("ecr:GetAuthorizationToken", "*", "registry login (no resource type)")
        .deny("ecr:BatchGetImage", `arn:aws:ecr:${ecr[3]}:${ecr[1]}:repository/another-repository`, "another repository")
        .deny("ecr:PutImage", repo, "pulls, never pushes");
    } else {
      m.deny("ecr:BatchGetImage", `arn:aws:ecr:${program.region}:${ACCOUNT}:repository/any`, "a public image needs no ECR permission");
    }
  }
}

/// An EventBridge target's role: put events on the one bus it forwards to, or start the one state machine it targets.
function ruleTargetRows(program, m, targetName) {
  const target = program.resource(targetName).properties;
  const arn = program.resolve(target.arn);
  const region = program.regionOf(targetName);
  if (arn.includes(":event-bus/")) {
    m.allow("events:PutEvents", arn, "forwards to the secondary's default bus")
      .deny("events:PutEvents", `arn:aws:events:${region}:${ACCOUNT}:event-bus/default`, "its own region's bus (a forwarding loop)")
      .deny("events:PutEvents", arn.replace(/event-bus\/.*/, "event-bus/another-bus"), "another bus in the secondary's region")
      .deny("states:StartExecution", `arn:aws:states:${region}:${ACCOUNT}:stateMachine:${program.prefix}-failover`, "forwards, starts nothing");
  } else if (arn.includes(":stateMachine:")) {
    m.allow("states:StartExecution", arn, "starts the workflow")
      .deny("states:StartExecution", arn.replace(/stateMachine:.*/, "stateMachine:another-machine"), "another state machine")
      .deny("states:StartExecution", arn.replace(`:${region}:`, `:${program.peerRegion}:`), "the same name in the other region")
      .deny("states:StopExecution", `${arn.replace(":stateMachine:", ":execution:")}:some-run`, "starts, never stops")
      .deny("events:PutEvents", `arn:aws:events:${region}:${ACCOUNT}:event-bus/default`, "puts no events");
  } else throw new Error(`${targetName} targets ${arn}, which the matrix does not know`);
}

/// The control table's name, as the functions are told it.
function controlTableOf(program) {
  const decide = program.of("aws:lambda/function:Function").find(([, r]) => r.properties?.environment?.variables?.OPERATOR_STATE_MACHINE_ARN);
  if (!decide) throw new Error("no decide function names the control table");
  return program.resolve(decide[1].properties.environment.variables.CONTROL_TABLE_NAME);
}

/// The operator role: the flag item (and nothing else) in both replicas, the operators' entry point and following its runs;
/// never a function, the triggers' entry point, or a run's history (which holds a running run's lock token). People of this
/// account assume it, as their own policies allow; no one else.
function operatorRows(program, m) {
  const control = controlTableOf(program);
  const keys = (...k) => ({ "dynamodb:LeadingKeys": k });
  for (const region of [program.region, program.peerRegion]) {
    const table = tableArn(region, control);
    m.allow("dynamodb:PutItem", table, `sets the flag (${region})`, keys("flag"))
      .allow("dynamodb:DeleteItem", table, `clears the flag (${region})`, keys("flag"))
      .allow("dynamodb:GetItem", table, `reads the state for status (${region})`, keys("state"))
      .deny("dynamodb:PutItem", table, "cannot write the lock or the state", keys("state"))
      .deny("dynamodb:UpdateItem", table, "cannot take or move the lock", keys("state"))
      .deny("dynamodb:UpdateItem", table, "writes the flag whole, never updates it", keys("flag"))
      .deny("dynamodb:PutItem", table, "one forbidden key among allowed ones still denies", keys("flag", "state"))
      .deny("dynamodb:PutItem", table, "cannot forge a decision record", keys("decision#x"))
      .deny("dynamodb:DeleteItem", table, "cannot delete the lock", keys("state"))
      .deny("dynamodb:Scan", table, "single items only");
  }
  const machines = program.of("aws:sfn/stateMachine:StateMachine");
  for (const [name] of machines) {
    const arn = program.arnOf(name);
    const trigger = name === "workflow-trigger";
    if (trigger) m.deny("states:StartExecution", arn, "the triggers' entry point is the triggers' alone");
    else m.allow("states:StartExecution", arn, "starts the operators' entry point");
    m.allow("states:DescribeExecution", `${arn.replace(":stateMachine:", ":execution:")}:run`, "follows a run")
      .allow("states:ListExecutions", arn, "lists recent runs")
      .deny("states:GetExecutionHistory", `${arn.replace(":stateMachine:", ":execution:")}:run`, "a running run's history holds its lock token")
      .deny("states:UpdateStateMachine", arn, "cannot change the workflow")
      .deny("states:StopExecution", `${arn.replace(":stateMachine:", ":execution:")}:run`, "cannot stop a run half-way");
  }
  for (const [fn] of program.of("aws:lambda/function:Function"))
    m.deny("lambda:InvokeFunction", program.arnOf(fn), `invokes no function (${fn})`);
  const mayAssume = [{ name: "own", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] } }];
  m.trust("allowed", `arn:aws:iam::${ACCOUNT}:role/on-call`, "a principal of this account whose own policy allows it", {}, mayAssume)
    .trust("denied", `arn:aws:iam::${ACCOUNT}:role/developer`, "a principal of this account whose own policy does not", {})
    .trust("denied", `arn:aws:iam::${OTHER_ACCOUNT}:role/on-call`, "another account, whatever its own policy", {}, mayAssume)
    .trust("denied", "lambda.amazonaws.com", "no service", { "aws:SourceAccount": ACCOUNT });
}

/// A schedule's role: the probe's starts the workflow and sends what it could not deliver to its own dead-letter queue; the
/// readiness schedule's invokes its one function. Nothing else either way.
function scheduleRows(program, m, scheduleName) {
  const target = program.resource(scheduleName).properties.target;
  const arn = program.resolve(target.arn);
  const region = program.regionOf(scheduleName);
  if (arn.includes(":stateMachine:")) {
    m.allow("states:StartExecution", arn, "the schedule's start")
      .deny("states:StartExecution", arn.replace(/stateMachine:.*/, "stateMachine:another-machine"), "another state machine");
  } else if (arn.includes(":function:")) {
    m.allow("lambda:InvokeFunction", arn, "the schedule's function")
      .deny("lambda:InvokeFunction", `${arn}2`, "a function whose name extends it")
      .deny("lambda:InvokeFunction", arn.replace(`:${region}:`, `:${region === program.region ? program.peerRegion : program.region}:`), "the same name in the other region")
      .deny("lambda:UpdateFunctionCode", arn, "invokes, never changes code");
    for (const [fn] of program.of("aws:lambda/function:Function"))
      if (program.arnOf(fn) !== arn) m.deny("lambda:InvokeFunction", program.arnOf(fn), `another function of the stack (${fn})`);
    for (const [machine] of program.of("aws:sfn/stateMachine:StateMachine"))
      m.deny("states:StartExecution", program.arnOf(machine), `starts no workflow (${machine})`);
  } else throw new Error(`${scheduleName} targets ${arn}, which the matrix does not know`);
  if (target.deadLetterConfig) {
    const queue = program.resolve(target.deadLetterConfig.arn);
    m.allow("sqs:SendMessage", queue, "an undelivered start goes to its dead-letter queue")
      .deny("sqs:SendMessage", queue.replace(/:[^:]+$/, ":another-queue"), "another queue")
      .deny("sqs:ReceiveMessage", queue, "sends, never reads");
  } else {
    for (const [queue] of program.of("aws:sqs/queue:Queue"))
      m.deny("sqs:SendMessage", program.arnOf(queue), `keeps no dead letters (${queue})`);
  }
}

function trustRows(program, m, use) {
  const service = { function: "lambda.amazonaws.com", workflow: "states.amazonaws.com", "task-execution": "ecs-tasks.amazonaws.com", task: "ecs-tasks.amazonaws.com",
    "rule-target": "events.amazonaws.com", schedule: "scheduler.amazonaws.com" }[use.kind];
  const own = { "aws:SourceAccount": ACCOUNT };
  const foreign = { "aws:SourceAccount": OTHER_ACCOUNT };
  // The source that may assume it: the state machine, the target's rule, the schedule's group.
  const source = use.kind === "workflow" ? program.arnOf(use.name)
    : use.kind === "rule-target" ? program.arnOf(refTo(program.resource(use.name).properties.rule, "name"))
    : use.kind === "schedule" ? program.arnOf(refTo(program.resource(use.name).properties.groupName, "name"))
    : undefined;
  if (source) {
    const what = { workflow: "state machine", "rule-target": "rule", schedule: "schedule group" }[use.kind];
    const other = source.replace(/(stateMachine:|rule\/|schedule-group\/).*/, `$1another-${what.split(" ").at(-1)}`);
    m.trust("allowed", service, `the service, for this ${what} in this account`, { ...own, "aws:SourceArn": source })
      .trust("denied", service, `another ${what} of the account`, { ...own, "aws:SourceArn": other })
      .trust("denied", service, `no source ${what}`, own)
      .trust("denied", service, `another account's ${what}`, { ...foreign, "aws:SourceArn": source.replace(ACCOUNT, OTHER_ACCOUNT) });
  } else {
    m.trust("allowed", service, "the service, on behalf of this account", own)
      .trust("denied", service, "the service on behalf of another account", foreign)
      .trust("denied", service, "the service without a source account", {});
  }
  m.trust("denied", "ec2.amazonaws.com", "another service", own)
    .trust("denied", `arn:aws:iam::${OTHER_ACCOUNT}:root`, "another account", {});
}

/// The resource policies of the topics and queues: who may publish to a topic (this stack's alarms, the rules it names) and
/// who may send to a dead-letter queue (its own rule), each with rows that must be refused.
function resourcePolicyRows(program) {
  const rows = [];
  const row = (owner, document, expect, principal, action, resource, why, context, identity = []) =>
    rows.push({ owner, document, expect, principal, action, resource, why, context, identity });
  for (const [name, r] of program.of("aws:sns/topicPolicy:TopicPolicy")) {
    const topicName = refTo(r.properties.arn, "arn");
    const topic = program.arnOf(topicName);
    const region = program.regionOf(topicName);
    const document = program.resolveDeep(r.properties.policy?.["fn::toJSON"]);
    const alarm = `arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:${program.prefix}-watch-decide-errors`;
    const own = { "aws:SourceAccount": ACCOUNT };
    row(name, document, "allowed", "cloudwatch.amazonaws.com", "sns:Publish", topic, "an alarm of this stack", { ...own, "aws:SourceArn": alarm });
    // Every alarm whose actions name the topic may publish to it, and no other alarm of the stack.
    for (const [logical, a] of program.of("aws:cloudwatch/metricAlarm:MetricAlarm")) {
      const notifies = [...(a.properties.alarmActions ?? []), ...(a.properties.okActions ?? []), ...(a.properties.insufficientDataActions ?? [])]
        .some(action => refTo(action, "arn") === topicName);
      if (notifies) row(name, document, "allowed", "cloudwatch.amazonaws.com", "sns:Publish", topic, `its alarm ${logical}`, { ...own, "aws:SourceArn": program.arnOf(logical) });
    }
    row(name, document, "denied", "cloudwatch.amazonaws.com", "sns:Publish", topic, "an alarm of another stack", { ...own, "aws:SourceArn": alarm.replace(`alarm:${program.prefix}-`, "alarm:another-stack-") });
    // The prefix is PROJECT-STACK: a stack named like this one plus "-eu" names its alarms with this prefix and more.
    row(name, document, "denied", "cloudwatch.amazonaws.com", "sns:Publish", topic, "the same alarm of a sibling stack whose name extends this one's (STACK-eu)", { ...own, "aws:SourceArn": alarm.replace(`alarm:${program.prefix}-`, `alarm:${program.prefix}-eu-`) });
    row(name, document, "denied", "cloudwatch.amazonaws.com", "sns:Publish", topic, "the same alarm name in another region", { ...own, "aws:SourceArn": alarm.replace(`:${region}:`, `:${region === "us-east-1" ? "eu-west-1" : "us-east-1"}:`) });
    row(name, document, "denied", "cloudwatch.amazonaws.com", "sns:Publish", topic, "an alarm of another account", { "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": alarm.replace(ACCOUNT, OTHER_ACCOUNT) });
    const rules = program.of("aws:cloudwatch/eventTarget:EventTarget").filter(([, t]) => refTo(t.properties.arn, "arn") === topicName)
      .map(([, t]) => program.arnOf(refTo(t.properties.rule, "name")));
    for (const rule of rules)
      row(name, document, "allowed", "events.amazonaws.com", "sns:Publish", topic, "the rule that targets the topic", { "aws:SourceArn": rule });
    row(name, document, "denied", "events.amazonaws.com", "sns:Publish", topic, "another rule", { "aws:SourceArn": `arn:aws:events:${region}:${ACCOUNT}:rule/another-rule` });
    row(name, document, "denied", "events.amazonaws.com", "sns:Publish", topic, "a rule not named", {});
    row(name, document, "denied", "events.amazonaws.com", "sns:Subscribe", topic, "publishes, never subscribes", { "aws:SourceArn": rules[0] ?? "" });
    row(name, document, "denied", "states.amazonaws.com", "sns:Publish", topic, "another service (the workflow publishes with its role)", {});
  }
  // The control table's resource policy: only the workflow's writers, the operators (the flag only) and DynamoDB's replication
  // write it, whatever an identity policy elsewhere in the account allows (every principal below holds dynamodb:* on *).
  const everything = [{ name: "broad", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "dynamodb:*", Resource: "*" }] } }];
  for (const [name, r] of program.of("aws:dynamodb/resourcePolicy:ResourcePolicy")) {
    const table = program.resolve(r.properties.resourceArn);
    const document = program.resolveDeep(r.properties.policy?.["fn::toJSON"]);
    const writer = fn => program.arnOf(program.of("aws:iam/role:Role").find(([n]) => n === `${fn}-function-role`)[0]);
    const operator = `arn:aws:iam::${ACCOUNT}:role/${program.prefix}-operator`;
    // The other stack's operator: the secondary's prefix is known to the primary only when both programs are checked together.
    const peerPrefix = program.role === "primary" ? program.secondary?.prefix : program.peerPrefix;
    const outsider = `arn:aws:iam::${ACCOUNT}:role/someone-with-dynamodb-star`;
    const replication = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/replication.dynamodb.amazonaws.com/AWSServiceRoleForDynamoDBReplication`;
    const as = (principal, leading) => ({ "aws:PrincipalArn": principal, ...(leading ? { "dynamodb:LeadingKeys": leading } : {}) });
    const write = (expect, principal, action, leading, why) => row(name, document, expect, principal, action, table, why, as(principal, leading), everything);
    write("allowed", writer("decide"), "dynamodb:UpdateItem", ["state"], "decide takes the lock");
    write("allowed", writer("release-lock"), "dynamodb:UpdateItem", ["state"], "release-lock frees it");
    write("allowed", operator, "dynamodb:PutItem", ["flag"], "an operator sets the flag");
    if (peerPrefix)
      write("allowed", `arn:aws:iam::${ACCOUNT}:role/${peerPrefix}-operator`, "dynamodb:PutItem", ["flag"], "the other stack's operator sets the flag in this replica");
    write("allowed", replication, "dynamodb:PutItem", ["state"], "global table replication");
    write("denied", operator, "dynamodb:PutItem", ["state"], "an operator cannot write the lock");
    write("denied", operator, "dynamodb:UpdateItem", ["state"], "an operator cannot take the lock");
    write("denied", operator, "dynamodb:PartiQLUpdate", undefined, "an operator uses no PartiQL");
    write("denied", outsider, "dynamodb:PutItem", ["state"], "anyone else, however broad their own policy");
    write("denied", outsider, "dynamodb:UpdateItem", ["flag"], "anyone else cannot block through the flag");
    write("denied", outsider, "dynamodb:BatchWriteItem", undefined, "nor in a batch");
    write("allowed", outsider, "dynamodb:GetItem", ["state"], "reads stay with identity policies");
    // Whoever runs `pulumi up` writes the items the program deploys into this table (its readiness plan), and nothing else.
    const deployed = deployedItemKeys(program, table.split("/").at(-1));
    if (deployed.length > 0 && JSON.stringify(document).includes(DEPLOYER)) {
      for (const key of deployed) {
        write("allowed", DEPLOYER, "dynamodb:PutItem", [key], `the deployer writes ${key}, an item of the program`);
        write("allowed", DEPLOYER, "dynamodb:UpdateItem", [key], `the deployer updates ${key}`);
        write("allowed", DEPLOYER, "dynamodb:DeleteItem", [key], `the deployer removes ${key} when the stack goes`);
      }
      write("denied", DEPLOYER, "dynamodb:PutItem", ["state"], "the deployer writes no lock");
      write("denied", DEPLOYER, "dynamodb:UpdateItem", ["state"], "the deployer takes no lock");
      write("denied", DEPLOYER, "dynamodb:PutItem", ["flag"], "the deployer sets no flag");
      write("denied", DEPLOYER, "dynamodb:DeleteItem", ["flag"], "the deployer clears no flag");
      write("denied", DEPLOYER, "dynamodb:PutItem", ["decision#x"], "the deployer forges no decision record");
      write("denied", DEPLOYER, "dynamodb:PutItem", [deployed[0], "state"], "one forbidden key among allowed ones still denies");
      // Another stack's plan is that stack's deploy to write, in its own replica: here it would stand in for the peer's.
      write("denied", DEPLOYER, "dynamodb:PutItem", ["readiness#another-stack"], "the deployer writes no other stack's plan");
      if (peerPrefix) {
        write("denied", DEPLOYER, "dynamodb:PutItem", [`readiness#${peerPrefix}`], "the deployer writes not the peer's plan: the peer's deploy does, in the peer's replica");
        write("denied", DEPLOYER, "dynamodb:DeleteItem", [`readiness#${peerPrefix}`], "nor removes the peer's plan");
      }
      write("denied", DEPLOYER, "dynamodb:BatchWriteItem", undefined, "nor in a batch");
      write("denied", DEPLOYER, "dynamodb:PartiQLUpdate", undefined, "nor through PartiQL");
    } else if (deployed.length > 0) throw new Error(`${name}: the program writes ${deployed.join(", ")} into the table, and its policy does not admit the deployer`);
  }
  for (const [name, r] of program.of("aws:sqs/queuePolicy:QueuePolicy")) {
    const queueName = refTo(r.properties.queueUrl, "url");
    const queue = program.arnOf(queueName);
    const document = program.resolveDeep(r.properties.policy?.["fn::toJSON"]);
    const target = program.of("aws:cloudwatch/eventTarget:EventTarget").find(([, t]) => refTo(t.properties.deadLetterConfig?.arn, "arn") === queueName);
    if (!target) throw new Error(`${name}: no rule keeps its undelivered events in ${queueName}`);
    const rule = program.arnOf(refTo(target[1].properties.rule, "name"));
    row(name, document, "allowed", "events.amazonaws.com", "sqs:SendMessage", queue, "its own rule's undelivered events", { "aws:SourceArn": rule });
    row(name, document, "denied", "events.amazonaws.com", "sqs:SendMessage", queue, "another rule", { "aws:SourceArn": rule.replace(/rule\/.*/, "rule/another-rule") });
    row(name, document, "denied", "events.amazonaws.com", "sqs:ReceiveMessage", queue, "sends, never reads", { "aws:SourceArn": rule });
    row(name, document, "denied", "sns.amazonaws.com", "sqs:SendMessage", queue, "another service", {});
  }
  return rows;
}

const accountOf = arn => arn === "*" ? ACCOUNT : (arn.split(":")[4] || ACCOUNT);

async function decide(row, role, policies, trust, program) {
  const roleArn = program.arnOf(role.name);
  const simulation = row.trust
    ? { request: { principal: row.principal, action: row.action, resource: { resource: roleArn, accountId: ACCOUNT }, contextVariables: row.context },
        identityPolicies: row.identity ?? [], serviceControlPolicies: [], resourceControlPolicies: [], resourcePolicy: trust }
    : { request: { principal: roleArn, action: row.action, resource: { resource: row.resource, accountId: accountOf(row.resource) }, contextVariables: row.context },
        identityPolicies: policies, serviceControlPolicies: [], resourceControlPolicies: [] };
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error") return { error: JSON.stringify(result.errors) };
  return { decision: result.overallResult === "Allowed" ? "allowed" : "denied", detail: result.overallResult };
}

async function check(program, problems) {
  let size = 0;
  const allRoles = roles(program);
  const functions = program.of("aws:lambda/function:Function").map(([n]) => n);
  for (const role of allRoles) {
    const at = role.label;
    if (role.attachments.length > 0) problems.push(`${at}: managed policy attachments the matrix cannot see: ${role.attachments.join(", ")}`);
    if (list(role.role.properties?.managedPolicyArns).length > 0) problems.push(`${at}: managedPolicyArns the matrix cannot see`);
    if (role.uses.length === 0) { problems.push(`${at}: nothing in the program assumes this role, so it has no matrix`); continue; }
    const m = new Matrix();
    let policies, trust;
    try {
      policies = role.policies.map(p => ({ name: p.name, policy: program.resolveDeep(p.document) }));
      trust = program.resolveDeep(role.role.properties.assumeRolePolicy?.["fn::toJSON"]);
      for (const use of role.uses) {
        if (use.kind === "function") functionRows(program, m, use.name, functions);
        else if (use.kind === "workflow") workflowRows(program, m, use.name);
        else if (use.kind === "task-execution") taskExecutionRows(program, m, use.name);
        else if (use.kind === "rule-target") ruleTargetRows(program, m, use.name);
        else if (use.kind === "schedule") scheduleRows(program, m, use.name);
        if (use.kind === "operator") operatorRows(program, m);
        else trustRows(program, m, use);
      }
    } catch (e) {
      problems.push(`${at}: cannot build the matrix: ${e.message}`);
      continue;
    }
    const seen = new Map();
    for (const row of m.rows) {
      const key = JSON.stringify([row.trust ? row.principal : "", row.action, row.resource ?? "", row.context]);
      if (seen.has(key)) {
        if (seen.get(key) !== row.expect) problems.push(`${at}: the matrix expects both ${row.expect} and ${seen.get(key)} for ${key}`);
        continue;
      }
      seen.set(key, row.expect);
      size++;
      const context = Object.keys(row.context).length === 0 ? "" : ` with ${Object.entries(row.context).map(([k, v]) => `${k}=${v}`).join(", ")}`;
      const what = row.trust ? `${row.action} by ${row.principal}${context} (trust)` : `${row.action} on ${row.resource}${context}`;
      const outcome = await decide(row, role, policies, trust, program);
      if (showRows && !json) console.log(`${(outcome.decision ?? "error").padEnd(8)}${outcome.decision === row.expect ? "  " : "! "}${at}: ${what} (${row.why})`);
      if (outcome.error) problems.push(`${at}: ${what} (${row.why}): the simulator refused the request: ${outcome.error}`);
      else if (outcome.decision !== row.expect)
        problems.push(`${at}: ${what} (${row.why}): expected ${row.expect}, simulated ${outcome.detail}`);
    }
  }
  let policyRows;
  try {
    policyRows = resourcePolicyRows(program);
  } catch (e) {
    problems.push(`resource policies: cannot build the matrix: ${e.message}`);
    return size;
  }
  for (const row of policyRows) {
    size++;
    const context = Object.keys(row.context).length === 0 ? "" : ` with ${Object.entries(row.context).map(([k, v]) => `${k}=${v}`).join(", ")}`;
    const what = `${row.action} by ${row.principal} on ${row.resource}${context}`;
    const result = await runSimulation({
      request: { principal: row.principal, action: row.action, resource: { resource: row.resource, accountId: ACCOUNT }, contextVariables: row.context },
      identityPolicies: row.identity, serviceControlPolicies: [], resourceControlPolicies: [], resourcePolicy: row.document,
    }, {});
    const decision = result.resultType === "error" ? undefined : result.overallResult === "Allowed" ? "allowed" : "denied";
    if (showRows && !json) console.log(`${(decision ?? "error").padEnd(8)}${decision === row.expect ? "  " : "! "}${row.owner}: ${what} (${row.why})`);
    if (decision === undefined) problems.push(`${row.owner}: ${what} (${row.why}): the simulator refused the request: ${JSON.stringify(result.errors)}`);
    else if (decision !== row.expect) problems.push(`${row.owner}: ${what} (${row.why}): expected ${row.expect}, simulated ${result.overallResult}`);
  }
  return size;
}

const programs = [];
const results = {};
const sizeLines = [];
for (const file of files) {
  results[file] = [];
  try {
    programs.push(new Program(file, YAML.parse(fs.readFileSync(file, "utf8"))));
  } catch (e) {
    results[file].push(`cannot read: ${e.message}`);
  }
}
// A secondary reads the primary whose prefix its StackReference names and whose table consistency it shares.
for (const program of programs) {
  if (!program.stackReference) continue;
  program.primary = programs.find(p => p !== program && p.role === "primary" && !p.stackReference && p.prefix === program.peerPrefix && p.consistency === program.consistency);
  if (program.primary && !program.primary.secondary) program.primary.secondary = program;
}
for (const program of programs) {
  let size = 0;
  try {
    size = await check(program, results[program.file]);
  } catch (e) {
    results[program.file].push(`cannot check: ${e.message}`);
  }
  sizeLines.push(`${size} ${program.file}`);
}
if (sizes) results[SIZES] = sizeLines;

const failed = files.some(f => results[f].length > 0);
if (json) console.log(JSON.stringify(results, null, 2));
else {
  for (const file of files) {
    const size = sizeLines.find(l => l.endsWith(` ${file}`))?.split(" ")[0] ?? 0;
    const errors = results[file];
    console.log(errors.length === 0 ? `ok   ${file} (${size} rows)` : `FAIL ${file} (${size} rows)\n${errors.map(e => "  " + e).join("\n")}`);
  }
}
process.exit(failed ? 1 : 0);
