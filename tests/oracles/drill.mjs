// End-to-end drill under moto's IAM enforcement: the compiled programs' own state machines run in aws-local-stepfunctions,
// every Task calls the real native `bootstrap` (through a local Lambda Runtime API) with the compiled environment and
// temporary credentials of a role holding that function's compiled policy, against a moto that, after its setup, refuses
// every request that is unsigned, signed wrongly, or not allowed by the caller's policies.
//
//   node drill.mjs [--json] --primary primary.yaml --secondary secondary.yaml [--bootstrap PATH] [--failoverctl failoverctl.dll]
//                  [--scenarios failover,failback,drill,scheduled-drill,scheduled-drill-failed-over,readiness,report,
//                               denied-update-service,denied-put-metric-data,outage-failover,outage-failback,crowded-failover,
//                               repeated-blocked]
//                  [--runs N] [--cycles K]
//
// Scenarios: `direct-shift` (shift-traffic invoked directly, without the run's token: refused, nothing moves), `forged-alarm`
// (the triggers' entry point started with a forged alarm and force against a healthy primary: nothing moves, the claims are
// recorded as unverified and refused), `failover` (secondary's workflow, forced: the primary is healthy in moto), then `failback` (primary's workflow,
// with scale-standby scaling the secondary down in its region) and `drill` (secondary's workflow) in the same world;
// `scheduled-drill-failed-over` (after the failover) and `scheduled-drill` (after the operator's drill) start what the compiled
// drill schedule starts (its target machine and input; the secondary must set failover:drillSchedule) in that world too;
// then `readiness` (each stack's real readiness function, once, under IAM enforcement; Service Quotas and IAM's simulator
// answered by the Ops harness's stand-ins, which moto checks first) and `report` (the built `failoverctl report --output json`
// against the same moto, a stand-in `pulumi` giving the stacks' outputs, as an IAM user allowed dynamodb:GetItem only);
// `denied-*` each in a fresh world with one action taken out of one compiled policy: the failover must fail with the
// function's AccessDenied (errorType AwsServiceError) in the workflow, notify FAILED, release the lock and move no traffic.
// `outage-*` in a world of their own: the primary's region down and Route 53's API unreachable, the probe's failover, then the
// failback once the primary recovers (Route 53's API still down); every request a function makes is recorded by a proxy.
// A finding is an expectation not met; `--json` prints {scenarios: {NAME: {outcome, expected, findings, timings, ...}}}.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { runExecution } from "./drill/execution.mjs";
import { ACCOUNT, Program } from "./drill/program.mjs";
import { parseWorkflowArgs } from "./drill/args.mjs";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createWorld, destroyWorld, readinessPlan, stackOutputs } from "./drill/world.mjs";
import { setAlarm, snsPublish } from "./drill/aws.mjs";

/** Each denied-* scenario: which stack's function loses which action of its compiled policy. */
const DENIALS = {
  "denied-update-service": { stack: "secondary", fn: "scale-service", action: "ecs:UpdateService", failsIn: "ScaleUp" },
  // moto names CloudWatch's actions by its signing name (monitoring:) in an AccessDenied.
  "denied-put-metric-data": { stack: "secondary", fn: "shift-traffic", action: "cloudwatch:PutMetricData", reported: "monitoring:PutMetricData", failsIn: "ShiftTraffic" },
};
const MAIN = ["direct-shift", "forged-alarm", "failover", "scheduled-drill-failed-over", "failback", "drill", "scheduled-drill", "readiness", "report"];
/** A regional outage and the recovery from it, in one world of their own, in this order. */
const OUTAGE = ["outage-failover", "outage-still-down", "outage-failback"];
/** The recovery region short of capacity while the primary is down, in a world of its own. */
const CROWDED = ["crowded-failover"];
/** An outage held back by a block, started by the probe twice: announced once, then silent until the reminder. */
const REPEATED = ["repeated-blocked"];
const DEFAULT_SCENARIOS = [...MAIN, ...Object.keys(DENIALS), ...OUTAGE, ...CROWDED, ...REPEATED];

// ------------------------------------------------------------------------------------------------------------ arguments

function parseArgs(argv) {
  const options = parseWorkflowArgs(argv, {
    "--scenarios": (v, o) => { o.scenarios = v.split(",").map((s) => s.trim()).filter(Boolean); },
    "--runs": (v, o) => { o.runs = Number(v); },
    "--cycles": (v, o) => { o.cycles = Number(v); },
    "--failoverctl": (v, o) => { o.failoverctl = v; },
  }, usage, { runs: 1, cycles: 1, scenarios: DEFAULT_SCENARIOS,
    failoverctl: fileURLToPath(new URL("../../infra/Ops/bin/Release/net10.0/failoverctl.dll", import.meta.url)) });
  for (const s of options.scenarios) if (!MAIN.includes(s) && !DENIALS[s] && !OUTAGE.includes(s) && !CROWDED.includes(s) && !REPEATED.includes(s)) usage(`unknown scenario ${s}`);
  if (!(options.runs >= 1) || !(options.cycles >= 1)) usage("--runs and --cycles take a whole number >= 1");
  return options;
}

function usage(problem) {
  console.error(`${problem}\nusage: node drill.mjs [--json] --primary P.yaml --secondary S.yaml [--bootstrap PATH] [--failoverctl DLL] [--scenarios ${DEFAULT_SCENARIOS.join(",")}] [--runs N] [--cycles K]`);
  process.exit(2);
}

// ------------------------------------------------------------------------------------------------------------- the world

/**
 * The drill's world (drill/world.mjs) with the path every notification takes warmed (this process's signer and HTTP client,
 * moto's SNS-to-SQS delivery), so the timings measure the workflow, not the harness's first use; the first observation
 * drains these messages.
 */
async function createDrillWorld(programs, options, denial) {
  const world = await createWorld(programs, { bootstrap: options.bootstrap, roleSuffix: "drill", denial, standIns: denial === null });
  try {
    for (const [stackName, program] of Object.entries(programs)) {
      await snsPublish({ endpoint: world.moto.url, region: program.region, credentials: world.made.roles[`${stackName}:workflow`],
        topicArn: world.made.stacks[stackName].topicArn, subject: "warm-up", message: "{}" });
    }
    return world;
  } catch (e) {
    await destroyWorld(world);
    throw e;
  }
}

// -------------------------------------------------------------------------------------------------------- one execution

/**
 * Runs `program`'s compiled state machine once. Every lambda:invoke goes to the named function's bootstrap; every
 * sns:publish to moto with the workflow role's credentials; Waits take 0 ms. After every Task the `state` and `flag` items
 * are copied from this region's control table to the other's (moto has no global tables; the copy is timed and not
 * counted as the workflow's overhead, as replication runs beside a workflow on AWS, not inside it).
 */
async function execute(world, program, input, label, entry = "workflow") {
  const workflow = program.workflow(entry);
  const definition = program.resolve(workflow.definitionRaw);
  const peerRegion = program.region === world.spec.regions[0] ? world.spec.regions[1] : world.spec.regions[0];
  const workflowCredentials = world.made.roles[`${program.role}:workflow`];
  const executionName = `drill-${label}-${randomUUID().slice(0, 8)}`;
  const executionArn = `arn:aws:states:${program.region}:${ACCOUNT}:execution:${workflow.name}:${executionName}`;
  const tasks = [];
  const problems = [];
  let replicationMs = 0;

  const replicate = async () => {
    const t = performance.now();
    await world.moto.ask("replicate", program.region, peerRegion);
    replicationMs += performance.now() - t;
  };

  // moto enforces the workflow role's actions on the publish; what Step Functions itself would check, the drill checks
  // against the compiled (not widened) policy: each function invoked and the topic published to are granted by ARN.
  const grants = program.resolve(workflow.policyRaw).Statement.filter((st) => st.Effect === "Allow");
  const granted = (action, arn) => grants.some((st) => [st.Action].flat().includes(action) && [st.Resource].flat().some((r) => arnPattern(r).test(arn)));

  const handlers = {};
  const waits = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === "Wait") waits[name] = 0;
    if (state.Type === "Map" || state.Type === "Parallel") problems.push(`${name}: ${state.Type} states are not driven by the drill`);
    if (state.Type !== "Task") continue;
    if (state.Resource === "arn:aws:states:::lambda:invoke") {
      handlers[name] = async (parameters) => {
        const target = String(parameters.FunctionName ?? "");
        const fnName = target.startsWith("arn:") ? target.split(":")[6] : target.split(":")[0];
        const fn = world.functions.get(fnName);
        if (!fn) {
          const error = new Error(`Function not found: ${target}`);
          error.name = "Lambda.ResourceNotFoundException";
          tasks.push({ state: name, function: target, ms: 0, error: error.name });
          throw error;
        }
        if (!granted("lambda:InvokeFunction", target)) problems.push(`${name}: the workflow role's compiled policy does not grant lambda:InvokeFunction on ${target}`);
        const t = performance.now();
        const record = { state: name, function: fnName, payload: parameters.Payload };
        try {
          const { cold, response } = await fn.invoke(parameters.Payload);
          Object.assign(record, { ms: performance.now() - t, cold, response });
          return { Payload: response, StatusCode: 200, ExecutedVersion: "$LATEST" };
        } catch (e) {
          Object.assign(record, { ms: performance.now() - t, error: e.name, cause: e.message });
          throw e;
        } finally {
          tasks.push(record);
          await replicate();
        }
      };
    } else if (state.Resource === "arn:aws:states:::sns:publish") {
      handlers[name] = async (parameters) => {
        if (!granted("sns:Publish", parameters.TopicArn)) problems.push(`${name}: the workflow role's compiled policy does not grant sns:Publish on ${parameters.TopicArn}`);
        const t = performance.now();
        const record = { state: name, topic: parameters.TopicArn };
        try {
          const result = await snsPublish({ endpoint: world.moto.url, region: program.region, credentials: workflowCredentials,
            topicArn: parameters.TopicArn, subject: parameters.Subject, message: parameters.Message });
          return result;
        } catch (e) {
          Object.assign(record, { error: e.name, cause: e.message });
          throw e;
        } finally {
          record.ms = performance.now() - t;
          tasks.push(record);
        }
      };
    } else {
      problems.push(`${name}: resource ${state.Resource} is not driven by the drill`);
    }
  }

  // Step Functions knows the run while it runs (decide asks it), and knows it ended after.
  await world.moto.ask("start-execution", program.region, workflow.name, executionName);
  const { status, output, error, events, wallMs } = await runExecution({
    definition, input, handlers, waits, executionArn, executionName, roleArn: workflowCredentials.roleArn,
    region: program.region, stateMachineName: workflow.name,
  }).finally(() => world.moto.ask("stop-execution", executionArn));

  // Time in Wait states, from the execution's own event log.
  let waitMs = 0;
  const entered = new Map();
  const visited = [];
  let retries = 0;
  for (const e of events) {
    if (e.type === "StateEntered") {
      visited.push(e.state.name);
      entered.set(e.state.name, e.timestamp);
    } else if (e.type === "StateExited" && e.state.type === "Wait") {
      waitMs += e.timestamp - (entered.get(e.state.name) ?? e.timestamp);
    } else if (e.type === "StateRetried") retries++;
  }
  const byState = {};
  for (const t of tasks) (byState[t.state] ??= []).push(round(t.ms));
  return {
    executionArn,
    status,
    output,
    error,
    visited,
    retries,
    tasks,
    problems,
    timings: {
      wallMs: round(wallMs),
      waitMs: round(waitMs),
      replicationMs: round(replicationMs),
      overheadMs: round(wallMs - waitMs - replicationMs),
      taskMs: byState,
      coldStarts: tasks.filter((t) => t.cold).map((t) => t.function),
      workflow: workflowTimings(output?.timings),
    },
  };
}

/** An IAM resource with `*` and `?` wildcards as a regular expression. */
function arnPattern(resource) {
  const escaped = resource.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

const round = (ms) => Math.round(ms * 10) / 10;

/** The execution's own stamps ($.timings: started, decided, ready, finished) as offsets from its start, in ms. */
function workflowTimings(timings) {
  if (!timings?.started?.at) return null;
  const start = Date.parse(timings.started.at);
  return Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, { at: v.at, ms: Date.parse(v.at) - start }]));
}

// ---------------------------------------------------------------------------------------------------------- expectations

/** Collects findings: an expectation not met, phrased as what was expected and what was seen. */
class Expect {
  constructor() {
    this.findings = [];
  }

  that(ok, message) {
    if (!ok) this.findings.push(message);
    return ok;
  }

  equal(actual, expected, what) {
    return this.that(canonical(actual) === canonical(expected), `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** JSON with sorted keys: equality of documents, not of key order. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  return JSON.stringify(value ?? null);
}

const envOf = (world, program, key) => {
  const fn = program.functions().find((f) => f.key === key);
  return fn ? world.functions.get(fn.name).env : {};
};
const num = (v) => Number(v);
const events = (messages) => (messages ?? []).map((m) => m.message?.event);
const lockFields = (state) => Object.keys(state ?? {}).filter((k) => k.startsWith("lock"));

function commonChecks(expect, result, world, program, before, after, decision) {
  const region = program.region;
  const peer = world.spec.regions.find((r) => r !== region);
  for (const p of result.problems) expect.that(false, p);
  expect.equal(result.output?.decision?.decision ?? result.tasks.find((t) => t.state === "Decide")?.response?.decision, decision, "decide's decision");
  // The world's primary is healthy: each source of evidence must say so. A source decide could not read (a grant missing
  // from its policy, refused by moto) would read UNKNOWN and a forced run would still act, so this is where it shows.
  const evidence = result.tasks.find((t) => t.state === "Decide")?.response?.health?.evidence ?? [];
  expect.equal(evidence.map((e) => [e.source, e.verdict]), [["route53-endpoint", "HEALTHY"], ["primary-alarms", "HEALTHY"], ["direct-probe", "HEALTHY"], ["route53-dns", "HEALTHY"]],
    `decide's evidence (${evidence.map((e) => e.detail).join("; ")})`);
  const state = after.state[region];
  expect.that(lockFields(state).length === 0, `the lock is still held in ${region}: ${JSON.stringify(Object.fromEntries(lockFields(state).map((k) => [k, state[k]])))}`);
  expect.equal(after.state[peer], state, `the state item replicated to ${peer} (simulated global table)`);
  const decided = (after.decisions[region] ?? []).find((d) => d.pk === `decision#${result.executionArn}`);
  expect.that(decided?.decision === decision, `decision record decision#<execution> in ${region}'s decision log with ${decision}: got ${JSON.stringify(decided ?? null)}`);
  expect.that(result.retries === 0, `${result.retries} retries happened (every call should succeed or be refused at once under moto)`);
}

/**
 * The run as release-lock measured it at its end: its record on the run's decision record (`measured`), first in its region's
 * run index (`runs`: `recent`, `lastSucceededDrill`). Returned for the scenario's JSON, where the tests assert its phases.
 */
function measuredRun(expect, result, after, region) {
  const parse = (text) => { try { return text ? JSON.parse(text) : null; } catch { return null; } };
  const decided = (after.decisions[region] ?? []).find((d) => d.pk === `decision#${result.executionArn}`);
  const measured = parse(decided?.measured);
  expect.that(measured?.execution === result.executionArn, `a measured record on decision#<execution> in ${region}'s decision log: got ${JSON.stringify(decided?.measured ?? null)}`);
  const runs = after.runs?.[region];
  const recent = parse(runs?.recent) ?? [];
  expect.equal(recent[0], measured, `the run first in ${region}'s run index (recent)`);
  return { measured, index: { recent: recent.map((r) => r.execution), lastSucceededDrill: parse(runs?.lastSucceededDrill)?.execution ?? null, version: runs?.version ?? null } };
}

function checkNotices(expect, messages, expected, program, executionArn, others) {
  expect.equal(events(messages), expected, `notifications delivered to the ${program.role} topic's queue`);
  for (const m of messages ?? []) {
    expect.that(m.message?.execution === executionArn, `notification ${m.message?.event} names execution ${m.message?.execution}, not ${executionArn}`);
    expect.that(m.subject === `[failover] ${m.message?.event} in ${program.region}`, `notification subject ${JSON.stringify(m.subject)}`);
    expect.that(m.message?.region === program.region, `notification region ${m.message?.region}`);
  }
  expect.equal(events(others), [], "notifications on the other stack's topic");
}

// ------------------------------------------------------------------------------------------------ only the workflow acts

/**
 * Someone allowed to invoke shift-traffic calls it directly with a valid input: without the run's token it refuses
 * (LockNotHeld), with no lock taken and with the execution ARN every notice prints alike, and the gate stays where it was.
 */
async function directShift(world) {
  const { secondary } = world.programs;
  const before = await world.moto.ask("observe");
  const expect = new Expect();
  const shift = world.functions.get(secondary.functions().find((f) => f.key === "shift-traffic").name);
  const notified = `arn:aws:states:${secondary.region}:${ACCOUNT}:execution:${secondary.workflow().name}:printed-in-a-notice`;
  const attempts = [];
  for (const payload of [{ action: "failover" }, { action: "failover", lockId: notified }]) {
    try {
      const { response } = await shift.invoke(payload);
      attempts.push({ payload, response });
      expect.that(false, `shift-traffic acted on ${JSON.stringify(payload)}: ${JSON.stringify(response)}`);
    } catch (e) {
      attempts.push({ payload, error: e.name });
      expect.equal(e.name, "LockNotHeld", `shift-traffic's error for ${JSON.stringify(payload)}`);
    }
  }
  const after = await world.moto.ask("observe");
  expect.equal(after.gates, before.gates, "no traffic gate moved");
  expect.equal(events(after.messages.secondary), [], "nothing was announced: nothing happened");
  return { outcome: "REFUSED", expected: "REFUSED", findings: expect.findings, attempts, after: { gates: after.gates } };
}

/**
 * Someone allowed to start the triggers' entry point starts it with a fresh alarm in ALARM and `force`, against a healthy
 * primary: the alarm's live state denies the claim, force is refused at that entry point, nothing moves, and the decision
 * record keeps what was claimed apart from what was verified.
 */
async function forgedAlarm(world, label) {
  const { secondary } = world.programs;
  const before = await world.moto.ask("observe");
  const alarmName = secondary.peer.alarms()[0].name;
  const forged = {
    action: "failover", source: `alarm ${alarmName} in ${secondary.peer.region}`, unattended: true, force: true,
    alarm: { alarmName, state: { value: "ALARM", reason: "forged", timestamp: new Date().toISOString().replace("Z", "+0000") } },
  };
  const result = await execute(world, secondary, forged, label, "workflow-trigger");
  const after = await world.moto.ask("observe");
  const expect = new Expect();
  for (const p of result.problems) expect.that(false, p);
  const decided = result.tasks.find((t) => t.state === "Decide")?.response;
  expect.equal(decided?.decision, "NO_ACTION", "decide's decision on a forged alarm against a healthy primary");
  expect.equal(decided?.entry, "trigger", "the entry point, as Step Functions says");
  const claims = Object.fromEntries((decided?.claims ?? []).map((c) => [c.claim, c.status]));
  expect.equal(claims.alarm, "unverified", "the alarm's claim, as decide recorded it");
  // The triggers' entry point drops the input's force before decide (decide would refuse it there too).
  const asked = result.tasks.find((t) => t.state === "Decide")?.payload;
  expect.that(asked?.force === false && asked?.unattended === true && claims.force !== "verified",
    `a trigger's start reaches decide unforced and unattended: ${JSON.stringify({ force: asked?.force, unattended: asked?.unattended, claim: claims.force })}`);
  expect.equal(after.gates, before.gates, "no traffic gate moved");
  expect.that(lockFields(after.state[secondary.region]).length === 0, "no lock taken");
  const record = (after.decisions[secondary.region] ?? []).find((d) => d.pk === `decision#${result.executionArn}`);
  expect.that(String(record?.claims).includes('"claim":"alarm","status":"unverified"') && record?.entry === "trigger",
    `the decision record keeps the claim apart: ${JSON.stringify(record ?? null).slice(0, 400)}`);
  return report(result, expect, "SUCCEEDED", after.messages.secondary, after);
}

async function failover(world, label) {
  const { primary, secondary } = world.programs;
  const before = await world.moto.ask("observe");
  const result = await execute(world, secondary, { action: "failover", source: "drill-test", force: true, reason: "e2e" }, label);
  const after = await world.moto.ask("observe");
  const expect = new Expect();
  const env = envOf(world, secondary, "scale-service");
  const epoch = num(before.state[secondary.region]?.epoch ?? 0);
  if (expect.that(result.status === "SUCCEEDED", `the execution ended ${result.status}: ${JSON.stringify(result.error)}`)) {
    expect.equal(result.output.release, { released: true, stateRecorded: true, reason: result.output.release.reason, epoch: epoch + 1, recorded: true }, "release-lock's answer");
  }
  commonChecks(expect, result, world, secondary, before, after, "FAILOVER");
  expect.equal(after.gates.primary.inverted, true, "the primary's traffic gate inverted (traffic moved to the secondary)");
  expect.equal(after.gates.secondary.inverted, false, "the secondary's own gate untouched");
  // decide reads the primary's size in its region under IAM enforcement: a denied read would leave it 0 without failing the run.
  expect.equal(result.tasks.find((t) => t.state === "Decide")?.response?.primaryDesiredCount, before.services.primary.desired,
    "decide read the primary's desired count (the failover's scale target)");
  expect.equal(after.services.secondary.desired, Math.max(num(env.ACTIVE_DESIRED_COUNT), before.services.primary.desired),
    "the secondary's desired count raised to the active count, or the primary's when it ran more");
  expect.equal(after.scalableTargets.secondary.min, num(env.ACTIVE_MIN_CAPACITY), "the secondary's scaling floor raised to the active floor");
  expect.equal(after.services.primary, before.services.primary, "the primary's service untouched by a failover");
  const state = after.state[secondary.region] ?? {};
  expect.equal(state.activeRegion, secondary.region, "state activeRegion");
  expect.equal(num(state.epoch), epoch + 1, "state epoch");
  expect.equal(state.lastAction, "failover", "state lastAction");
  expect.that(result.visited.indexOf("ScaleUp") < result.visited.indexOf("ShiftTraffic") && result.visited.includes("CheckReadiness"),
    `scale and verify before shifting: states visited ${result.visited.join(" > ")}`);
  checkNotices(expect, after.messages.secondary, ["INITIATED", "SUCCEEDED"], secondary, result.executionArn, after.messages.primary);
  const run = measuredRun(expect, result, after, secondary.region);
  return { ...report(result, expect, "SUCCEEDED", after.messages.secondary, after), measured: run.measured, runIndex: run.index };
}

async function failback(world, label) {
  const { primary, secondary } = world.programs;
  const before = await world.moto.ask("observe");
  const result = await execute(world, primary, { action: "failback", source: "drill-test", force: true, reason: "e2e" }, label);
  const after = await world.moto.ask("observe");
  const expect = new Expect();
  const standbyEnv = envOf(world, primary, "scale-standby");
  const activeEnv = envOf(world, primary, "scale-service");
  const epoch = num(before.state[primary.region]?.epoch ?? 0);
  if (expect.that(result.status === "SUCCEEDED", `the execution ended ${result.status}: ${JSON.stringify(result.error)}`)) {
    expect.equal(result.output.release, { released: true, stateRecorded: true, reason: result.output.release.reason, epoch: epoch + 1, recorded: true }, "release-lock's answer");
    expect.that(result.output.standby && !("Error" in result.output.standby) && result.output.standby.desiredCount === num(standbyEnv.STANDBY_DESIRED_COUNT),
      `scale-standby's answer (a failure there is reported in SUCCEEDED, not as a failed failback): ${JSON.stringify(result.output.standby)}`);
  }
  commonChecks(expect, result, world, primary, before, after, "FAILBACK");
  const standbyCall = result.tasks.find((t) => t.state === "ScaleDownStandby");
  expect.that(standbyCall?.function === primary.functions().find((f) => f.key === "scale-standby")?.name,
    `ScaleDownStandby calls the primary's scale-standby function: got ${standbyCall?.function}`);
  expect.equal(after.gates.primary.inverted, false, "the primary's traffic gate restored (traffic back on the primary)");
  expect.equal(standbyEnv.SERVICE_REGION, secondary.region, "scale-standby's SERVICE_REGION");
  expect.equal(after.services.secondary.desired, num(standbyEnv.STANDBY_DESIRED_COUNT), "the secondary's desired count back to standby (through SERVICE_REGION)");
  expect.equal(after.scalableTargets.secondary.min, num(standbyEnv.STANDBY_MIN_CAPACITY), "the secondary's scaling floor back to standby");
  expect.equal(after.services.primary.desired, num(activeEnv.ACTIVE_DESIRED_COUNT), "the primary's desired count at the active count");
  expect.equal(after.scalableTargets.primary.min, num(activeEnv.ACTIVE_MIN_CAPACITY), "the primary's scaling floor at the active floor");
  const state = after.state[primary.region] ?? {};
  expect.equal(state.activeRegion, primary.region, "state activeRegion");
  expect.equal(num(state.epoch), epoch + 1, "state epoch");
  expect.equal(state.lastAction, "failback", "state lastAction");
  expect.that(result.visited.indexOf("ShiftTraffic") < result.visited.indexOf("ScaleDownStandby"),
    `the secondary is scaled down only after the gate is restored: states visited ${result.visited.join(" > ")}`);
  checkNotices(expect, after.messages.primary, ["INITIATED", "SUCCEEDED"], primary, result.executionArn, after.messages.secondary);
  const run = measuredRun(expect, result, after, primary.region);
  return { ...report(result, expect, "SUCCEEDED", after.messages.primary, after), measured: run.measured, runIndex: run.index };
}

async function drill(world, label) {
  const { secondary } = world.programs;
  const before = await world.moto.ask("observe");
  const input = { action: "drill", source: "drill-test", reason: "e2e" };
  const result = await execute(world, secondary, input, label);
  const after = await world.moto.ask("observe");
  const expect = new Expect();
  checkDrill(expect, world, result, before, after);
  // What scheduled-drill compares its notices with.
  world.operatorDrill = { source: input.source, notices: after.messages.secondary };
  const run = measuredRun(expect, result, after, secondary.region);
  return { ...report(result, expect, "SUCCEEDED", after.messages.secondary, after), measured: run.measured, runIndex: run.index };
}

/** What every drill that runs must do: scale the standby up, check it, scale it back, move nothing, say so twice. */
function checkDrill(expect, world, result, before, after) {
  const { secondary } = world.programs;
  const env = envOf(world, secondary, "scale-service");
  expect.that(result.status === "SUCCEEDED", `the execution ended ${result.status}: ${JSON.stringify(result.error)}`);
  commonChecks(expect, result, world, secondary, before, after, "DRILL");
  expect.equal(after.gates, before.gates, "no traffic gate changed (a drill moves no traffic)");
  expect.that(!result.visited.includes("ShiftTraffic"), `a drill never reaches ShiftTraffic: states visited ${result.visited.join(" > ")}`);
  const up = result.tasks.find((t) => t.state === "ScaleUp")?.response;
  const down = result.tasks.find((t) => t.state === "DrillScaleBack")?.response;
  expect.that(up?.desiredCount === num(env.ACTIVE_DESIRED_COUNT) && up?.minCapacity === num(env.ACTIVE_MIN_CAPACITY),
    `the drill scaled the secondary up to the active size first: ${JSON.stringify(up)}`);
  expect.that(down?.desiredCount === num(env.STANDBY_DESIRED_COUNT) && down?.minCapacity === num(env.STANDBY_MIN_CAPACITY),
    `then back to standby: ${JSON.stringify(down)}`);
  expect.equal(after.services.secondary.desired, num(env.STANDBY_DESIRED_COUNT), "the secondary's desired count after the drill");
  expect.equal(after.scalableTargets.secondary.min, num(env.STANDBY_MIN_CAPACITY), "the secondary's scaling floor after the drill");
  const [was, is] = [before.state[secondary.region] ?? {}, after.state[secondary.region] ?? {}];
  expect.equal([is.activeRegion, is.epoch], [was.activeRegion, was.epoch], "state activeRegion and epoch (a drill records no transition)");
  expect.equal(result.output?.release?.stateRecorded, false, "release-lock recorded no transition for a drill");
  const stamps = result.timings.workflow;
  expect.that(stamps && ["started", "decided", "ready", "finished"].every((k) => k in stamps), `the drill's timings in its output: ${JSON.stringify(stamps)}`);
  checkNotices(expect, after.messages.secondary, ["INITIATED", "SUCCEEDED"], secondary, result.executionArn, after.messages.primary);
  expect.that(JSON.stringify(after.messages.secondary.find((m) => m.message?.event === "SUCCEEDED")?.message?.timings ?? {}).includes("ready"),
    "the SUCCEEDED notice carries the drill's timings");
}

// ------------------------------------------------------------------------------------------------------- scheduled drills

/** The compiled drill schedule's target: the state machine it starts (by logical name) and the fixed input it starts it with. */
function scheduledStart(program) {
  if (!program.resources["drill-schedule"]) throw new Error("the compiled secondary schedules no drill (failover:drillSchedule is unset)");
  const target = program.resource("drill-schedule").properties.target;
  return { entry: /^\$\{(.+)\.arn\}$/.exec(target.arn)?.[1], input: JSON.parse(target.input) };
}

/** A notice's words, with its source (which differs between who started a drill) replaced. */
const words = (message, source) => ({
  event: message?.event, action: message?.action, decision: message?.decision, why: message?.why,
  summary: String(message?.summary).replaceAll(`(${source})`, "(SOURCE)"),
});

/**
 * The drill schedule's start, as the compiled schedule has it (its target machine, its input), after the operator's drill in
 * the same world: it drills exactly as that one did, through the triggers' entry point, unattended and unforced, and its
 * notices say the same words apart from the source.
 */
async function scheduledDrill(world, label) {
  const { secondary } = world.programs;
  const { entry, input } = scheduledStart(secondary);
  const before = await world.moto.ask("observe");
  const result = await execute(world, secondary, input, label, entry);
  const after = await world.moto.ask("observe");
  const expect = new Expect();
  expect.equal(entry, "workflow-trigger", "the machine the drill schedule starts (the triggers' entry point)");
  const decided = result.tasks.find((t) => t.state === "Decide");
  expect.that(decided?.payload?.force === false && decided?.payload?.unattended === true && decided?.response?.entry === "trigger",
    `the scheduled drill reaches decide unforced, unattended, from the triggers' entry point: ${JSON.stringify({ force: decided?.payload?.force, unattended: decided?.payload?.unattended, entry: decided?.response?.entry })}`);
  checkDrill(expect, world, result, before, after);
  // What the report must print.
  world.scheduledDrill = result.executionArn;
  const operator = world.operatorDrill;
  if (expect.that(operator, "the operator's drill (scenario drill) runs first in this world, to compare the notices with")) {
    expect.equal(after.messages.secondary.map((m) => words(m.message, input.source)), operator.notices.map((m) => words(m.message, operator.source)),
      "the scheduled drill's notices in the operator's drill's words, apart from the source");
  }
  return report(result, expect, "SUCCEEDED", after.messages.secondary, after);
}

/**
 * The drill schedule fires while traffic is failed over (right after the failover scenario): decide refuses it, saying why;
 * nothing is scaled, no lock taken, no gate moved, and with a healthy primary nothing is announced.
 */
async function scheduledDrillFailedOver(world, label) {
  const { secondary } = world.programs;
  const { entry, input } = scheduledStart(secondary);
  const before = await world.moto.ask("observe");
  const expect = new Expect();
  expect.equal(before.state[secondary.region]?.activeRegion, secondary.region, "traffic is failed over before the scheduled drill (scenario failover runs first)");
  const result = await execute(world, secondary, input, label, entry);
  const after = await world.moto.ask("observe");
  expect.that(result.status === "SUCCEEDED" && result.visited.includes("NoAction"), `the run ends in NoAction: ${result.status}, ${result.visited.join(" > ")}`);
  commonChecks(expect, result, world, secondary, before, after, "NO_ACTION");
  const reason = String(result.output?.decision?.reason);
  expect.that(reason.startsWith("traffic is failed over: the standby is serving, so not drilling"), `NO_ACTION says why: ${reason}`);
  expect.that(!result.visited.includes("ScaleUp"), `nothing is scaled: states visited ${result.visited.join(" > ")}`);
  expect.equal(after.services, before.services, "every service's desired count untouched");
  expect.equal(after.scalableTargets, before.scalableTargets, "every scaling floor untouched");
  expect.equal(after.gates, before.gates, "no traffic gate moved");
  checkNotices(expect, after.messages.secondary, [], secondary, result.executionArn, after.messages.primary);
  return report(result, expect, "SUCCEEDED", after.messages.secondary, after);
}

// -------------------------------------------------------------------------------------------------- readiness and report

/**
 * Each check's verdict in this world after its runs where it is not `pass`, and why: what moto cannot show. Every other check
 * passes, on both stacks: the world is consistent (both plans written, the same task definition in both regions, alarms OK, the
 * lock free, the gate where the table says, the drills just run and recorded in the replicated run index).
 */
const READINESS_NOT_PASSING = {
  "same-image": { status: "unknown", why: "moto starts no task, so none reports the digest it pulled, and the image is in no private ECR registry to resolve its tag in" },
};

/**
 * After the drills: each stack's real readiness function, once, with its compiled environment and its role's credentials under
 * moto's IAM enforcement (the quota and the simulation through the stand-ins, which moto checks first). Its role must allow every
 * read its checks make (no sentence says AccessDenied), the checks must say what the world is, and the metrics must be in moto.
 */
async function readiness(world) {
  const expect = new Expect();
  const stacks = {};
  for (const [stackName, program] of Object.entries(world.programs)) {
    const fn = world.functions.get(program.functions().find((f) => f.key === "readiness")?.name);
    if (!expect.that(fn, `the ${stackName} program has a readiness function`)) continue;
    const since = world.proxy.requests.length;
    let report = null;
    try {
      report = (await fn.invoke({ source: "drill-test" })).response;
    } catch (e) {
      expect.that(false, `${stackName}'s readiness function failed: ${e.name}: ${e.message}`);
    }
    const results = report?.results ?? [];
    expect.equal(results.length, 11, `${stackName}'s readiness results`);
    for (const r of results) {
      expect.that(!/AccessDenied|not authorized/i.test(r.why), `${stackName} ${r.check}: its role lacks a read the check makes: ${r.why}`);
      expect.equal(r.status, READINESS_NOT_PASSING[r.check]?.status ?? "pass", `${stackName}'s ${r.check} (${r.why})`);
    }
    const metrics = await world.moto.ask("metrics", program.region, "Failover/Readiness", 10);
    const value = (name, dimensions) => metrics.find((m) => m.name === name && canonical(m.dimensions) === canonical(dimensions))?.value ?? null;
    expect.equal(value("ChecksFailing", { Stack: report?.stack }), results.filter((r) => r.status === "fail").length, `${stackName}'s ChecksFailing in ${program.region}'s CloudWatch`);
    for (const r of results) {
      const dimensions = { Stack: report?.stack, Check: r.check };
      expect.equal([value("CheckFailed", dimensions), value("CheckUnknown", dimensions)],
        [r.status === "unknown" ? null : r.status === "fail" ? 1 : 0, r.status === "unknown" ? 1 : 0], `${stackName}'s ${r.check} metrics in ${program.region}'s CloudWatch`);
    }
    stacks[stackName] = { report, metrics, requests: requestsBy(world, since) };
  }
  return { outcome: expect.findings.length ? "FINDINGS" : "ANSWERED", expected: "ANSWERED", findings: expect.findings, notPassing: READINESS_NOT_PASSING, stacks };
}

/**
 * After the drills: the built `failoverctl report --output json`, as an operator runs it against this world. A stand-in `pulumi`
 * (tests/Ops.Tests/Harness/pulumi.py) answers each stack's outputs as the deploy would have them, and the operator is an IAM user
 * allowed dynamodb:GetItem and nothing else. It must print the scheduled drill just run, phase by phase as release-lock measured
 * it, beside the secondary's model (its plan's typical figure and bound).
 */
async function failoverctlReport(world, options) {
  const expect = new Expect();
  if (!existsSync(options.failoverctl)) {
    expect.that(false, `${options.failoverctl} is missing: build it with \`dotnet build infra/Ops -c Release\` (tests/run.sh builds it)`);
    return { outcome: "ERROR", expected: "READ", findings: expect.findings };
  }
  const dir = await mkdtemp(join(tmpdir(), "drill-report-"));
  try {
    const bin = join(dir, "bin");
    await mkdir(join(dir, "answers"), { recursive: true });
    await mkdir(bin);
    await copyFile(fileURLToPath(new URL("../Ops.Tests/Harness/pulumi.py", import.meta.url)), join(bin, "pulumi"));
    await chmod(join(bin, "pulumi"), 0o755);
    for (const [stack, program] of Object.entries(world.programs))
      await writeFile(join(dir, "answers", `stack-output.${stack}.json`), JSON.stringify({ exit: 0, stdout: JSON.stringify(stackOutputs(program)) }));
    await writeFile(join(dir, "Pulumi.yaml"), "name: failover\nruntime: yaml\n");
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
    Object.assign(env, {
      PATH: `${bin}:${process.env.PATH}`, FAKE_PULUMI_DIR: dir, FAILOVERCTL_CACHE_DIR: join(dir, "outputs-cache"),
      AWS_ENDPOINT_URL: world.moto.url, AWS_REGION: world.programs.primary.region,
      AWS_ACCESS_KEY_ID: world.made.reader.accessKeyId, AWS_SECRET_ACCESS_KEY: world.made.reader.secretAccessKey,
    });
    const run = await new Promise((resolve) => execFile("dotnet", [options.failoverctl, "report", "--output", "json"],
      { cwd: dir, env, timeout: 120_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => resolve({ exit: error ? error.code ?? -1 : 0, stdout, stderr })));
    let printed = null;
    try { printed = JSON.parse(run.stdout); } catch { /* named below */ }
    expect.that(run.exit === 0 && printed, `failoverctl report ended ${run.exit} with ${run.stdout.slice(0, 400)} ${run.stderr.slice(0, 1000)}`);
    const after = await world.moto.ask("observe");
    const { secondary } = world.programs;
    const recorded = JSON.parse(after.runs[secondary.region]?.recent ?? "[]").find((r) => r.execution === world.scheduledDrill);
    const shown = printed?.runs?.find((r) => r.execution === world.scheduledDrill);
    const model = readinessPlan(secondary).model;
    if (expect.that(world.scheduledDrill && shown, `the report shows the scheduled drill ${world.scheduledDrill}: it shows ${JSON.stringify(printed?.runs?.map((r) => r.execution))}`)) {
      expect.equal([shown.action, shown.outcome], ["drill", "SUCCEEDED"], "the scheduled drill's action and outcome in the report");
      expect.equal(shown.phases.map((p) => [p.phase, p.measuredSeconds ?? null]), Object.entries(recorded?.phases ?? {}).filter(([phase, v]) => v !== null || model.phases.some((m) => m.phase === phase)),
        "each phase as release-lock measured it in the decision log");
      expect.equal(shown.phases.map((p) => [p.phase, p.typicalSeconds, p.boundSeconds]), model.phases.map((p) => [p.phase, p.typicalSeconds, p.boundSeconds]),
        "each phase beside the secondary's model (its readiness plan's typical figure and bound)");
      expect.equal(shown.objectiveSeconds, model.objectiveSeconds, "the objective the run is held to");
    }
    return { outcome: run.exit === 0 ? "READ" : "FAILED", expected: "READ", findings: expect.findings, executionArn: world.scheduledDrill,
      report: printed, model, recorded, stderr: run.stderr.slice(0, 2000) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function denied(world, label, denial) {
  const { secondary } = world.programs;
  const before = await world.moto.ask("observe");
  const result = await execute(world, secondary, { action: "failover", source: "drill-test", force: true, reason: "e2e" }, label);
  const after = await world.moto.ask("observe");
  const expect = new Expect();
  expect.that(result.status === "FAILED", `the execution must fail when ${denial.fn} lacks ${denial.action}: it ended ${result.status}`);
  expect.equal(result.error?.Error, "AwsServiceError", "the execution's error (the function's errorType reaches the workflow)");
  const cause = String(result.error?.Cause ?? "");
  const reported = denial.reported ?? denial.action;
  expect.that(/AccessDenied/.test(cause) && cause.includes(reported), `the execution's cause names AccessDenied and ${reported}: ${cause.slice(0, 400)}`);
  const failed = result.tasks.find((t) => t.error);
  expect.that(failed?.state === denial.failsIn && failed?.error === "AwsServiceError",
    `the first failing task is ${denial.failsIn} with AwsServiceError: got ${failed?.state} ${failed?.error}`);
  for (const p of result.problems) expect.that(false, p);
  const state = after.state[secondary.region] ?? {};
  expect.that(lockFields(state).length === 0, `the lock is released after the failure: ${JSON.stringify(state)}`);
  const release = result.tasks.find((t) => t.state === "ReleaseAfterFailure")?.response;
  expect.that(release?.released === true && release?.stateRecorded === false, `release-lock on the failure path: ${JSON.stringify(release)}`);
  expect.that(state.activeRegion !== secondary.region && num(state.epoch ?? 0) === num(before.state[secondary.region]?.epoch ?? 0),
    `no transition recorded: ${JSON.stringify({ activeRegion: state.activeRegion, epoch: state.epoch })}`);
  expect.equal(after.gates.primary.inverted, false, "the primary's traffic gate (no traffic shifted)");
  expect.equal(events(after.messages.secondary), ["INITIATED", "FAILED"], "notifications delivered to the secondary topic's queue");
  const notice = after.messages.secondary.find((m) => m.message?.event === "FAILED")?.message;
  expect.that(notice?.error?.Error === "AwsServiceError" && String(notice?.error?.Cause).includes(reported),
    `the FAILED notice carries the error: ${JSON.stringify(notice?.error ?? null).slice(0, 400)}`);
  const scenario = report(result, expect, "FAILED", after.messages.secondary, after);
  scenario.denied = { function: `${denial.stack}/${denial.fn}`, action: denial.action };
  return scenario;
}

// ------------------------------------------------------------------------------------------------------- regional outage

/** Each recorded request with the role that signed it (`secondary:decide`, by its credentials' access key). */
function requestsBy(world, since) {
  const roleOf = new Map(Object.entries(world.made.roles).map(([key, c]) => [c.accessKeyId, key]));
  return world.proxy.requests.slice(since).map((r) => ({ role: roleOf.get(r.accessKeyId) ?? r.accessKeyId, ...r, accessKeyId: undefined }));
}

/** decide's reads of the primary's health (and of its size, the failover's scale target): evidence, which a dead region makes
 * UNKNOWN (or the size unread); never part of moving traffic. */
const EVIDENCE_READS = [/^GET \/2013-04-01\/healthcheck\/[^/]+\/status$/, /^DescribeAlarms$/, /^AmazonEC2ContainerServiceV20141113\.DescribeServices$/];

/**
 * The primary's region is down (its application resets every connection, every AWS endpoint signed for that region resets) and
 * Route 53's control plane does not answer: the probe's unattended start must still decide (its own probe and Route 53's DNS
 * answer confirm the outage), scale, move traffic and record it, and no function but decide's evidence reads may even try the
 * primary's region or Route 53's API.
 */
async function outageFailover(world, label) {
  const { primary, secondary } = world.programs;
  world.app.down = true;
  world.proxy.refuse = (r) => r.service === "route53" || r.region === primary.region;
  const since = world.proxy.requests.length;
  // Someone forged a lock to hold the failover off: a lease 40 hours ahead, owned by an execution that never ran.
  const forgedOwner = `arn:aws:states:${secondary.region}:${ACCOUNT}:execution:${secondary.workflow().name}:forged`;
  await world.moto.ask("forge-lock", secondary.region, forgedOwner, 40 * 3600);
  const before = await world.moto.ask("observe");
  // The probe's unattended start, through the triggers' entry point: with us-east-1 gone, Route 53's DNS confirms decide's own probe.
  const result = await execute(world, secondary,
    { action: "failover", source: "probe failover-secondary-probe", reason: "scheduled look at the primary's health", unattended: true }, label,
    "workflow-trigger");
  const after = await world.moto.ask("observe");
  const requests = requestsBy(world, since);
  const expect = new Expect();
  const env = envOf(world, secondary, "scale-service");
  for (const p of result.problems) expect.that(false, p);
  expect.that(result.status === "SUCCEEDED", `the execution ended ${result.status}: ${JSON.stringify(result.error)}`);
  const decided = result.tasks.find((t) => t.state === "Decide")?.response;
  expect.equal(decided?.decision, "FAILOVER", "decide's decision for the probe's start with the primary down");
  expect.that(decided?.alert === true && /lock in the control table is unreadable|is no lock/.test(String(decided?.reason)),
    `the forged lock is named and alerted, not honoured: ${JSON.stringify({ alert: decided?.alert, reason: decided?.reason })}`);
  expect.equal(decided?.health?.confirmed, true, "two families confirm the outage: decide's probe and Route 53's checkers, read from its DNS");
  const evidence = decided?.health?.evidence ?? [];
  expect.equal(evidence.map((e) => [e.source, e.verdict]),
    [["route53-endpoint", "UNKNOWN"], ["primary-alarms", "UNKNOWN"], ["direct-probe", "UNHEALTHY"], ["route53-dns", "UNHEALTHY"]],
    "decide's evidence: the dead region's sources and Route 53's API UNKNOWN, never UNHEALTHY; its own probe and Route 53's DNS answer UNHEALTHY");
  expect.equal(after.gates.primary.inverted, true, `the primary's gate closed in ${secondary.region}'s CloudWatch, where its switch lives`);
  expect.equal(result.tasks.find((t) => t.state === "Decide")?.response?.primaryDesiredCount, 0, "the primary's size unread: its region is down");
  expect.equal(after.services.secondary.desired, num(env.ACTIVE_DESIRED_COUNT), "the secondary scaled to the active count");
  expect.equal(after.state[secondary.region]?.activeRegion, secondary.region, "the new active region recorded in the secondary's own replica");
  expect.that(lockFields(after.state[secondary.region]).length === 0, "the lock released");
  expect.equal(events(after.messages.secondary), ["INITIATED", "SUCCEEDED"], "notices on the secondary's topic");
  const offPath = requests.filter((r) => r.service === "route53" || r.region === primary.region);
  for (const r of offPath.filter((r) => r.role !== "secondary:decide" || !EVIDENCE_READS.some((e) => e.test(r.operation))))
    expect.that(false, `${r.role} sent ${r.operation} to ${r.service} in ${r.region}: moving traffic must need neither the primary's region nor Route 53's API`);
  expect.that(requests.some((r) => r.role === "secondary:shift-traffic" && r.service === "monitoring" && r.region === secondary.region),
    "shift-traffic published the gate to its own region's CloudWatch");
  const scenario = report(result, expect, "SUCCEEDED", after.messages.secondary, after);
  scenario.requests = requests;
  scenario.before = { gates: before.gates };
  return scenario;
}

/**
 * The primary is still down after the failover: the probe's next start does not act (already failed over), and with the
 * primary UNHEALTHY that NO_ACTION is announced (ALERT), saying what to do; it is not silent.
 */
async function outageStillDown(world, label) {
  const { secondary } = world.programs;
  const before = await world.moto.ask("observe");
  const result = await execute(world, secondary,
    { action: "failover", source: "probe failover-secondary-probe", reason: "scheduled look at the primary's health", unattended: true }, label,
    "workflow-trigger");
  const after = await world.moto.ask("observe");
  const expect = new Expect();
  for (const p of result.problems) expect.that(false, p);
  const decided = result.tasks.find((t) => t.state === "Decide")?.response;
  expect.equal([decided?.decision, decided?.alert], ["NO_ACTION", true], "decide's answer with traffic already on the secondary and the primary down");
  expect.that(String(decided?.reason).startsWith("already failed over, with the primary UNHEALTHY:"), `the reason says what to do: ${decided?.reason}`);
  expect.equal(events(after.messages.secondary), ["ALERT"], "the NO_ACTION is announced");
  const alert = after.messages.secondary.find((m) => m.message?.event === "ALERT")?.message;
  expect.that(String(alert?.why).includes("failoverctl status"), `the ALERT says what to do: ${alert?.why}`);
  expect.equal(after.gates, before.gates, "no traffic gate moved");
  return report(result, expect, "SUCCEEDED", after.messages.secondary, after);
}

/** The primary recovers, Route 53's control plane still does not answer: an operator's failback moves traffic back. */
async function outageFailback(world, label) {
  const { primary, secondary } = world.programs;
  world.app.down = false;
  world.app.healthy = true;
  world.proxy.refuse = (r) => r.service === "route53";
  const since = world.proxy.requests.length;
  // Forced: minutes after the failover, decide's cooldown (15 min) would otherwise hold a failback off.
  const result = await execute(world, primary, { action: "failback", source: "operator:oncall", reason: "us-east-1 recovered", force: true }, label);
  const after = await world.moto.ask("observe");
  const requests = requestsBy(world, since);
  const expect = new Expect();
  const standby = envOf(world, primary, "scale-standby");
  for (const p of result.problems) expect.that(false, p);
  expect.that(result.status === "SUCCEEDED", `the execution ended ${result.status}: ${JSON.stringify(result.error)}`);
  expect.equal(result.tasks.find((t) => t.state === "Decide")?.response?.decision, "FAILBACK", "decide's decision");
  expect.equal(after.gates.primary.inverted, false, "the primary's gate open again");
  expect.equal(after.gates.secondary.inverted, false, "the secondary's gate open (the next failover needs it)");
  expect.equal(after.state[primary.region]?.activeRegion, primary.region, "the primary recorded as active again");
  expect.equal(after.services.secondary.desired, num(standby.STANDBY_DESIRED_COUNT), "the secondary back at its standby size");
  for (const r of requests.filter((r) => r.service === "route53" && (r.role !== "primary:decide" || !EVIDENCE_READS.some((e) => e.test(r.operation)))))
    expect.that(false, `${r.role} sent ${r.operation} to Route 53's API: failing back must not need it`);
  const scenario = report(result, expect, "SUCCEEDED", after.messages.primary, after);
  scenario.requests = requests;
  return scenario;
}

/**
 * The primary's application is down and its health alarm in ALARM (two independent sources: a trigger's start may act), and the
 * recovery region is crowded: only one task of the active count gets healthy. The readiness wait ends short, and the failover
 * moves traffic to the one healthy task anyway, and says so; the service keeps its active desired count.
 */
async function crowdedFailover(world, label) {
  const { primary, secondary } = world.programs;
  world.app.down = true;
  await setAlarm(world, primary.alarms().find((a) => a.logical === "alarm-healthy-hosts").name, "ALARM");
  await world.moto.ask("leave-healthy", "secondary", 1);
  await world.moto.ask("observe"); // drains the world's warm-up notice
  const result = await execute(world, secondary,
    { action: "failover", source: "probe failover-secondary-probe", reason: "scheduled look at the primary's health", unattended: true }, label);
  const after = await world.moto.ask("observe");
  const expect = new Expect();
  const env = envOf(world, secondary, "scale-service");
  for (const p of result.problems) expect.that(false, p);
  expect.that(result.status === "SUCCEEDED", `the execution ended ${result.status}: ${JSON.stringify(result.error)}`);
  const decided = result.tasks.find((t) => t.state === "Decide")?.response;
  expect.that(decided?.decision === "FAILOVER" && decided?.health?.confirmed === true, `decide: a confirmed FAILOVER, got ${JSON.stringify(decided?.health)}`);
  const checks = result.tasks.filter((t) => t.state === "CheckReadiness");
  expect.that(checks.length > 1 && checks.every((c) => c.response?.ready === false && c.response?.healthyTargets === 1),
    `every readiness check saw 1 healthy target of ${env.ACTIVE_DESIRED_COUNT}: ${JSON.stringify(checks.map((c) => c.response))}`);
  expect.equal(after.gates.primary.inverted, true, "the primary's gate closed with partial capacity");
  expect.equal(after.services.secondary.desired, num(env.ACTIVE_DESIRED_COUNT), "the secondary keeps its active desired count (ECS keeps starting the rest)");
  const succeeded = after.messages.secondary.find((m) => m.message?.event === "SUCCEEDED")?.message;
  expect.equal(succeeded?.partial, { shifted: true, healthyTargets: 1, running: num(env.ACTIVE_DESIRED_COUNT), desired: num(env.ACTIVE_DESIRED_COUNT) },
    "the SUCCEEDED notice says traffic moved with partial capacity");
  expect.equal(after.state[secondary.region]?.activeRegion, secondary.region, "the transition recorded");
  return report(result, expect, "SUCCEEDED", after.messages.secondary, after);
}

/**
 * A faster probe must not page faster. The primary is down (its application and its health alarm: two sources) and an
 * operator has set the flag to block; the probe starts the secondary's workflow twice. The first run publishes BLOCKED with
 * when the next reminder comes and records the announcement (notice#failover, through decide's own compiled grant under
 * moto's IAM enforcement); the second, minutes of probe later in the same condition, ends Blocked without a notice.
 */
async function repeatedBlocked(world, label) {
  const { primary, secondary } = world.programs;
  world.app.down = true;
  await setAlarm(world, primary.alarms().find((a) => a.logical === "alarm-healthy-hosts").name, "ALARM");
  await world.moto.ask("set-flag", "block", "change freeze");
  await world.moto.ask("observe"); // drains the world's warm-up notice
  const probe = { action: "failover", source: "probe failover-secondary-probe", reason: "scheduled look at the primary's health", unattended: true };
  const first = await execute(world, secondary, probe, `${label}-1`);
  const afterFirst = await world.moto.ask("observe");
  const second = await execute(world, secondary, probe, `${label}-2`);
  const after = await world.moto.ask("observe");
  const expect = new Expect();
  for (const p of [...first.problems, ...second.problems]) expect.that(false, p);
  for (const [run, result] of [["first", first], ["second", second]]) {
    expect.that(result.status === "SUCCEEDED", `the ${run} run ended ${result.status}: ${JSON.stringify(result.error)}`);
    expect.equal(result.output?.decision?.decision, "BLOCKED", `the ${run} run's decision`);
  }
  expect.equal(first.output?.decision?.notice?.notify, true, "the first run announces");
  checkNotices(expect, afterFirst.messages.secondary, ["BLOCKED"], secondary, first.executionArn, afterFirst.messages.primary);
  const blocked = afterFirst.messages.secondary?.[0]?.message;
  expect.that(String(blocked?.summary).includes("next reminder at ") && typeof blocked?.repeat?.nextReminderAt === "string",
    `the BLOCKED notice says when the next reminder comes: ${JSON.stringify({ summary: blocked?.summary, repeat: blocked?.repeat })}`);
  const record = await world.moto.ask("item", secondary.region, "notice#failover");
  expect.that(record?.announcedBy === first.executionArn && String(record?.condition).startsWith("BLOCKED: "),
    `the announcement recorded in notice#failover: ${JSON.stringify(record)}`);
  expect.equal(second.output?.decision?.notice?.notify, false, "the second run, in the same condition, does not announce");
  expect.that(second.visited.includes("Blocked") && !second.visited.some((s) => s.startsWith("Notify")),
    `the second run ends Blocked without a notice: states visited ${second.visited.join(" > ")}`);
  expect.equal(events(after.messages.secondary), [], "notifications after the second run");
  expect.equal(after.gates, afterFirst.gates, "no traffic gate moved");
  return report(second, expect, "SUCCEEDED", [...afterFirst.messages.secondary, ...after.messages.secondary], after);
}

function report(result, expect, expected, notices, after) {
  return {
    outcome: result.status,
    expected,
    findings: expect.findings,
    executionArn: result.executionArn,
    error: result.error,
    visited: result.visited,
    timings: result.timings,
    tasks: result.tasks.map(({ payload, ...t }) => ({ ...t, ms: round(t.ms), cause: t.cause?.slice(0, 1000) })),
    output: result.output,
    notices,
    // What moto held afterwards, for the reader of a failure.
    after: after && { gates: after.gates, services: after.services, scalableTargets: after.scalableTargets, state: after.state },
  };
}

// ----------------------------------------------------------------------------------------------------------------- main

async function guarded(name, fn) {
  try {
    return await fn();
  } catch (e) {
    return { outcome: "ERROR", expected: null, findings: [`${name}: the drill itself failed: ${e.stack ?? e}`] };
  }
}

function logsOf(world) {
  const out = {};
  for (const [name, f] of world.functions) if (f.output.length) out[name] = f.output.slice(-40);
  return out;
}

async function runOnce(options, suffix) {
  const primary = new Program(options.primary);
  const secondary = new Program(options.secondary);
  if (primary.role !== "primary" || secondary.role !== "secondary") usage(`--primary is a ${primary.role} program and --secondary a ${secondary.role} one`);
  secondary.peer = primary;
  const programs = { primary, secondary };
  const scenarios = {};
  const logs = {};

  /** One fresh world for `names`, run in order; a world that cannot be built is a finding of each of its scenarios. */
  const inWorld = async (names, denial, run) => {
    let world;
    try {
      world = await createDrillWorld(programs, options, denial);
    } catch (e) {
      for (const name of names) scenarios[name] = { outcome: "ERROR", expected: null, findings: [`the drill's world could not be built: ${e.stack ?? e}`] };
      return;
    }
    try {
      for (const name of names) {
        scenarios[name] = await guarded(name, () => run(world, name));
        if (world.findings.length) scenarios[name].findings.unshift(...world.findings);
      }
    } finally {
      if (names.some((n) => scenarios[n]?.findings.length)) Object.assign(logs, logsOf(world));
      await destroyWorld(world);
    }
  };

  const main = MAIN.filter((s) => options.scenarios.includes(s));
  if (main.length) {
    const names = [];
    for (let cycle = 1; cycle <= options.cycles; cycle++) for (const name of main) names.push(`${name}${options.cycles > 1 ? `#${cycle}` : ""}${suffix}`);
    await inWorld(names, null, (world, key) =>
      ({ "direct-shift": directShift, "forged-alarm": forgedAlarm, failover, failback, drill, "scheduled-drill": scheduledDrill,
        "scheduled-drill-failed-over": scheduledDrillFailedOver, readiness, report: (w) => failoverctlReport(w, options) })[key.replace(/[#@].*$/, "")](world, key.replace(/[#@].*$/, "")));
  }
  for (const name of options.scenarios.filter((s) => DENIALS[s])) {
    await inWorld([`${name}${suffix}`], DENIALS[name], (world) => denied(world, name, DENIALS[name]));
  }
  if (options.scenarios.includes("crowded-failover")) await inWorld([`crowded-failover${suffix}`], null, (world) => crowdedFailover(world, "crowded-failover"));
  if (options.scenarios.includes("repeated-blocked")) await inWorld([`repeated-blocked${suffix}`], null, (world) => repeatedBlocked(world, "repeated-blocked"));
  const outage = OUTAGE.filter((s) => options.scenarios.includes(s));
  if (outage.length) {
    await inWorld(outage.map((name) => `${name}${suffix}`), null,
      (world, key) => ({ "outage-failover": outageFailover, "outage-still-down": outageStillDown, "outage-failback": outageFailback })[key.replace(/@.*$/, "")](world, key.replace(/@.*$/, "")));
  }
  return { scenarios, logs };
}

const options = parseArgs(process.argv.slice(2));
const result = { scenarios: {}, runs: [], logs: {} };
for (let i = 1; i <= options.runs; i++) {
  const once = await runOnce(options, options.runs > 1 ? `@${i}` : "");
  Object.assign(result.scenarios, once.scenarios);
  Object.assign(result.logs, once.logs);
  result.runs.push(Object.keys(once.scenarios));
}
const failing = Object.entries(result.scenarios).filter(([, s]) => s.findings.length);
if (options.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  for (const [name, s] of Object.entries(result.scenarios)) {
    const t = s.timings;
    const time = t ? ` wall ${t.wallMs} ms, overhead ${t.overheadMs} ms` : "";
    console.log(`${s.findings.length ? "FAIL" : "ok  "} ${name}: ${s.outcome} (expected ${s.expected})${time}`);
    for (const f of s.findings) console.log(`  ${f}`);
  }
  for (const [fn, lines] of Object.entries(result.logs)) console.log(`--- ${fn}\n${lines.join("\n")}`);
}
// No process.exit: it would cut off a large result still being written to a pipe.
process.exitCode = failing.length ? 1 : 0;
