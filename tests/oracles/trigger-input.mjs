// What a trigger starts the failover workflow with, run through the workflow as it would run: the secondary's compiled state
// machine in aws-local-stepfunctions, every Task calling the real native `bootstrap` with the compiled environment and the
// temporary credentials of a role holding that function's compiled policy, against a moto that enforces SigV4 and IAM after
// its setup (the drill's world: tests/oracles/drill/world.mjs). The inputs come from the caller: what moto's EventBridge
// delivered through the compiled input transformer (events-check.py), and the probe schedule's fixed input.
//
//   node trigger-input.mjs [--json] --primary primary.yaml --secondary secondary.yaml --runs runs.json [--bootstrap PATH]
//
// runs.json: {"worlds": [{"name": W, "primaryAlarmsInAlarm": [alarm names], "runs": [{"name": R, "input": {...}, "alarmEnteredNow"?: true}]}]}.
// Each world is a fresh moto with both stacks' regional pieces (every alarm OK, the endpoint healthy), the primary's alarms
// named then set to ALARM; its runs go in order, each a whole execution of the secondary's workflow. `--json` prints
// {runs: {R: {status, error, visited, decide: {payload, response, error}}}, findings: [...], logs: {...}}.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { runExecution } from "./drill/execution.mjs";
import { ACCOUNT, Program } from "./drill/program.mjs";
import { parseWorkflowArgs } from "./drill/args.mjs";
import { createWorld, destroyWorld } from "./drill/world.mjs";
import { setAlarm, snsPublish } from "./drill/aws.mjs";

function parseArgs(argv) {
  const options = parseWorkflowArgs(argv, { "--runs": (v, o) => { o.runs = v; } }, usage);
  if (!options.runs) usage("--runs is required");
  return options;
}

function usage(problem) {
  console.error(`${problem}\nusage: node trigger-input.mjs [--json] --primary P.yaml --secondary S.yaml --runs runs.json [--bootstrap PATH]`);
  process.exit(2);
}

// ------------------------------------------------------------------------------------------------ the world (the drill's)
// createWorld (drill/world.mjs) deploys both stacks and prepares both stacks' functions; only the secondary's workflow runs
// here, so only its functions start.

// ---------------------------------------------------------------------------------------------------------- one execution

/** One whole execution of the secondary's compiled workflow with `input`; Waits take 0 ms. */
async function execute(world, input, label) {
  const program = world.programs.secondary;
  // What the triggers start: their own entry point, which never forces and is always unattended.
  const workflow = program.workflow("workflow-trigger");
  const definition = program.resolve(workflow.definitionRaw);
  const credentials = world.made.roles["secondary:workflow"];
  const executionName = `trigger-${label}-${randomUUID().slice(0, 8)}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 80);
  const executionArn = `arn:aws:states:${program.region}:${ACCOUNT}:execution:${workflow.name}:${executionName}`;
  const tasks = [];
  const handlers = {};
  const waits = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === "Wait") waits[name] = 0;
    if (state.Type !== "Task") continue;
    if (state.Resource === "arn:aws:states:::lambda:invoke") {
      handlers[name] = async (parameters) => {
        const fnName = String(parameters.FunctionName ?? "").split(":").pop();
        const fn = world.functions.get(fnName);
        if (!fn) throw Object.assign(new Error(`no function ${parameters.FunctionName} in this world`), { name: "Lambda.ResourceNotFoundException" });
        const record = { state: name, function: fnName, payload: parameters.Payload };
        try {
          const { response } = await fn.invoke(parameters.Payload);
          record.response = response;
          return { Payload: response, StatusCode: 200, ExecutedVersion: "$LATEST" };
        } catch (e) {
          Object.assign(record, { error: e.name, cause: e.message });
          throw e;
        } finally {
          tasks.push(record);
        }
      };
    } else if (state.Resource === "arn:aws:states:::sns:publish") {
      handlers[name] = async (parameters) => {
        const record = { state: name, topic: parameters.TopicArn };
        try {
          return await snsPublish({ endpoint: world.moto.url, region: program.region, credentials,
            topicArn: parameters.TopicArn, subject: parameters.Subject, message: parameters.Message });
        } catch (e) {
          Object.assign(record, { error: e.name, cause: e.message });
          throw e;
        } finally {
          tasks.push(record);
        }
      };
    } else {
      world.findings.push(`${name}: resource ${state.Resource} is not driven by this harness`);
    }
  }
  await world.moto.ask("start-execution", program.region, workflow.name, executionName);
  const { status, output, error, events } = await runExecution({
    definition, input, handlers, waits, executionArn, executionName, roleArn: credentials.roleArn,
    region: program.region, stateMachineName: workflow.name,
  }).finally(() => world.moto.ask("stop-execution", executionArn));
  const decide = tasks.find((t) => t.state === "Decide");
  return {
    executionArn,
    status,
    error,
    visited: events.filter((e) => e.type === "StateEntered").map((e) => e.state.name),
    decide: decide ? { payload: decide.payload, response: decide.response ?? null, error: decide.error ? { Error: decide.error, Cause: decide.cause } : null } : null,
    tasks: tasks.map(({ payload, ...t }) => ({ ...t, cause: t.cause?.slice(0, 1000) })),
    output,
  };
}

// ----------------------------------------------------------------------------------------------------------------- main

const options = parseArgs(process.argv.slice(2));
const primary = new Program(options.primary);
const secondary = new Program(options.secondary);
if (primary.role !== "primary" || secondary.role !== "secondary") usage(`--primary is a ${primary.role} program and --secondary a ${secondary.role} one`);
secondary.peer = primary;
const plan = JSON.parse(readFileSync(options.runs, "utf8"));
const result = { runs: {}, findings: [], logs: {} };

/**
 * The run's input; with `alarmEnteredNow`, its alarm state stamped with this moment, as CloudWatch stamps an event when the
 * alarm changes: later than anything the world arranged before it (a live state older than the event does not supersede it).
 */
function stamped(run) {
  if (!run.alarmEnteredNow) return run.input;
  const input = structuredClone(run.input);
  if (input.alarm?.state) input.alarm.state.timestamp = new Date().toISOString().replace("Z", "+0000");
  return input;
}

/** One world, its runs in order; worlds are independent (each its own moto), so they run side by side. */
async function inWorld(spec) {
  let world;
  const runs = {};
  const findings = [];
  const logs = {};
  try {
    world = await createWorld({ primary, secondary }, { bootstrap: options.bootstrap, roleSuffix: "trigger" });
    for (const alarm of spec.primaryAlarmsInAlarm ?? []) await setAlarm(world, alarm, "ALARM");
    // The primary's application does not answer decide's direct probe (its region is gone, or its health path is broken).
    if (spec.applicationDown) world.app.down = true;
    for (const run of spec.runs) {
      try {
        runs[run.name] = { world: spec.name, ...(await execute(world, stamped(run), run.name)) };
      } catch (e) {
        findings.push(`${run.name}: the harness failed: ${e.stack ?? e}`);
      }
    }
    findings.push(...world.findings.map((f) => `${spec.name}: ${f}`));
  } catch (e) {
    findings.push(`world ${spec.name} could not be built: ${e.stack ?? e}`);
  } finally {
    if (world) {
      for (const [name, f] of world.functions) if (f.output.length) logs[`${spec.name}/${name}`] = f.output.slice(-20);
      await destroyWorld(world);
    }
  }
  return { runs, findings, logs };
}

for (const done of await Promise.all(plan.worlds.map(inWorld))) {
  Object.assign(result.runs, done.runs);
  result.findings.push(...done.findings);
  Object.assign(result.logs, done.logs);
}
if (options.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  for (const [name, r] of Object.entries(result.runs)) {
    console.log(`${name}: ${r.status} decision ${r.decide?.response?.decision ?? "-"} (${r.decide?.response?.reason ?? JSON.stringify(r.decide?.error ?? r.error)})`);
  }
  for (const f of result.findings) console.log(`FINDING ${f}`);
}
process.exitCode = result.findings.length ? 1 : 0;
