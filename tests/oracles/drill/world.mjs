// The moto world both compiled stacks deploy into, shared by the oracles that run a compiled workflow against it (drill.mjs,
// trigger-input.mjs), so that what "deployed" means is written once: each stack's regional pieces arranged by world.py
// under the names the programs give them, a role per function and per workflow holding its compiled policy (widened for
// moto, see program.mjs's `widen`), the values Pulumi would fill in after the deploy, each stack's readiness plan in the
// control table, and every function of both stacks ready to start with its resolved environment and its role's temporary
// credentials.
import dgram from "node:dgram";
import http from "node:http";
import { ACCOUNT, UnresolvedReference, widen } from "./program.mjs";
import { LambdaFunction } from "./runtime.mjs";
import { Moto } from "./moto.mjs";
import { RecordingProxy } from "./proxy.mjs";

const HEAP_OF_128_MB_FUNCTION = "6000000"; // DOTNET_GCHeapHardLimit, bare hex (96 MiB): NativeAOT ignores a 0x prefix

/**
 * A fresh moto with both stacks deployed into it, as the programs say. Functions start on their first invocation, so a
 * caller that runs one stack's workflow pays nothing for the other's. In `world.made.roles` (and `spec.roles`) a function's
 * role is keyed `STACK:FUNCTION-KEY` (`secondary:decide`) and a workflow's `STACK:workflow`; `world.functions` is keyed by
 * function name, as a lambda:invoke names it.
 * @param {{primary: Program, secondary: Program}} programs
 * @param {object} o
 * @param {string} o.bootstrap  the functions' native binary
 * @param {string} o.roleSuffix  ends every role name, so a role in a failure message says which oracle made it
 * @param {boolean} [o.standIns]  start the Service Quotas and IAM simulator stand-ins (the readiness function's calls moto lacks)
 * @param {{stack: string, fn: string, action: string}|null} [o.denial]  one action taken out of one compiled policy
 *   (drill.mjs's denied-* scenarios); a policy that does not grant it is a finding, as the scenario would prove nothing
 */
export async function createWorld(programs, { bootstrap, roleSuffix, denial = null, standIns = false }) {
  const { primary, secondary } = programs;
  const stacks = { primary: stackSpec(primary), secondary: stackSpec(secondary) };
  const findings = [];
  const roles = [];
  const functionSpecs = [];
  let denialApplied = denial === null;
  for (const [stackName, program] of Object.entries(programs)) {
    for (const fn of program.functions()) {
      const remove = denial && denial.stack === stackName && denial.fn === fn.key ? denial.action : null;
      const { policy, removed } = widen(fn.policyRaw, remove);
      if (remove) denialApplied = removed;
      const key = `${stackName}:${fn.key}`;
      roles.push({ key, roleName: roleName(program, fn.roleResource, fn.name, roleSuffix), policy: JSON.stringify(policy) });
      functionSpecs.push({ stackName, program, fn, key });
    }
    const workflow = program.workflow();
    roles.push({ key: `${stackName}:workflow`, roleName: roleName(program, workflow.roleResource, workflow.name, roleSuffix),
      policy: JSON.stringify(widen(workflow.policyRaw).policy) });
  }
  if (!denialApplied) findings.push(`the compiled policy of ${denial.stack}'s ${denial.fn} does not grant ${denial.action}: nothing to take out`);

  // The tables are global: the primary's program names them, and world.py creates a replica in each region.
  const controlTable = primary.literal("control-table", "name");
  const decisionTable = primary.resources["decision-log-table"] ? primary.literal("decision-log-table", "name") : null;
  const spec = {
    regions: [primary.region, secondary.region],
    tables: { control: controlTable, decisions: decisionTable },
    stacks,
    roles,
    standIns,
  };
  const moto = new Moto({ runningTasks: Math.max(stacks.primary.desiredCount, stacks.secondary.healthyTargets) });
  const app = await startApplication();
  let proxy;
  try {
    await moto.start();
    proxy = new RecordingProxy(moto.url);
    await proxy.start();
    const made = await moto.ask("setup", spec);
    for (const [stackName, program] of Object.entries(programs)) program.made = deployedValues(program, stackName, spec, made);
    // Resolved with no await between here and `program.made` being set: worlds built side by side share the Program objects
    // (trigger-input.mjs), so another world's setup could otherwise replace `made` under this one (its target group, say).
    const plans = Object.entries(programs).map(([stackName, program]) => readinessPlanItem(program, stackName, findings));
    const functions = prepareFunctions(functionSpecs, made.roles, { bootstrap, endpoint: proxy.url, standIns: made.standIns, findings, app });
    for (const plan of plans) if (plan) await moto.ask("put-everywhere", plan.table, plan.item);
    return { moto, made, spec, programs, functions, findings, app, proxy };
  } catch (e) {
    await moto.stop();
    await app.stop();
    await proxy?.stop();
    throw e;
  }
}

/**
 * The stack's readiness plan as its deploy writes it (the program's `readiness-plan` TableItem, its values resolved like every
 * other deployed value): the item `readiness#STACK` with the plan's JSON in `plan`, and its table, which the world writes into
 * every replica. A stack compiled without one is a finding, as is a value the world cannot resolve (then null).
 */
function readinessPlanItem(program, stackName, findings) {
  const resource = program.resources["readiness-plan"];
  if (!resource) {
    findings.push(`the ${stackName} program has no readiness-plan item`);
    return null;
  }
  try {
    const item = { pk: program.resolve(resource.properties.item["fn::toJSON"].pk), plan: { S: JSON.stringify(readinessPlan(program)) } };
    return { table: program.resolve(resource.properties.tableName), item };
  } catch (e) {
    if (!(e instanceof UnresolvedReference)) throw e;
    findings.push(`${stackName} readiness-plan: ${e.message}`);
    return null;
  }
}

/** The stack's readiness plan, resolved: two fn::toJSON deep in its item, whose `plan` attribute is a string of the plan's JSON. */
export function readinessPlan(program) {
  return program.resolve(program.resource("readiness-plan").properties.item["fn::toJSON"].plan.S["fn::toJSON"]);
}

/**
 * What `pulumi stack output --json` prints for the stack once deployed into the world: each output the world can resolve (an
 * output naming something the world does not create, such as the dashboard, is left out, as failoverctl reads only its own).
 */
export function stackOutputs(program) {
  const outputs = {};
  for (const [name, raw] of Object.entries(program.outputs)) {
    try {
      outputs[name] = program.resolve(raw);
    } catch (e) {
      if (!(e instanceof UnresolvedReference)) throw e;
    }
  }
  return outputs;
}

/**
 * The primary's application as decide probes it (PRIMARY_PROBE_URL points here): a local HTTP server answering 200 while
 * `app.healthy`, 503 otherwise.
 */
async function startApplication() {
  // `down`: the region is gone; every connection is reset before an answer, as an unreachable load balancer's would be.
  const app = { healthy: true, down: false, requests: 0 };
  const server = http.createServer((req, res) => {
    app.requests++;
    if (app.down) { req.socket.destroy(); return; }
    res.writeHead(app.healthy ? 200 : 503, { "Content-Type": "text/plain" }).end(app.healthy ? "ok" : "down");
  });
  server.keepAliveTimeout = 0;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  app.url = `http://127.0.0.1:${server.address().port}`;
  const dns = await startNameServer(app);
  app.nameServer = dns.endpoint;
  app.stop = () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => dns.close(resolve)); });
  return app;
}

/**
 * The hosted zone's name server as decide asks it for the primary's health answer: Route 53's checkers see what the world's
 * application shows, so it answers the primary (192.0.2.1) while the application is up and healthy, the fallback (192.0.2.2)
 * otherwise (RFC 1035 answer, owner name compressed as Route 53 writes it). `app.dnsQuestions` counts what it was asked.
 */
async function startNameServer(app) {
  app.dnsQuestions = 0;
  const socket = dgram.createSocket("udp4");
  socket.on("message", (query, peer) => {
    app.dnsQuestions++;
    let end = 12;
    while (end < query.length && query[end] !== 0) end += 1 + query[end];
    const question = query.subarray(12, end + 5);
    const address = app.down || !app.healthy ? [192, 0, 2, 2] : [192, 0, 2, 1];
    const reply = Buffer.concat([
      query.subarray(0, 2), Buffer.from([0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 0]), question,
      Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 10, 0, 4, ...address]),
    ]);
    socket.send(reply, peer.port, peer.address);
  });
  await new Promise((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { endpoint: `127.0.0.1:${socket.address().port}`, close: (done) => socket.close(done) };
}

export async function destroyWorld(world) {
  await Promise.all([...world.functions.values()].map((f) => f.stop()));
  await world.moto.stop();
  await world.app.stop();
  await world.proxy.stop();
}

/** What world.py's setup needs of one stack, to recreate it in moto (the names are the program's own). */
function stackSpec(program) {
  const service = program.resource("service").properties;
  const target = program.resource("scalable-target").properties;
  const scale = program.functions().find((f) => f.key === "scale-service");
  const active = Number(program.resolve(scale.environmentRaw.ACTIVE_DESIRED_COUNT));
  return {
    name: program.role,
    region: program.region,
    cluster: program.literal("cluster", "name"),
    service: program.literal("service", "name"),
    desiredCount: service.desiredCount,
    minCapacity: target.minCapacity,
    maxCapacity: target.maxCapacity,
    targetGroup: program.resource("target-group").properties.tags?.Name ?? `${program.literal("cluster", "name")}-tg`,
    healthyTargets: Math.max(active, service.desiredCount),
    healthCheckPath: program.resource("target-group").properties.healthCheck?.path ?? "/",
    alarms: program.alarms().filter((a) => a.logical !== "traffic-gate-alarm").map((a) => a.name),
    topic: program.literal("notifications-topic", "name"),
    gate: gateSpec(program),
  };
}

/** The stack's own traffic gate: a metric gate's alarm, namespace and switch region (the peer's), or a route53-api health check. */
function gateSpec(program) {
  const alarm = program.resources["traffic-gate-alarm"];
  if (!alarm) return { kind: "route53-api" };
  return { kind: "metric", alarm: alarm.properties.name, namespace: alarm.properties.namespace, region: program.peerRegion };
}

function roleName(program, roleResource, fallback, suffix) {
  const prefix = program.resources[roleResource]?.properties?.namePrefix ?? `${fallback}-`;
  return `${prefix}${suffix}`.slice(0, 64);
}

/**
 * What Pulumi would fill in after the deploy: the values moto gave what world.py created for one stack (`made` is world.py
 * setup's answer).
 */
function deployedValues(program, stackName, spec, made) {
  const [m, s, roles] = [made.stacks[stackName], spec.stacks[stackName], made.roles];
  const { control: controlTable, decisions: decisionTable } = spec.tables;
  const region = program.region;
  const values = {
    cluster: { name: s.cluster, arn: m.clusterArn },
    service: { name: s.service, arn: m.serviceArn },
    "target-group": { arn: m.targetGroupArn, name: s.targetGroup },
    "scalable-target": { resourceId: m.scalableTargetResourceId, serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount",
      arn: `arn:aws:application-autoscaling:${region}:${ACCOUNT}:scalable-target/${stackName}` },
    "traffic-gate": { id: m.gateId },
    // The load balancer's name is all decide's probe URL needs of it; the drill points that URL at its own application server.
    alb: { dnsName: `${stackName}-alb.example.com`, zoneId: "Z35SXDOTRQ7X7K", arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:loadbalancer/app/${stackName}/0` },
    "health-endpoint": { id: m.endpointId },
    "notifications-topic": { arn: m.topicArn, name: s.topic },
    // moto serves no KMS here: the workflow's key grant only needs an ARN (moto's IAM matches resources as "*").
    "notifications-key": { arn: `arn:aws:kms:${region}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000` },
    workflow: { name: program.workflow().name, arn: `arn:aws:states:${region}:${ACCOUNT}:stateMachine:${program.workflow().name}` },
  };
  if (program.resources["workflow-trigger"]) {
    const trigger = program.workflow("workflow-trigger").name;
    values["workflow-trigger"] = { name: trigger, arn: `arn:aws:states:${region}:${ACCOUNT}:stateMachine:${trigger}` };
  }
  for (const alarm of program.alarms()) {
    values[alarm.logical] = { name: alarm.name, arn: m.alarmArns[alarm.name] ?? `arn:aws:cloudwatch:${s.gate.region ?? region}:${ACCOUNT}:alarm:${alarm.name}` };
  }
  if (program.resources["control-table"]) values["control-table"] = { name: controlTable, arn: `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${controlTable}` };
  if (decisionTable && program.resources["decision-log-table"]) values["decision-log-table"] = { name: decisionTable, arn: `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${decisionTable}` };
  for (const [logical, r] of program.ofType("aws:cloudwatch/logGroup:LogGroup")) {
    values[logical] = { name: r.properties.name, arn: `arn:aws:logs:${region}:${ACCOUNT}:log-group:${r.properties.name}` };
  }
  for (const fn of program.functions()) {
    const role = roles[`${stackName}:${fn.key}`];
    values[fn.roleResource] = { arn: role.roleArn, id: role.roleArn.split("/").pop(), name: role.roleArn.split("/").pop() };
    values[fn.logical] = { name: fn.name, arn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${fn.name}` };
  }
  const workflowRole = roles[`${stackName}:workflow`];
  values[program.workflow().roleResource] = { arn: workflowRole.roleArn, id: workflowRole.roleArn.split("/").pop() };
  return values;
}

/**
 * Each function as Lambda would run it: compiled environment (interpolations resolved; one that cannot be is a finding),
 * handler, region, endpoints and its role's temporary credentials; nothing of this process's AWS_* environment leaks in.
 */
function prepareFunctions(functionSpecs, roles, { bootstrap, endpoint, standIns, findings, app }) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
  const functions = new Map();
  for (const { stackName, program, fn, key } of functionSpecs) {
    const credentials = roles[key];
    const environment = {};
    for (const [name, raw] of Object.entries(fn.environmentRaw)) {
      // The zone's name servers come from a deploy-time lookup no emulator serves: the world's own name server stands in.
      if (name === "HEALTH_ANSWER_NAME_SERVERS") {
        environment[name] = JSON.stringify([app.nameServer]);
        continue;
      }
      try {
        environment[name] = String(program.resolve(raw));
      } catch (e) {
        findings.push(`${stackName} ${fn.key}: environment ${name}: ${e.message}`);
      }
    }
    // The world's stand-ins for what no emulator serves: the primary's application, and a gate alarm period short enough that a
    // failback's open (published at the start of the next period) costs the drill a second, not a minute.
    if (environment.PRIMARY_PROBE_URL) environment.PRIMARY_PROBE_URL = `${app.url}${new URL(environment.PRIMARY_PROBE_URL).pathname}`;
    if (environment.GATE_PERIOD_SECONDS) environment.GATE_PERIOD_SECONDS = "1";
    functions.set(fn.name, new LambdaFunction({
      name: fn.name,
      arn: `arn:aws:lambda:${program.region}:${ACCOUNT}:function:${fn.name}`,
      bootstrap,
      timeoutSeconds: fn.timeoutSeconds,
      memoryMb: fn.memoryMb,
      env: {
        ...base,
        DOTNET_GCHeapHardLimit: HEAP_OF_128_MB_FUNCTION,
        ...environment,
        _HANDLER: fn.handler,
        AWS_REGION: program.region,
        AWS_DEFAULT_REGION: program.region,
        AWS_ENDPOINT_URL: endpoint,
        // Service Quotas and IAM (the readiness checks' quota and simulation, which moto lacks) through the stand-ins, which
        // moto checks first.
        ...standIns,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_SESSION_TOKEN: credentials.sessionToken,
      },
    }));
  }
  return functions;
}
