// Checks the failover workflow's state machine(s) in compiled Pulumi YAML programs by running them. Each definition is
// validated with asl-validator and its graph checked (every target exists, every state is reachable, every Choice has a
// Default, every Lambda task retries exactly the errors the functions' contract calls retryable, every recovery task
// (ecs:runTask.sync) retries only errors that mean its container never ran and runs with the service's cluster and network
// settings), then EVERY path is executed with aws-local-stepfunctions against local fakes of the functions (shaped like
// functions/Contract/Json/Contracts.cs and the handler table of docs/functions.md, refusing bad input as the real ones do), of SNS and of ECS's
// runTask.sync: failover, failback, drills, blocked, no-action and alert decisions, a standby that never gets ready, a
// release that fails or records nothing, recovery tasks that fail or time out before or after the shift, transient errors
// retried, rejected ones not, a fault injected at every Task state, unsupported actions. A finding is an expectation that
// failed: "resource: scenario: expected, got".
//
//   node asl-check.mjs [--json] program.yaml...
//
// With ASL_CHECK_REPORT=path, also writes there {program: {resource: {scenarios: [names], readiness: {...}, drain:
// {state, seconds} | null, leases: {state: {lease, need}}}}} (program = the file's name without .yaml), so a test can assert which scenarios ran.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import aslValidator from "asl-validator";
import { StateMachine } from "aws-local-stepfunctions";

// aws-local-stepfunctions 3 calls Promise.withResolvers (Node 22+) for every Task state: give Node 20 the same.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject;
    const promise = new this((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes("--json");
const files = args.filter(a => a !== "--json");
if (files.length === 0) {
  console.error("usage: node asl-check.mjs [--json] program.yaml...");
  process.exit(2);
}

const ACCOUNT = "123456789012";
const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
const SNS_PUBLISH = "arn:aws:states:::sns:publish";
const ECS_RUN_TASK_SYNC = "arn:aws:states:::ecs:runTask.sync";
// Errors that mean a recovery task's container never ran (RunTask refused or throttled; no task placed): the only ones it may
// retry, as it may not be idempotent. Mirrored from infra/Model/Control/RecoveryTasks.cs (StartErrors): WorkflowPathTests expects a
// "retry X at ..." scenario for every name in the C# list.
const ECS_START_ERRORS = ["ECS.AmazonECSException", "AmazonECS.Unknown"];
// The RunTask parameters the optimized ECS integration accepts (Step Functions developer guide, "Run Amazon ECS or Fargate
// tasks"): anything else (StartedBy, which Step Functions sets itself) fails the state machine's creation.
const ECS_RUN_TASK_PARAMETERS = ["Cluster", "Group", "LaunchType", "NetworkConfiguration", "Overrides", "PlacementConstraints", "PlacementStrategy",
  "PlatformVersion", "PropagateTags", "TaskDefinition", "EnableExecuteCommand"];
// The Lambda invoke integration's own transient errors, and the errors whose outcome is unknown (a task that timed out, a
// function that crashed): Step Functions' names, what AWS recommends retrying for every Lambda task.
// Mirrored, not read, from infra/Model/Control/WorkflowDefinition.cs (LambdaTransientErrors, OutcomeUnknownErrors): WorkflowPathTests
// expects a "retry X at ScaleUp" scenario for every name in the C# lists, so the two cannot drift apart unnoticed.
const LAMBDA_TRANSIENT = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException",
  "Lambda.ClientExecutionTimeoutException"];
// Sandbox.Timedout: the function itself ran past its timeout (Lambda's errorType), which may have done its work.
const OUTCOME_UNKNOWN = ["States.Timeout", "Lambda.Unknown", "Sandbox.Timedout"];
// Errors that mean the definition itself broke (a path that is not there, no Choice matched, an intrinsic that failed).
const BROKEN = ["States.Runtime", "States.NoChoiceMatched", "States.ResultPathMatchFailure", "States.ParameterPathFailure",
  "States.IntrinsicFailure", "States.DataLimitExceeded", "TypeError", "Error", "ExecutionAbortedError", "ExecutionTimeoutError"];
// What each stack's workflow runs (docs/design.md §6): the secondary promotes itself (failover, drills), the primary fails back.
const ACTIONS_BY_ROLE = { primary: ["failback"], secondary: ["failover", "drill"] };
const ALL_ACTIONS = ["failover", "failback", "drill"];
// The handlers and the errorType catalogue, from the contract the functions and the compiler share (functions/Contract),
// as a test writes it (tests/oracles/contract.json, kept current by ContractFilesTests).
const contract = JSON.parse(fs.readFileSync(path.join(here, "contract.json"), "utf8"));
const HANDLERS = contract.handlers.map(h => h.name);
function readCatalogue() {
  if (!Array.isArray(contract.errorTypes) || contract.errorTypes.length === 0) throw new Error("contract.json has no errorTypes");
  return {
    retryable: contract.errorTypes.filter(e => e.retryable).map(e => e.type),
    rejected: contract.errorTypes.filter(e => !e.retryable).map(e => e.type),
  };
}
const catalogue = readCatalogue();
const expectedRetry = new Set([...LAMBDA_TRANSIENT, ...catalogue.retryable, ...OUTCOME_UNKNOWN]);

const clone = v => v === undefined ? undefined : JSON.parse(JSON.stringify(v));
const list = v => v === undefined ? [] : Array.isArray(v) ? v : [v];
const slug = s => s.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase();
const named = (name, message) => Object.assign(new Error(JSON.stringify({ errorType: name, errorMessage: message })), { name });
const invalid = message => named("InvalidInput", message);
// Like the functions' JSON (WhenWritingNull): absent optional fields are left out, never null.
const strip = o => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
const show = v => JSON.stringify(v);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})$/;

// ---------------------------------------------------------------------------------------------------------------------
// Programs: the state machines in them, with Pulumi interpolations replaced by fixed fake values.

function substitute(value, program, region) {
  if (typeof value === "string") {
    // As pulumi-yaml reads a string: `$$` is a literal `$`, `${...}` a reference.
    return value.split("$$").map(part => part.replace(/\$\{([^}]+)\}/g, (_, expr) => {
      if (expr === "partition") return "aws";
      if (expr === "account-id") return ACCOUNT;
      const arn = /^([A-Za-z0-9_-]+)\.arn$/.exec(expr);
      if (arn) {
        const type = program.resources?.[arn[1]]?.type ?? "";
        const service = type.startsWith("aws:sns/") ? "sns" : type.startsWith("aws:lambda/") ? "lambda" : "fake";
        return service === "lambda" ? `arn:aws:lambda:${region}:${ACCOUNT}:function:${arn[1]}` : `arn:aws:${service}:${region}:${ACCOUNT}:${arn[1]}`;
      }
      return `fake-${slug(expr)}`;
    })).join("$");
  }
  if (Array.isArray(value)) return value.map(v => substitute(v, program, region));
  // Keys are interpolated too (pulumi-yaml parses them as expressions).
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [substitute(k, program, region), substitute(v, program, region)]));
  return value;
}

function machinesOf(program, problems) {
  const out = [];
  const role = program.outputs?.role;
  const region = program.outputs?.region ?? "us-east-1";
  for (const [name, resource] of Object.entries(program.resources ?? {})) {
    if (resource?.type !== "aws:sfn/stateMachine:StateMachine") continue;
    const raw = resource.properties?.definition;
    let definition;
    try {
      definition = raw && typeof raw === "object" && "fn::toJSON" in raw ? substitute(raw["fn::toJSON"], program, region)
        : typeof raw === "string" ? JSON.parse(substitute(raw, program, region)) : undefined;
    } catch (e) {
      problems.push(`${name}: the definition is not JSON: ${e.message}`);
      continue;
    }
    if (!definition || typeof definition !== "object") { problems.push(`${name}: no definition (fn::toJSON or a JSON string)`); continue; }
    const machineRole = role ?? resource.properties?.tags?.Role;
    if (!ACTIONS_BY_ROLE[machineRole]) { problems.push(`${name}: cannot tell the stack's role (outputs.role or tags.Role): got ${show(machineRole)}`); continue; }
    const smName = substitute(resource.properties?.name ?? name, program, region);
    // The triggers' entry point (PREFIX-failover-trigger) runs failovers only; the operators' runs every action of the role.
    const entry = String(smName).endsWith("-failover-trigger") ? "trigger" : "operator";
    const actions = entry === "trigger" ? ["failover"] : ACTIONS_BY_ROLE[machineRole];
    const exported = program.outputs?.workflowActions;
    if (entry === "operator" && exported !== undefined && show([...exported].sort()) !== show([...actions].sort()))
      problems.push(`${name}: the workflowActions output says ${show(exported)}, but a ${machineRole}'s workflow runs ${show(actions)}`);
    const topics = new Set(Object.entries(program.resources ?? {}).filter(([, r]) => r?.type === "aws:sns/topic:Topic")
      .map(([n]) => `arn:aws:sns:${region}:${ACCOUNT}:${n}`));
    out.push({ name, definition, role: machineRole, region, actions, topics, program, smName, entry });
  }
  return out;
}

// Which handler a FunctionName invokes, and whether it acts on the peer region's service (the primary's scale-standby).
function functionOf(machine, functionName) {
  const name = /:function:([^:]+)(:[^:]+)?$/.exec(String(functionName))?.[1] ?? String(functionName);
  const resource = Object.values(machine.program.resources ?? {}).find(r => r?.type === "aws:lambda/function:Function" && r.properties?.name === name);
  const handler = resource?.properties?.handler
    ?? HANDLERS.find(h => name.endsWith(`-${h}`)) ?? (name.endsWith("-scale-standby") ? "scale-service" : undefined);
  const serviceRegion = resource?.properties?.environment?.variables?.SERVICE_REGION;
  const remote = serviceRegion !== undefined ? serviceRegion !== machine.region : name.endsWith("-scale-standby");
  return { name, handler, remote };
}

// ---------------------------------------------------------------------------------------------------------------------
// Static checks: asl-validator, the graph, the Retry lists, the readiness loop's bounds.

const targetsOf = state => [state.Next, state.Default, ...list(state.Choices).map(c => c?.Next), ...list(state.Catch).map(c => c?.Next)].filter(t => t !== undefined);

function staticChecks(machine, problems) {
  const { definition, name } = machine;
  const at = `${name}: definition`;
  const { isValid, errors } = aslValidator(clone(definition), { checkPaths: true, checkArn: true });
  if (!isValid) for (const e of errors) problems.push(`${at}: asl-validator ${e["Error code"] ?? ""}: ${e.Message ?? e.message ?? show(e)}`);
  const states = definition.States ?? {};
  machine.states = states;

  for (const [stateName, state] of Object.entries(states)) {
    for (const target of targetsOf(state))
      if (!(target in states)) problems.push(`${at}: ${stateName} goes to ${target}, which is no state`);
    if (state.Type === "Choice" && state.Default === undefined)
      problems.push(`${at}: Choice ${stateName} has no Default: an input no rule matches fails the run with States.NoChoiceMatched, unnotified and with the lock held`);
  }
  const reached = new Set();
  const queue = [definition.StartAt];
  while (queue.length > 0) {
    const s = queue.shift();
    if (reached.has(s) || !(s in states)) continue;
    reached.add(s);
    queue.push(...targetsOf(states[s]));
  }
  for (const s of Object.keys(states)) if (!reached.has(s)) problems.push(`${at}: ${s} is unreachable from ${definition.StartAt}`);
  if (typeof definition.TimeoutSeconds !== "number") problems.push(`${at}: no TimeoutSeconds: a stuck execution would run for a year`);

  machine.tasks = Object.entries(states).filter(([, s]) => s.Type === "Task").map(([n]) => n);
  for (const task of machine.tasks) {
    const state = states[task];
    if (state.Resource === LAMBDA_INVOKE) {
      const retried = list(state.Retry).flatMap(r => list(r.ErrorEquals));
      const missing = [...expectedRetry].filter(e => !retried.includes(e));
      const extra = retried.filter(e => !expectedRetry.has(e));
      if (missing.length > 0) problems.push(`${at}: ${task} does not retry ${missing.join(", ")} (retryable by the contract's ErrorTypes, or Lambda's own transient errors)`);
      if (extra.length > 0) problems.push(`${at}: ${task} retries ${extra.join(", ")}, which the contract does not call retryable`);
      if (!list(state.Catch).some(c => list(c.ErrorEquals).includes("States.ALL")))
        problems.push(`${at}: ${task} has no Catch of States.ALL: an error after its retries would end the run unnotified with the lock held`);
      if (typeof state.TimeoutSeconds !== "number") problems.push(`${at}: ${task} has no TimeoutSeconds`);
      if (!functionOf(machine, state.Parameters?.FunctionName).handler) problems.push(`${at}: ${task} invokes ${show(state.Parameters?.FunctionName)}, no known function`);
    } else if (state.Resource === ECS_RUN_TASK_SYNC) {
      recoveryTaskChecks(machine, task, state, at, problems);
    } else if (state.Resource !== SNS_PUBLISH) {
      problems.push(`${at}: ${task} uses ${state.Resource}: the fakes know Lambda invoke, SNS publish and ECS runTask.sync only`);
    }
  }
  recoveryOrder(machine, at, problems);

  // The readiness loop: the check task's timeoutSeconds, the Wait between checks (the one that leads back to the check), the
  // readiness timeout the stack exports.
  const check = machine.tasks.find(t => functionOf(machine, states[t].Parameters?.FunctionName).handler === "check-service");
  const waits = Object.entries(states).filter(([, s]) => s.Type === "Wait");
  // The poll: the Wait leading back to the check, directly or through the renewal of the lock's lease.
  const renewsInto = (name, target) => states[name]?.Parameters?.Payload?.outcome === "RENEW" && states[name].Next === target;
  const polls = waits.filter(([, s]) => check !== undefined && (s.Next === check || renewsInto(s.Next, check)));
  const timeout = check ? states[check].Parameters?.Payload?.timeoutSeconds : undefined;
  const poll = polls.length === 1 ? polls[0][1].Seconds : undefined;
  machine.readiness = { timeoutSeconds: timeout, pollSeconds: poll, maxChecks: typeof timeout === "number" && typeof poll === "number" ? Math.floor(timeout / poll) + 1 : undefined };
  if (check === undefined) problems.push(`${at}: no task invokes check-service`);
  else if (typeof timeout !== "number") problems.push(`${at}: ${check} passes no number as timeoutSeconds: check-service could never time the wait out`);
  if (polls.length !== 1 || typeof poll !== "number") problems.push(`${at}: expected one Wait state with Seconds between readiness checks (leading back to ${check ?? "the check-service task"}), found ${polls.map(([n]) => n).join(", ") || "none"}`);
  const exported = machine.program.outputs?.readinessTimeoutSeconds;
  if (exported !== undefined && exported !== timeout) problems.push(`${at}: check-service is told timeoutSeconds ${timeout}, the stack's readinessTimeoutSeconds is ${exported}`);

  // The failback's drain: the primary waits, after the shift, before scaling the secondary back (resolvers still send clients
  // there for the record's TTL). It is the one Wait right before the task that scales the peer; a secondary has none.
  const standbyTask = machine.tasks.find(t => { const f = functionOf(machine, states[t].Parameters?.FunctionName); return f.handler === "scale-service" && f.remote; });
  const drains = waits.filter(([, s]) => standbyTask !== undefined && s.Next === standbyTask);
  machine.drain = drains.length === 1 && typeof drains[0][1].Seconds === "number" ? { state: drains[0][0], seconds: drains[0][1].Seconds } : null;
  if (machine.role === "primary" && machine.drain === null)
    problems.push(`${at}: expected one Wait state with Seconds right before ${standbyTask ?? "the task that scales the secondary to standby"} (the failback's drain), found ${drains.map(([n]) => n).join(", ") || "none"}`);
  for (const [n] of waits.filter(w => !polls.includes(w) && !drains.includes(w)))
    problems.push(`${at}: Wait ${n} is neither the readiness poll nor the failback's drain`);

  // The execution outlasts the readiness bound, the drain and every recovery task's time limit, and the lock's lease outlasts
  // the execution: no run outlives its lock.
  const recoverySeconds = machine.tasks.filter(t => states[t].Resource === ECS_RUN_TASK_SYNC).reduce((sum, t) => sum + (states[t].TimeoutSeconds ?? 0), 0);
  const bound = (typeof timeout === "number" ? timeout : 0) + (machine.drain?.seconds ?? 0) + recoverySeconds;
  if (typeof definition.TimeoutSeconds === "number" && typeof timeout === "number" && definition.TimeoutSeconds <= bound)
    problems.push(`${at}: the execution's TimeoutSeconds ${definition.TimeoutSeconds} does not outlast the readiness timeout ${timeout}${machine.drain ? ` plus the drain ${machine.drain.seconds}` : ""}${recoverySeconds ? ` plus the recovery tasks' ${recoverySeconds} s` : ""}`);
  leaseChecks(machine, at, problems);
}

// The lock's lease covers one phase: from decide (which takes it) and from each renewal (release-lock told RENEW), the longest
// the run can take until it next enters a state that renews or releases the lock must fit in the lease given there. The longest
// a state can take: a Task's TimeoutSeconds for its first attempt and every attempt its retriers allow, plus their delays
// (Step Functions' defaults for fields left out); a Wait's Seconds. A loop that never passes a renewal has no bound.
function worstSeconds(state) {
  if (state.Type === "Wait") return typeof state.Seconds === "number" ? state.Seconds : Infinity;
  if (state.Type !== "Task") return 0;
  if (typeof state.TimeoutSeconds !== "number") return Infinity;
  let attempts = 1, delays = 0;
  for (const r of list(state.Retry)) {
    const max = r.MaxAttempts ?? 3, interval = r.IntervalSeconds ?? 1, rate = r.BackoffRate ?? 2, cap = r.MaxDelaySeconds ?? Infinity;
    attempts += max;
    for (let k = 0; k < max; k++) delays += Math.min(interval * rate ** k, cap);
  }
  return state.TimeoutSeconds * attempts + delays;
}

function leaseChecks(machine, at, problems) {
  const states = machine.states;
  const definitionTimeout = typeof machine.definition.TimeoutSeconds === "number" ? machine.definition.TimeoutSeconds : Infinity;
  const invokes = (name, handler) => states[name]?.Resource === LAMBDA_INVOKE && functionOf(machine, states[name].Parameters?.FunctionName).handler === handler;
  const holders = new Set(Object.keys(states).filter(n => invokes(n, "release-lock")));
  // Longest path from `start`, ending at the first holder entered (its own worst case included) or at the end of the run.
  const longest = start => {
    const memo = new Map();
    const visit = (name, onPath, first) => {
      const state = states[name];
      if (!state) return 0;
      const own = worstSeconds(state);
      if (!first && holders.has(name)) return own;
      if (memo.has(name)) return memo.get(name);
      if (onPath.has(name)) return Infinity;
      onPath.add(name);
      const rest = Math.max(0, ...targetsOf(state).map(n => visit(n, onPath, false)));
      onPath.delete(name);
      memo.set(name, own + rest);
      return own + rest;
    };
    return visit(start, new Set(), true);
  };
  machine.leases = {};
  const decideState = Object.keys(states).find(n => invokes(n, "decide"));
  const decide = Object.values(machine.program.resources ?? {}).find(r => r?.type === "aws:lambda/function:Function" && r.properties?.handler === "decide");
  const points = [];
  if (decideState && decide) points.push([decideState, Number(decide.properties?.environment?.variables?.LOCK_LEASE_SECONDS), "decide's LOCK_LEASE_SECONDS"]);
  for (const n of holders) if (states[n].Parameters?.Payload?.outcome === "RENEW") points.push([n, states[n].Parameters.Payload.leaseSeconds, `${n}'s leaseSeconds`]);
  if (points.length < 2 && decideState) problems.push(`${at}: the workflow never renews the lock's lease: decide's lease would have to cover the whole run`);
  for (const [name, lease, what] of points) {
    const need = longest(name);
    machine.leases[name] = { lease, need };
    if (!Number.isFinite(need)) problems.push(`${at}: from ${name} the run can go on without bound before it renews or releases the lock (a loop without a renewal, or a state without a time limit)`);
    // Step Functions stops the run at its TimeoutSeconds: a lease that long covers any phase.
    else if (!(typeof lease === "number" && (lease >= need || lease >= definitionTimeout))) problems.push(`${at}: ${what} ${show(lease)} is shorter than the longest the run can take from ${name} until it renews or releases the lock, ${Math.ceil(need)} s: a live run could lose its lock`);
  }
}

// A recovery task: an ECS task the workflow waits for, in this region's cluster with the service's network settings (whatever
// the service reaches, the task reaches), retrying only errors that mean its container never ran.
function recoveryTaskChecks(machine, task, state, at, problems) {
  const retried = list(state.Retry).flatMap(r => list(r.ErrorEquals));
  const missing = ECS_START_ERRORS.filter(e => !retried.includes(e));
  const extra = retried.filter(e => !ECS_START_ERRORS.includes(e));
  if (missing.length > 0) problems.push(`${at}: ${task} does not retry ${missing.join(", ")} (its container never ran: a retry is safe)`);
  if (extra.length > 0) problems.push(`${at}: ${task} retries ${extra.join(", ")}: a recovery task may have done its work, and may not be idempotent`);
  if (!list(state.Catch).some(c => list(c.ErrorEquals).includes("States.ALL")))
    problems.push(`${at}: ${task} has no Catch of States.ALL: a failed recovery task would end the run unnotified with the lock held`);
  if (typeof state.TimeoutSeconds !== "number") problems.push(`${at}: ${task} has no TimeoutSeconds: a hung task would hold the run and its lock`);
  if (!String(state.ResultPath ?? "").startsWith("$.recovery.")) problems.push(`${at}: ${task} writes its result to ${show(state.ResultPath)}, not under $.recovery`);
  if (!state.ResultSelector) problems.push(`${at}: ${task} keeps the whole task description (kilobytes) in the state: select the few fields it needs`);
  const p = state.Parameters ?? {};
  for (const key of Object.keys(p).filter(k => !ECS_RUN_TASK_PARAMETERS.includes(k.replace(/\.\$$/, ""))))
    problems.push(`${at}: ${task} passes ${key}, which Step Functions' ECS integration does not accept`);
  const services = Object.values(machine.program.resources ?? {}).filter(r => r?.type === "aws:ecs/service:Service");
  if (services.length !== 1) { problems.push(`${at}: ${task}: expected one ECS service in the program to compare with, found ${services.length}`); return; }
  const service = substitute(services[0].properties ?? {}, machine.program, machine.region);
  const network = p.NetworkConfiguration?.AwsvpcConfiguration ?? {};
  const want = service.networkConfiguration ?? {};
  const expectSame = (what, got, wanted) => { if (show(got) !== show(wanted)) problems.push(`${at}: ${task}'s ${what} is ${show(got)}, the service's is ${show(wanted)}`); };
  expectSame("Cluster", p.Cluster, service.cluster);
  expectSame("LaunchType", p.LaunchType, service.launchType);
  expectSame("Subnets", network.Subnets, want.subnets);
  expectSame("SecurityGroups", network.SecurityGroups, want.securityGroups);
  expectSame("AssignPublicIp", network.AssignPublicIp, want.assignPublicIp ? "ENABLED" : "DISABLED");
  if (typeof p.TaskDefinition !== "string" || p.TaskDefinition === "") problems.push(`${at}: ${task} names no TaskDefinition`);
}

// Which recovery tasks run before the shift (shift-traffic follows them by Next) and which after, each phase one task after
// another: the order the fakes expect them in.
function recoveryOrder(machine, at, problems) {
  const states = machine.states;
  const ecs = machine.tasks.filter(t => states[t].Resource === ECS_RUN_TASK_SYNC);
  const shift = machine.tasks.find(t => functionOf(machine, states[t].Parameters?.FunctionName).handler === "shift-traffic");
  const leadsTo = (from, to) => { const seen = new Set(); for (let s = from; s !== undefined && !seen.has(s); s = states[s]?.Next) { if (s === to) return true; seen.add(s); } return false; };
  const chain = group => {
    const first = group.filter(t => !group.some(o => states[o].Next === t));
    const out = [];
    for (let s = first[0]; group.includes(s) && !out.includes(s); s = states[s].Next) out.push(s);
    if (first.length > 1 || out.length !== group.length) problems.push(`${at}: recovery tasks ${group.join(", ")} do not run one after another`);
    return out;
  };
  machine.recovery = { before: chain(ecs.filter(t => shift !== undefined && leadsTo(t, shift))), after: chain(ecs.filter(t => shift === undefined || !leadsTo(t, shift))) };
}

// ---------------------------------------------------------------------------------------------------------------------
// The fakes: what the functions answer (functions/Contract/Json/Contracts.cs), refusing bad input as they do, and SNS.

function parseAction(value) {
  if (typeof value !== "string" || value.trim() === "") throw invalid("'action' is required: failover, failback, drill.");
  const action = value.trim().toLowerCase();
  if (!ALL_ACTIONS.includes(action)) throw invalid(`Unknown action '${value}': expected failover, failback, drill.`);
  return action;
}

function object(payload) {
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) throw invalid(`the event is not a JSON object: ${show(payload)}`);
  return payload;
}

const fakes = {
  decide(world, payload) {
    object(payload);
    const action = parseAction(payload.action);
    if (typeof payload.executionId !== "string" || payload.executionId === "" || payload.executionId.length > 512) throw invalid("'executionId' is required (at most 512 characters).");
    if (typeof payload.source !== "string" || payload.source.trim() === "") throw invalid("'source' is required: who or what started the run.");
    if (payload.source.length > 256) throw invalid("'source' is longer than 256 characters.");
    if (payload.reason !== undefined && (typeof payload.reason !== "string" || payload.reason.length > 1024)) throw invalid("'reason' must be text of at most 1024 characters.");
    if (payload.force !== undefined && typeof payload.force !== "boolean") throw invalid("'force' must be true or false.");
    if (typeof payload.lockId !== "string" || payload.lockId === "" || payload.lockId.length > 512) throw invalid("'lockId' is required: the run's lock token.");
    const decision = world.sc.decide ?? { failover: "FAILOVER", failback: "FAILBACK", drill: "DRILL" }[action];
    const acting = ["FAILOVER", "FAILBACK", "DRILL"].includes(decision);
    // The lock's token: a secret only this run gets; every function that acts must be handed it.
    // The lock is taken for the run's token, which every function that acts must then be handed.
    if (acting) { world.lockOwner = payload.executionId; world.lockToken = payload.lockId; }
    return strip({
      decision, action,
      reason: world.sc.why ?? `${decision}: the primary is UNHEALTHY (2 of 3 Route 53 checkers fail)`,
      source: payload.source,
      requestReason: payload.reason || null,
      flag: world.sc.flag ?? { mode: "auto", source: "override", reason: "game day", setBy: "alice@example.com", expiresAt: "2030-01-01T00:00:00Z" },
      health: { status: "UNHEALTHY", confirmed: world.sc.confirmed ?? false, evidence: [{ source: "route53", verdict: "UNHEALTHY", detail: "2 of 3 checkers report failure" }] },
      lockId: acting ? payload.lockId : "",
      entry: world.machine.entry,
      claims: [],
      alert: world.sc.alert ?? false,
      // A failover's read of the primary's desired count (0: unread); the fake primary runs 6.
      primaryDesiredCount: action === "failover" ? 6 : 0,
      // Announcing: BLOCKED and ALERT are published only when decide says so (a condition already announced waits for its reminder).
      notice: world.sc.notice ?? { notify: true, reminder: REMINDER, nextReminderAt: "2030-01-01T00:30:00.000Z" },
    });
  },
  "scale-service"(world, payload, fn) {
    object(payload);
    const action = parseAction(payload.action);
    holdsLock(world, payload, "scale-service");
    let size = payload.size;
    if (size !== undefined && size !== null) {
      if (typeof size !== "string" || !["active", "standby"].includes(size.trim().toLowerCase())) throw invalid(`'size' must be active or standby (got ${show(size)}).`);
      size = size.trim().toLowerCase();
    } else size = action === "failback" ? "standby" : "active";
    const atLeast = payload.atLeast;
    if (atLeast !== undefined && atLeast !== null && !(Number.isInteger(atLeast) && atLeast >= 0 && atLeast <= 5000))
      throw invalid(`'atLeast' must be a whole number from 0 to 5000 (got ${show(atLeast)}).`);
    const which = fn.remote ? "peer" : "own";
    const before = world.services[which];
    world.services[which] = size;
    const count = s => s === "active" ? 4 : 1;
    return { action, desiredCount: count(size), minCapacity: count(size), previousDesiredCount: count(before), previousMinCapacity: count(before), changed: before !== size };
  },
  "check-service"(world, payload) {
    object(payload);
    const hasSince = payload.waitingSince !== undefined && payload.waitingSince !== null;
    const hasTimeout = payload.timeoutSeconds !== undefined && payload.timeoutSeconds !== null;
    if (hasSince !== hasTimeout) throw invalid("'waitingSince' and 'timeoutSeconds' go together.");
    if (hasTimeout && !(Number.isInteger(payload.timeoutSeconds) && payload.timeoutSeconds >= 1 && payload.timeoutSeconds <= 86400))
      throw invalid(`'timeoutSeconds' must be a whole number from 1 to 86400 (got ${show(payload.timeoutSeconds)}).`);
    if (hasSince && (typeof payload.waitingSince !== "string" || !ISO.test(payload.waitingSince) || Number.isNaN(Date.parse(payload.waitingSince))))
      throw invalid(`'waitingSince' must be an ISO-8601 time with a zone (got ${show(payload.waitingSince)}).`);
    const n = ++world.checks;
    if (n > 1) world.clock.tick(world.machine.readiness.pollSeconds ?? 15); // the Wait between checks, overridden to 0 ms
    const now = world.clock.now();
    if (hasSince && Date.parse(payload.waitingSince) - now > 5 * 60_000) throw invalid("'waitingSince' is more than 5 minutes in the future.");
    const { ready, timedOut } = (world.sc.readiness ?? (k => ({ ready: k >= 3 })))(n);
    const waited = hasSince ? Math.max(0, Math.floor((now - Date.parse(payload.waitingSince)) / 1000)) : null;
    const running = ready ? 4 : Math.min(n, 3);
    return strip({
      ready, running, desired: 4, healthyTargets: ready ? 4 : Math.max(0, running - 1), rolloutState: ready ? "COMPLETED" : "IN_PROGRESS",
      timedOut: timedOut ?? (!ready && hasSince && waited >= payload.timeoutSeconds), waitedSeconds: waited,
    });
  },
  "shift-traffic"(world, payload) {
    object(payload);
    const action = parseAction(payload.action);
    holdsLock(world, payload, "shift-traffic");
    const inverted = action === "failover" ? true : action === "failback" ? false : world.gateInverted;
    const shifted = world.gateInverted !== inverted;
    world.gateInverted = inverted;
    return { shifted, gate: "Failover/TrafficGate/failover-primary", inverted, mode: "metric", degraded: false };
  },
  "release-lock"(world, payload) {
    object(payload);
    if (typeof payload.lockId !== "string" || payload.lockId.trim() === "" || payload.lockId.length > 512) throw invalid("'lockId' is required: the run's lock token.");
    if (typeof payload.executionId !== "string" || payload.executionId === "") throw invalid("'executionId' is required.");
    const action = parseAction(payload.action);
    if (payload.outcome === "RENEW") {
      if (!(Number.isInteger(payload.leaseSeconds) && payload.leaseSeconds >= 60 && payload.leaseSeconds <= 86400))
        throw invalid(`'leaseSeconds' must be a whole number of seconds from 60 to 86400 with RENEW (got ${show(payload.leaseSeconds)}).`);
      // Only the owner renews; a lock taken over (or released) is gone, and the run must stop before it acts again.
      if (world.lockToken !== payload.lockId) throw named("LockLost", "the lock is no longer held with this run's token");
      return { released: false, stateRecorded: false, reason: "lease renewed", epoch: 0, recorded: false };
    }
    if (!["SUCCEEDED", "FAILED"].includes(payload.outcome)) throw invalid(`'outcome' must be SUCCEEDED or FAILED (got ${show(payload.outcome)}).`);
    // The lock may have been lost meanwhile (lease expired, taken over): then nothing is released nor recorded.
    const released = world.lockToken === payload.lockId;
    const holder = world.lockOwner;
    if (released) { world.lockOwner = null; world.lockToken = null; }
    const recorded = released && payload.outcome === "SUCCEEDED" && action !== "drill";
    return strip({
      released, stateRecorded: recorded,
      reason: released ? "released" : holder ? "held by another execution" : "no lock is held by this execution",
      activeRegion: recorded ? world.machine.region : null, epoch: recorded ? 8 : 0,
      // The run's measured record: written for a run that held its lock to the end.
      recorded: released,
    });
  },
};

/** What shift-traffic and scale-service do first: refuse (LockNotHeld) a request without the token of the lock held now. */
function holdsLock(world, payload, handler) {
  if (typeof payload.lockId !== "string" || payload.lockId === "" || payload.lockId !== world.lockToken)
    throw named("LockNotHeld", `${handler}: the request's lockId is not the token of the lock held now; nothing was changed`);
}

class Clock {
  // After the real $$.Execution.StartTime the library stamps, so `started` comes before every stamp of this clock.
  constructor() { this.ms = Math.ceil(Date.now() / 1000) * 1000 + 60_000; }
  now() { return this.ms; }
  tick(seconds = 1) { this.ms += seconds * 1000; }
  // $$.State.EnteredTime: every read is a state entered one second later.
  enter() { this.tick(1); return new Date(this.ms).toISOString(); }
}

class World {
  constructor(machine, sc) {
    this.machine = machine;
    this.sc = sc;
    this.clock = new Clock();
    this.calls = [];
    this.perState = {};
    this.checks = 0;
    this.lockOwner = null;
    this.lockToken = null;
    this.services = { own: "standby", peer: "active" };
    this.gateInverted = machine.role === "primary"; // after a failover the primary's gate is closed
    this.tasksStarted = 0;
  }

  async task(stateName, params) {
    await new Promise(resolve => setImmediate(resolve)); // a macrotask per call: the watchdog can always fire
    const state = this.machine.states[stateName];
    const n = this.perState[stateName] = (this.perState[stateName] ?? 0) + 1;
    const call = { state: stateName, n, resource: state.Resource };
    this.calls.push(call);
    if (this.calls.length > 2000) throw named("Runaway", "over 2000 task calls: the run does not end");
    if (state.Resource === SNS_PUBLISH) {
      call.kind = "sns";
      call.subject = params?.Subject;
      if (this.machine.runnable.serialised.has(stateName)) params = { ...params, Message: JSON.stringify(params?.Message) };
      try { call.notice = JSON.parse(params?.Message); } catch { call.notice = undefined; }
      const fault = this.sc.faults?.[stateName]?.(n);
      if (fault) { call.error = fault; throw named(fault, `injected at ${stateName}, call ${n}`); }
      if (typeof params?.Message !== "string") { call.error = "SNS.InvalidParameterException"; throw named(call.error, "Message must be a string"); }
      if (Buffer.byteLength(params.Message) > 256 * 1024) { call.error = "SNS.InvalidParameterException"; throw named(call.error, "Message over 256 KB"); }
      if (typeof params.Subject !== "string" || params.Subject.length > 100 || !/^[\x20-\x7e]+$/.test(params.Subject)) {
        call.error = "SNS.InvalidParameterException";
        throw named(call.error, `Subject must be 1-100 printable ASCII characters: ${show(params.Subject)}`);
      }
      if (!this.machine.topics.has(params.TopicArn)) { call.error = "SNS.NotFoundException"; throw named(call.error, `no topic ${show(params.TopicArn)} in the program`); }
      call.published = true;
      return { MessageId: `00000000-0000-0000-0000-${String(this.calls.length).padStart(12, "0")}`, SdkHttpMetadata: { HttpStatusCode: 200 } };
    }
    if (state.Resource === ECS_RUN_TASK_SYNC) return this.runTask(stateName, call, params, n);
    if (state.Resource !== LAMBDA_INVOKE) { call.kind = "other"; call.error = "States.TaskFailed"; throw named(call.error, `no fake for ${state.Resource}`); }
    call.kind = "lambda";
    const fn = functionOf(this.machine, params?.FunctionName);
    Object.assign(call, { handler: fn.handler ?? fn.name, remote: fn.remote, payload: params?.Payload });
    const fault = this.sc.faults?.[stateName]?.(n);
    if (fault) { call.error = fault; throw named(fault, `injected at ${stateName}, call ${n}`); }
    const fake = fakes[fn.handler];
    if (!fake) { call.error = "Lambda.ResourceNotFoundException"; throw named(call.error, `Function not found: ${show(params?.FunctionName)}`); }
    try {
      call.result = fake(this, params?.Payload, fn);
    } catch (e) {
      call.error = e.name;
      call.message = e.message;
      throw e;
    }
    this.sc.after?.[stateName]?.(this, n); // what happens in the world meanwhile (another execution takes the lock, ...)
    return { ExecutedVersion: "$LATEST", Payload: call.result, SdkHttpMetadata: { HttpStatusCode: 200 }, StatusCode: 200 };
  }
}

// ECS's runTask.sync: RunTask refuses what it would refuse, then the integration waits and answers the stopped task's
// description (DescribeTasks' shape). A task whose container exits non-zero fails the state with States.TaskFailed, its Cause
// the description; a fault injected by a scenario stands for that, a timeout or a start failure.
World.prototype.runTask = function runTask(stateName, call, params, n) {
  call.kind = "ecs";
  call.params = params;
  const p = params ?? {};
  const overrides = list(p.Overrides?.ContainerOverrides);
  const container = overrides[0]?.Name ?? "app";
  const stopped = exitCode => {
    const id = `${String(++this.tasksStarted).padStart(8, "0")}0123456789abcdef01234567`;
    return {
      TaskArn: `arn:aws:ecs:${this.machine.region}:${ACCOUNT}:task/${String(p.Cluster).split("/").at(-1)}/${id}`, ClusterArn: p.Cluster,
      TaskDefinitionArn: String(p.TaskDefinition), LaunchType: p.LaunchType, LastStatus: "STOPPED", DesiredStatus: "STOPPED",
      StartedBy: "AWS Step Functions", StopCode: "EssentialContainerExited", StoppedReason: "Essential container in task exited",
      Containers: [{ Name: container, LastStatus: "STOPPED", ExitCode: exitCode }], Overrides: p.Overrides ?? { ContainerOverrides: [] },
    };
  };
  const fault = this.sc.faults?.[stateName]?.(n);
  if (fault) {
    call.error = fault;
    throw named(fault, fault === "States.TaskFailed" ? JSON.stringify(stopped(1)) : `injected at ${stateName}, call ${n}`);
  }
  const refuse = message => { call.error = "ECS.InvalidParameterException"; throw named(call.error, message); };
  if (typeof p.Cluster !== "string" || !p.Cluster) refuse("Cluster is required");
  if (typeof p.TaskDefinition !== "string" || !p.TaskDefinition) refuse("TaskDefinition is required");
  if (p.LaunchType !== "FARGATE") refuse(`a Fargate task definition runs with LaunchType FARGATE, got ${show(p.LaunchType)}`);
  const vpc = p.NetworkConfiguration?.AwsvpcConfiguration;
  if (!Array.isArray(vpc?.Subnets) || vpc.Subnets.length === 0 || !vpc.Subnets.every(x => typeof x === "string"))
    refuse("Network Configuration must be provided when networkMode 'awsvpc' is specified (subnets)");
  if (!["ENABLED", "DISABLED", undefined].includes(vpc.AssignPublicIp)) refuse(`AssignPublicIp must be ENABLED or DISABLED, got ${show(vpc.AssignPublicIp)}`);
  for (const o of overrides) {
    if (typeof o?.Name !== "string" || !o.Name) refuse("a container override names its container");
    if (o.Command !== undefined && !(Array.isArray(o.Command) && o.Command.every(x => typeof x === "string"))) refuse(`Command must be a list of strings, got ${show(o.Command)}`);
    for (const e of list(o.Environment))
      if (typeof e?.Name !== "string" || typeof e?.Value !== "string") refuse(`an environment override is {Name, Value} strings, got ${show(e)}`);
  }
  call.result = stopped(0);
  return call.result;
};

const label = c => {
  let l = c.kind === "sns" ? `notify:${c.notice?.event ?? c.subject ?? "?"}`
    : c.kind === "lambda" ? `${c.handler}${c.remote ? "@peer" : ""}` : c.kind === "ecs" ? `run:${c.state}` : c.state;
  if (c.handler === "scale-service") l += `:${c.payload?.size ?? "no-size"}`;
  if (c.handler === "release-lock") l += `:${c.payload?.outcome ?? "no-outcome"}`;
  return c.error ? `${l}!${c.error}` : l;
};

// aws-local-stepfunctions strips every backslash from an intrinsic function's string result, so States.JsonToString of a
// value holding a quote (an error's Cause is JSON) yields broken JSON where Step Functions yields valid JSON. The run
// therefore passes the value itself to the fake SNS, which serialises it as States.JsonToString does (JSON.stringify).
function runnable(definition) {
  const copy = clone(definition);
  const serialised = new Set();
  for (const [name, state] of Object.entries(copy.States ?? {})) {
    const message = state.Type === "Task" ? state.Parameters?.["Message.$"] : undefined;
    const path = typeof message === "string" ? /^States\.JsonToString\((\$[^(),']*)\)$/.exec(message)?.[1] : undefined;
    if (path) { state.Parameters["Message.$"] = path; serialised.add(name); }
  }
  return { definition: copy, serialised };
}

async function execute(machine, sc) {
  const world = new World(machine, sc);
  const execId = `arn:aws:states:${machine.region}:${ACCOUNT}:execution:${machine.smName}:${slug(sc.name)}`;
  const states = machine.states;
  const overrides = {
    taskResourceLocalHandlers: Object.fromEntries(machine.tasks.map(t => [t, params => world.task(t, params)])),
    waitTimeOverrides: Object.fromEntries(Object.entries(states).filter(([, s]) => s.Type === "Wait").map(([n]) => [n, 0])),
    retryIntervalOverrides: Object.fromEntries(Object.entries(states).filter(([, s]) => s.Retry).map(([n]) => [n, 0])),
  };
  const trace = { name: sc.name, input: sc.input, execId, world };
  let machineRun;
  try {
    // Validated above (asl-validator's errors are findings): run even a definition it refuses, to show what that does.
    machine.runner ??= new StateMachine(machine.runnable.definition, { validationOptions: { noValidate: true } });
    machineRun = machine.runner.run(clone(sc.input), {
      overrides,
      context: {
        Execution: { Id: execId, Name: slug(sc.name), RoleArn: `arn:aws:iam::${ACCOUNT}:role/workflow` },
        StateMachine: { Id: `arn:aws:states:${machine.region}:${ACCOUNT}:stateMachine:${machine.smName}`, Name: machine.smName },
        State: { get EnteredTime() { return world.clock.enter(); } },
      },
    });
  } catch (e) {
    return { ...trace, status: "UNRUNNABLE", error: e.name, cause: e.message, calls: [], steps: [], entered: [] };
  }
  const watchdog = setTimeout(() => machineRun.abort(), 20_000);
  try {
    trace.output = await machineRun.result;
    trace.status = "SUCCEEDED";
  } catch (e) {
    const cause = e.cause ?? e;
    trace.status = "FAILED";
    trace.error = cause.name;
    trace.cause = cause.message;
  } finally {
    clearTimeout(watchdog);
  }
  const events = [];
  for await (const event of machineRun.eventLogs) events.push(event);
  trace.entered = events.filter(e => e.type === "StateEntered").map(e => e.state.name);
  trace.final = trace.entered.at(-1);
  trace.calls = world.calls;
  // Renewals are checked on their own (renewalChecks); the step lists read as the phases they separate.
  trace.steps = world.calls.filter(c => !isRenewal(c)).map(label);
  return trace;
}

// ---------------------------------------------------------------------------------------------------------------------
// Expectations.

const outcome = t => t.status === "SUCCEEDED" ? `SUCCEEDED in ${t.final}` : `${t.status} with ${t.error}: ${String(t.cause).slice(0, 300)} (in ${t.final})`;
const steps = t => t.steps.length === 0 ? "(no calls)" : t.steps.join(" → ");
const lambdas = t => t.calls.filter(c => c.kind === "lambda");
const isRenewal = c => c.handler === "release-lock" && c.payload?.outcome === "RENEW";
const published = t => t.calls.filter(c => c.kind === "sns" && c.published).map(c => c.notice);
const noticeOf = (t, event) => published(t).find(n => n?.event === event);
const scaling = (size, remote = false) => c => c.kind === "lambda" && c.handler === "scale-service" && !!c.remote === remote && c.payload?.size === size;

/** The one exception to "ready before traffic moves": a failover whose readiness wait ended (timed out, or out of checks) while
 * decide said the primary was confirmed down, with at least the definition's minimum of healthy targets (its PartialReadiness
 * state, read from the compiled definition, not assumed). */
function partialShift(machine, t, lastCheck) {
  const rule = machine.definition.States?.PartialReadiness?.Choices?.[0]?.And?.find(c => c.Variable === "$.check.healthyTargets");
  const decided = lambdas(t).find(c => c.handler === "decide" && !c.error)?.result;
  const checks = lambdas(t).filter(c => c.handler === "check-service" && !c.error);
  const gaveUp = lastCheck?.result?.timedOut === true || checks.length >= machine.readiness.maxChecks;
  return rule !== undefined && t.input?.action === "failover" && decided?.health?.confirmed === true && gaveUp
    && lastCheck.result.healthyTargets >= rule.NumericGreaterThanEquals;
}

// What holds on every run, whatever the scenario: the invariants a user relies on.
function invariants(machine, sc, t, expect) {
  if (t.status === "UNRUNNABLE") return;
  if (BROKEN.includes(t.error) || t.error === "Runaway") expect(false, `the run broke: ${outcome(t)}`);
  const action = typeof sc.input?.action === "string" ? sc.input.action : undefined;
  for (const [i, c] of t.calls.entries()) {
    const before = t.calls.slice(0, i);
    if (c.kind === "lambda" && c.handler === "shift-traffic") {
      const scaled = before.some(b => scaling("active")(b) && !b.error);
      const lastCheck = before.filter(b => b.handler === "check-service" && !b.error).at(-1);
      expect(action !== "drill", `a drill must never move traffic, but shift-traffic ran (call ${i + 1} of ${steps(t)})`);
      expect(scaled, `shift-traffic ran before this region was scaled up (${steps(t)})`);
      expect(lastCheck?.result?.ready === true || partialShift(machine, t, lastCheck),
        `shift-traffic ran before check-service said the service was ready (${steps(t)})`);
    }
    if (scaling("standby", true)(c))
      expect(before.some(b => b.handler === "shift-traffic" && !b.error), `the peer was scaled to standby before traffic was shifted (${steps(t)})`);
    if (scaling("active")(c))
      expect(before.some(b => b.kind === "sns" && b.notice?.event === "INITIATED"), `this region was scaled up before INITIATED was notified (${steps(t)})`);
    if (c.kind === "ecs") {
      expect(action !== "drill", `a drill must never run a recovery task (it must not promote a database), but ${c.state} ran (${steps(t)})`);
      const shifted = before.some(b => b.handler === "shift-traffic" && !b.error);
      if (machine.recovery.before.includes(c.state)) {
        const lastCheck = before.filter(b => b.handler === "check-service" && !b.error).at(-1);
        expect(lastCheck?.result?.ready === true || partialShift(machine, t, lastCheck), `${c.state} ran before check-service said the region was ready (${steps(t)})`);
        expect(!shifted, `${c.state} runs before the shift, but traffic had already moved (${steps(t)})`);
      } else {
        expect(shifted, `${c.state} runs after the shift, but traffic had not moved (${steps(t)})`);
      }
      // Only an error that means the container never ran may be followed by another run of the same task.
      const again = before.filter(b => b.state === c.state);
      const unsafe = again.find(b => !ECS_START_ERRORS.includes(b.error));
      expect(unsafe === undefined, `${c.state} ran again after ${unsafe?.error ?? "succeeding"}: a recovery task may not be idempotent (${steps(t)})`);
    }
    if (c.kind === "lambda" && c.handler === "shift-traffic")
      for (const task of machine.recovery.before)
        expect(before.some(b => b.state === task && !b.error), `shift-traffic ran before the recovery task ${task} succeeded (${steps(t)})`);
  }
  const decided = t.calls.some(c => c.handler === "decide");
  const held = decided && !["Blocked", "NoAction"].includes(t.final);
  const releases = lambdas(t).filter(c => c.handler === "release-lock" && !isRenewal(c));
  if (held) renewalChecks(machine, t, action, expect);
  // The scale-up asks for at least the primary's desired count that decide read (a failover's; 0 otherwise).
  const decidedCall = t.calls.find(c => c.handler === "decide" && c.result);
  for (const c of t.calls.filter(c => c.handler === "scale-service" && c.payload?.size === "active" && !c.remote))
    expect(c.payload?.atLeast === decidedCall?.result?.primaryDesiredCount,
      `scale-service scaled up with atLeast ${show(c.payload?.atLeast)}, not decide's primaryDesiredCount ${show(decidedCall?.result?.primaryDesiredCount)}`);
  // Once shift-traffic has answered, the gate has moved: from then on every release must record the transition.
  const moved = t.calls.some(c => c.handler === "shift-traffic" && !c.error && c.result);
  if (held) {
    const last = lambdas(t).at(-1);
    const want = t.status === "SUCCEEDED" || moved ? "SUCCEEDED" : "FAILED";
    const released = last?.handler === "release-lock" && !isRenewal(last);
    expect(released, `the lock must be released last, but the last call was ${last ? label(last) : "none"} (${steps(t)})`);
    if (released) {
      const token = t.calls.find(c => c.handler === "decide")?.payload?.lockId;
      expect(typeof token === "string" && token !== "" && last.payload?.lockId === token && last.payload?.executionId === t.execId,
        `release-lock must carry the run's token (the one decide was given) and the execution id, got ${show(last.payload?.lockId)} / ${show(last.payload?.executionId)}`);
      expect(last.payload?.outcome === want, `the run ended ${t.status}${moved ? " after traffic moved" : " before traffic moved"}, but release-lock was told ${show(last.payload?.outcome)}`);
      expect(last.payload?.action === action, `release-lock was told action ${show(last.payload?.action)}, the run was ${show(action)}`);
      // A run that lost its lock moved traffic without recording it: that must not end SUCCEEDED.
      const r = last.result ?? {};
      if (t.status === "SUCCEEDED")
        expect(r.stateRecorded === true || (action === "drill" && r.released === true),
          `a ${action} that succeeded must have ${action === "drill" ? "released its lock" : "recorded the transition"}, but release-lock answered ${show(last.result ?? last.error)}`);
    }
    expect(!(t.status === "SUCCEEDED" && releases.some(c => c.payload?.outcome === "FAILED")), `a run that succeeded released its lock as FAILED (${steps(t)})`);
    expect(!(moved && releases.some(c => c.payload?.outcome === "FAILED")), `traffic moved, yet the lock was released as FAILED: the transition goes unrecorded (${steps(t)})`);
  } else if (decided) {
    expect(releases.length === 0, `a run that took no lock (${t.final}) called release-lock (${steps(t)})`);
  }
  for (const c of t.calls.filter(c => c.kind === "sns")) {
    const n = c.notice;
    if (!n || typeof n !== "object") { expect(false, `${c.state} published a Message that is not a JSON object`); continue; }
    expect(n.execution === t.execId, `the ${n.event} notice names execution ${show(n.execution)}, not ${t.execId}`);
    expect(n.region === machine.region, `the ${n.event} notice names region ${show(n.region)}, not ${machine.region}`);
    expect(n.action === sc.input?.action, `the ${n.event} notice names action ${show(n.action)}, the run was ${show(sc.input?.action)}`);
    expect(typeof n.summary === "string" && n.summary.includes(n.event) && n.summary.includes(machine.region), `the ${n.event} notice's summary does not say what happened where: ${show(n.summary)}`);
    expect(typeof c.subject === "string" && c.subject.includes(n.event), `${c.state}'s Subject ${show(c.subject)} does not name ${n.event}`);
  }
  const faulted = state => sc.faults?.[state] !== undefined;
  const notifyFailed = t.calls.some(c => c.kind === "sns" && c.notice?.event === "FAILED");
  if (held && t.status === "FAILED") expect(notifyFailed, `the run failed (${t.error}) without a FAILED notice (${steps(t)})`);
  if (t.status === "SUCCEEDED" && t.final !== "NoAction" && t.final !== "Blocked" && !Object.keys(sc.faults ?? {}).some(s => machine.states[s]?.Resource === SNS_PUBLISH))
    expect(published(t).some(n => n?.event === "SUCCEEDED"), `the run succeeded without a SUCCEEDED notice (${steps(t)})`);
  if (t.status === "FAILED" && !faulted("NotifyFailed")) {
    const failed = noticeOf(t, "FAILED");
    if (failed) {
      expect(failed.error?.Error === t.error || t.error === undefined, `the FAILED notice names ${show(failed.error?.Error)}, the run failed with ${t.error}`);
      expect(typeof failed.summary === "string" && failed.summary.includes(String(t.error)), `the FAILED notice's summary does not name the error ${t.error}: ${show(failed.summary)}`);
    }
    // The failure path releases first, then tells people what the release did (its answer, or its error) and recorded.
    const release = releases.at(-1);
    if (failed && held && release) {
      const at = t.calls.indexOf(release), notice = t.calls.findIndex(c => c.kind === "sns" && c.notice?.event === "FAILED");
      expect(notice > at, `the FAILED notice must come after the release, so it can say what the release did (${steps(t)})`);
      if (release.error)
        expect(failed.release?.Error === release.error && typeof failed.release?.Cause === "string",
          `the release failed with ${release.error}: the FAILED notice's release must be that error {Error, Cause}, got ${show(failed.release)}`);
      else
        for (const k of ["released", "stateRecorded", "reason", "epoch"])
          expect(show(failed.release?.[k]) === show(release.result?.[k]), `the FAILED notice's release.${k} must be release-lock's ${show(release.result?.[k])}, got ${show(failed.release?.[k])}`);
      expect(failed.releaseOutcome === release.payload?.outcome, `the FAILED notice's releaseOutcome must be what release-lock was told, ${show(release.payload?.outcome)}, got ${show(failed.releaseOutcome)}`);
    }
  }
  if (action === "drill") {
    const up = t.calls.findIndex(scaling("active"));
    // Unless it lost its lock: the run that took it over (a failover, perhaps) decides this service's size now.
    if (up >= 0 && t.error !== "LockLost")
      expect(t.calls.slice(up + 1).some(scaling("standby")), `a drill scaled this region up and never gave the capacity back (${steps(t)})`);
  }
}

function expectTimings(t, expect, keys) {
  const timings = t.output?.timings ?? {};
  const at = keys.map(k => timings[k]?.at);
  if (!at.every(v => typeof v === "string" && ISO.test(v))) { expect(false, `the output's timings must have ${keys.join(", ")} as ISO times, got ${show(timings)}`); return; }
  for (let i = 1; i < at.length; i++)
    expect(Date.parse(at[i - 1]) < Date.parse(at[i]), `timings must increase: ${keys[i - 1]} ${at[i - 1]} is not before ${keys[i]} ${at[i]}`);
}

function expectNoticeFields(t, expect, event, sc, decision) {
  const n = noticeOf(t, event);
  if (!n) { expect(false, `no ${event} notice was published (${steps(t)})`); return; }
  const decide = lambdas(t).find(c => c.handler === "decide" && c.result)?.result ?? {};
  const want = {
    event, action: sc.input.action, region: t.world.machine.region, execution: t.execId, source: sc.input.source ?? "",
    requestReason: sc.input.reason ?? "", decision, why: decide.reason, health: decide.health?.status,
  };
  for (const [k, v] of Object.entries(want)) expect(show(n[k]) === show(v), `the ${event} notice's ${k} must be ${show(v)}, got ${show(n[k])}`);
  expect(show(n.flag) === show(decide.flag), `the ${event} notice's flag must be decide's ${show(decide.flag)}, got ${show(n.flag)}`);
  for (const word of [sc.input.action, decision]) expect(String(n.summary).includes(word), `the ${event} notice's summary does not mention ${word}: ${show(n.summary)}`);
}

// ---------------------------------------------------------------------------------------------------------------------
// Scenarios.

const REQUEST = { source: "operator:alice", reason: "us-east-1 degraded since 09:40", force: false };

// The lease covers one phase: the run renews it before each readiness check after the first, once ready (before the shift or
// the drill's scale-back), and after the shift; each renewal names the run's lock and action. A run that acts after its lock
// is gone is the failure this prevents.
function renewalChecks(machine, t, action, expect) {
  const calls = t.calls;
  for (const c of calls.filter(isRenewal)) {
    const token = calls.find(d => d.handler === "decide")?.payload?.lockId;
    expect(c.payload?.lockId === token && c.payload?.action === action,
      `${c.state} renews lock ${show(c.payload?.lockId)} for ${show(c.payload?.action)}, not the run's (${show(token)}, ${action})`);
    expect(Number.isInteger(c.payload?.leaseSeconds), `${c.state} passes no whole leaseSeconds: ${show(c.payload?.leaseSeconds)}`);
  }
  const renewedBetween = (from, to) => calls.slice(from + 1, to).some(c => isRenewal(c) && !c.error);
  const checks = calls.map((c, i) => [c, i]).filter(([c]) => c.handler === "check-service");
  for (let k = 1; k < checks.length; k++)
    expect(renewedBetween(checks[k - 1][1], checks[k][1]), `readiness check ${k + 1} ran without renewing the lease since the one before (${steps(t)})`);
  const lastCheck = checks.at(-1)?.[1];
  // The success path's next phase (the failure path's steps are inside the phase that failed, and its lease covers them).
  const next = calls.findIndex((c, i) => i > (lastCheck ?? Infinity) && (c.handler === "shift-traffic" || c.kind === "ecs" || c.state === "DrillScaleBack"));
  if (lastCheck !== undefined && next >= 0 && !calls[next].error)
    expect(renewedBetween(lastCheck, next), `${label(calls[next])} ran after readiness without renewing the lease for that phase (${steps(t)})`);
  const shift = calls.findIndex(c => c.handler === "shift-traffic" && !c.error && c.result);
  const after = calls.findIndex((c, i) => i > shift && !isRenewal(c) && c.kind !== "sns" && !(c.handler === "release-lock"));
  // After the shift the renewal is attempted; a lost lock there does not stop the run (traffic has moved).
  if (shift >= 0 && after >= 0)
    expect(calls.slice(shift + 1, after).some(isRenewal), `${label(calls[after])} ran after the shift without renewing the lease (${steps(t)})`);
  // A renewal before the shift that found the lock gone: nothing may run after it but the release, not even a drill's scale-back
  // (it would shrink the region the run that took over is scaling up). After the shift the run goes on; its release says.
  const lost = calls.findIndex(c => isRenewal(c) && c.error === "LockLost");
  if (lost >= 0 && (shift < 0 || lost < shift)) {
    const later = calls.slice(lost + 1).filter(c => c.kind === "ecs" || ["shift-traffic", "scale-service"].includes(c.handler));
    expect(later.length === 0, `the run went on after its lock was lost: ${later.map(label).join(", ")}`);
    expect(t.status === "FAILED" && t.error === "LockLost", `a run that lost its lock must end FAILED with LockLost; it ended ${outcome(t)}`);
  }
}

// decide's sentence on when the next reminder comes, which a BLOCKED or ALERT notice must quote.
const REMINDER = "next reminder at 2030-01-01T00:30:00Z if this lasts (at most every 30 min); a different condition is announced at once";
// decide holding back a condition it announced less than the repeat interval ago.
const ALREADY_ANNOUNCED = { notify: false, reminder: "announced at 2030-01-01T00:00:00Z and not repeated until 2030-01-01T00:30:00Z while it lasts", nextReminderAt: "2030-01-01T00:30:00.000Z" };

function expectReminder(t, expect, event) {
  const n = noticeOf(t, event);
  expect(String(n?.summary).includes(REMINDER), `the ${event} notice's summary must say when the next reminder comes (decide's reminder), got ${show(n?.summary)}`);
  expect(n?.repeat?.nextReminderAt === "2030-01-01T00:30:00.000Z", `the ${event} notice must carry decide's nextReminderAt, got ${show(n?.repeat)}`);
}

// The recovery tasks of a phase, as the fakes label their runs.
const recoveryRuns = (machine, phase) => machine.recovery[phase].map(state => `run:${state}`);

function happySteps(machine, action, checks = 3) {
  const s = ["decide", "notify:INITIATED", "scale-service:active", ...Array(checks).fill("check-service")];
  if (action === "drill") s.push("scale-service:standby");
  else {
    // beforeShift recovery tasks, the shift, afterShift ones (before the failback's drain and scale-down).
    s.push(...recoveryRuns(machine, "before"), "shift-traffic", ...recoveryRuns(machine, "after"));
    if (machine.role === "primary") s.push("scale-service@peer:standby");
  }
  return [...s, "notify:SUCCEEDED", "release-lock:SUCCEEDED"];
}

// The failure path: a drill gives its capacity back, the lock is released (FAILED: traffic has not moved), then FAILED is
// notified with what the release did.
function failingSteps(action, upTo) {
  const s = ["decide", "notify:INITIATED", "scale-service:active", ...upTo];
  if (action === "drill") s.push("scale-service:standby");
  return [...s, "release-lock:FAILED", "notify:FAILED"];
}

function scenarios(machine) {
  const out = [];
  const add = sc => out.push(sc);
  const expectSteps = (t, expect, want) => expect(show(t.steps) === show(want), `expected ${want.join(" → ")}, got ${steps(t)} [${outcome(t)}]`);
  const expectEnd = (t, expect, status, error) =>
    expect(t.status === status && (error === undefined || t.error === error), `expected the run to end ${status}${error ? ` with ${error}` : ""}, it ended ${outcome(t)}`);
  const main = machine.actions[0];
  const move = machine.actions.find(a => a !== "drill");
  const decisionOf = { failover: "FAILOVER", failback: "FAILBACK", drill: "DRILL" };
  const { maxChecks } = machine.readiness;
  const check = t => lambdas(t).filter(c => c.handler === "check-service");

  for (const action of machine.actions) {
    const verb = action === "drill" ? "drill (decide answers FAILOVER)" : action;
    add({
      // The triggers' entry point is given an input that claims force and an operator: it must hand decide neither.
      name: verb, base: true, input: { action, ...REQUEST, ...(machine.entry === "trigger" ? { force: true, unattended: false } : {}), executionId: "someone-else" }, decide: action === "drill" ? "FAILOVER" : undefined,
      flag: action === "drill" ? { mode: "auto", source: "default" } : undefined,
      readiness: n => ({ ready: n >= 3 }),
      expect(t, expect) {
        expectEnd(t, expect, "SUCCEEDED");
        expectSteps(t, expect, happySteps(machine, action));
        const decide = lambdas(t).find(c => c.handler === "decide");
        expect(decide?.payload?.executionId === t.execId, `decide must be given the execution id as executionId (the lock's owner), got ${show(decide?.payload?.executionId)}`);
        for (const k of ["action", "source", "reason", ...(machine.entry === "operator" ? ["force"] : [])])
          expect(show(decide?.payload?.[k]) === show(t.input[k]), `decide must be given the request's ${k} ${show(t.input[k])}, got ${show(decide?.payload?.[k])}`);
        // A trigger's start never forces and is always unattended, whatever its input says.
        if (machine.entry === "trigger")
          expect(decide?.payload?.force === false && decide?.payload?.unattended === true,
            `the triggers' entry point must hand decide force false and unattended true, got ${show(decide?.payload?.force)} / ${show(decide?.payload?.unattended)}`);
        const checks = check(t);
        const since = checks[0]?.payload?.waitingSince;
        expect(checks.every(c => c.payload?.waitingSince === since && typeof since === "string"), `every check must carry the same waitingSince, got ${show(checks.map(c => c.payload?.waitingSince))}`);
        expect(checks.every(c => c.payload?.timeoutSeconds === machine.readiness.timeoutSeconds), `every check must carry timeoutSeconds ${machine.readiness.timeoutSeconds}`);
        expect(lambdas(t).every(c => c.payload?.action === action), `every function must be told action ${action}, got ${show(lambdas(t).map(c => c.payload?.action))}`);
        expectNoticeFields(t, expect, "INITIATED", this, action === "drill" ? "FAILOVER" : decisionOf[action]);
        expectNoticeFields(t, expect, "SUCCEEDED", this, action === "drill" ? "FAILOVER" : decisionOf[action]);
        expectTimings(t, expect, ["started", "decided", "ready", "finished"]);
        if (action !== "drill") {
          expect(t.world.gateInverted === (action === "failover"), `after ${action} the traffic gate must be ${action === "failover" ? "inverted" : "restored"}`);
          expect(t.output?.shift?.shifted === true, `the output must carry shift-traffic's result, got ${show(t.output?.shift)}`);
        } else {
          expect(t.world.services.own === "standby", `after a drill this region must be back at standby, it is ${t.world.services.own}`);
          expect(noticeOf(t, "SUCCEEDED")?.flag?.setBy === undefined, "a flag without setBy must not gain one in the notice");
        }
        if (machine.role === "primary") {
          expect(t.world.services.peer === "standby", `after failback the secondary must be at standby, it is ${t.world.services.peer}`);
          const standby = noticeOf(t, "SUCCEEDED")?.standby;
          expect(standby?.desiredCount === 1 && standby?.Error === undefined, `the SUCCEEDED notice must show the secondary scaled back to standby, got ${show(standby)}`);
          // Traffic moves, then the drain (resolvers still answer the secondary for the record's TTL), then the scale-down.
          const shiftState = t.calls.find(c => c.handler === "shift-traffic")?.state, downState = t.calls.find(scaling("standby", true))?.state;
          const shifted = t.entered.lastIndexOf(shiftState), drained = t.entered.indexOf(machine.drain?.state), down = t.entered.indexOf(downState);
          expect(shifted >= 0 && shifted < drained && drained < down,
            `the failback must wait in its drain (${machine.drain?.state} for ${machine.drain?.seconds} s) after ${shiftState} and before ${downState}: entered ${t.entered.join(" → ")}`);
        }
        expect(noticeOf(t, "FAILED") === undefined, "a run that succeeded must not notify FAILED");
      },
    });
    add({
      name: `${action} blocked`, base: true, input: { action, ...REQUEST }, decide: "BLOCKED",
      flag: { mode: "block", source: "override", reason: "change freeze", setBy: "bob@example.com" },
      expect(t, expect) {
        expectEnd(t, expect, "SUCCEEDED");
        expect(t.final === "Blocked", `a blocked run must end in Blocked, it ended in ${t.final}`);
        expectSteps(t, expect, ["decide", "notify:BLOCKED"]);
        expectNoticeFields(t, expect, "BLOCKED", this, "BLOCKED");
        expect(noticeOf(t, "BLOCKED")?.flag?.setBy === "bob@example.com", "the BLOCKED notice must say who set the flag (setBy)");
        expectReminder(t, expect, "BLOCKED");
      },
    });
    add({
      name: `${action} blocked, already announced`, input: { action, ...REQUEST }, decide: "BLOCKED", notice: ALREADY_ANNOUNCED,
      flag: { mode: "block", source: "override", reason: "change freeze", setBy: "bob@example.com" },
      expect(t, expect) {
        // A faster probe must not page faster: the run ends Blocked, successfully, with the decision in its output, and says nothing.
        expectEnd(t, expect, "SUCCEEDED");
        expect(t.final === "Blocked", `a blocked run decide holds back must end in Blocked, it ended in ${t.final}`);
        expectSteps(t, expect, ["decide"]);
        expect(published(t).length === 0, `a BLOCKED condition already announced must not be published again, got ${show(published(t).map(n => n?.event))}`);
      },
    });
    add({
      name: `${action} no action with alert, already announced`, input: { action, ...REQUEST }, decide: "NO_ACTION", alert: true, notice: ALREADY_ANNOUNCED,
      expect(t, expect) {
        expectEnd(t, expect, "SUCCEEDED");
        expect(t.final === "NoAction", `an alert run decide holds back must end in NoAction, it ended in ${t.final}`);
        expectSteps(t, expect, ["decide"]);
        expect(published(t).length === 0, `an ALERT condition already announced must not be published again, got ${show(published(t).map(n => n?.event))}`);
      },
    });
    add({
      name: `${action} no action`, input: { action, ...REQUEST }, decide: "NO_ACTION",
      expect(t, expect) {
        expectEnd(t, expect, "SUCCEEDED");
        expect(t.final === "NoAction", `a no-action run must end in NoAction, it ended in ${t.final}`);
        expectSteps(t, expect, ["decide"]);
        expect(published(t).length === 0, `NO_ACTION without alert must notify nothing, got ${show(published(t).map(n => n?.event))}`);
      },
    });
    add({
      name: `${action} no action with alert`, base: true, input: { action, ...REQUEST }, decide: "NO_ACTION", alert: true,
      why: "NO_ACTION: the primary's health is UNKNOWN (no evidence could be read)",
      expect(t, expect) {
        // Nothing was done, but someone should look: ALERT, no capacity, no lock (decide took none), no release.
        expectEnd(t, expect, "SUCCEEDED");
        expect(t.final === "NoAction", `an alert run must end in NoAction, it ended in ${t.final}`);
        expectSteps(t, expect, ["decide", "notify:ALERT"]);
        expectNoticeFields(t, expect, "ALERT", this, "NO_ACTION");
        const alert = noticeOf(t, "ALERT");
        expect(String(alert?.why).includes("UNKNOWN"), `the ALERT notice must say why (decide's reason), got ${show(alert?.why)}`);
        expect(typeof alert?.timings?.started?.at === "string" && alert?.timings?.decided?.at !== undefined,
          `the ALERT notice must carry the timings (started, decided), got ${show(alert?.timings)}`);
        expect(!t.calls.some(c => c.handler === "scale-service"), `an alert must scale nothing (${steps(t)})`);
        expectReminder(t, expect, "ALERT");
      },
    });
    add({
      name: `${action} not ready (check-service says timedOut)`, base: true, input: { action, ...REQUEST },
      readiness: n => ({ ready: false, timedOut: n >= 3 }),
      expect(t, expect) {
        expectEnd(t, expect, "FAILED", "NotReady");
        expectSteps(t, expect, failingSteps(action, Array(3).fill("check-service")));
        const failed = noticeOf(t, "FAILED");
        expect(failed?.error?.Error === "NotReady" && String(failed?.summary).includes("NotReady"), `the FAILED notice must name NotReady, got ${show(failed?.error)}`);
        expect(String(failed?.error?.Cause).includes(machine.region), `NotReady's cause must name the region: ${show(failed?.error?.Cause)}`);
      },
    });
  }
  if (machine.actions.includes("drill"))
    add({
      name: "drill (decide answers DRILL)", input: { action: "drill", ...REQUEST }, decide: "DRILL",
      expect(t, expect) {
        expectEnd(t, expect, "SUCCEEDED");
        expectSteps(t, expect, happySteps(machine, "drill"));
        expectTimings(t, expect, ["started", "decided", "ready", "finished"]);
      },
    });

  add({
    name: `${main} not ready (check-service never says timedOut)`, input: { action: main, ...REQUEST },
    readiness: () => ({ ready: false, timedOut: false }), readinessBound: true,
    expect(t, expect) {
      expectEnd(t, expect, "FAILED", "NotReady");
      const n = check(t).length;
      expect(n === maxChecks, `the readiness loop must end after readinessTimeoutSeconds/readinessPollSeconds+1 = ${maxChecks} checks, it made ${n}`);
      expect(!t.calls.some(c => c.handler === "shift-traffic"), "traffic must not move when the standby never got ready");
      expect(noticeOf(t, "FAILED")?.error?.Error === "NotReady", `the FAILED notice must name NotReady, got ${show(noticeOf(t, "FAILED")?.error)}`);
    },
  });
  if (machine.actions.includes("failover")) {
    // The timeout passed short of the active count: with the primary confirmed down, traffic moves to the healthy tasks there are.
    add({
      name: "failover with partial capacity (readiness timed out, the primary confirmed down)", input: { action: "failover", ...REQUEST }, confirmed: true,
      readiness: n => ({ ready: false, timedOut: n >= 3 }),
      expect(t, expect) {
        expectEnd(t, expect, "SUCCEEDED");
        expect(t.calls.some(c => c.handler === "shift-traffic"), `traffic must move with partial capacity: ${steps(t)}`);
        expect(t.world.gateInverted === true, "the primary's gate must be closed");
        const partial = noticeOf(t, "SUCCEEDED")?.partial;
        expect(partial?.shifted === true && partial?.healthyTargets === 2 && partial?.desired === 4,
          `the SUCCEEDED notice must say traffic moved with 2 of 4 tasks healthy, got ${show(partial)}`);
        expect(noticeOf(t, "FAILED") === undefined, "a partial shift is no failure");
      },
    });
    add({
      name: "failover not ready and the primary not confirmed down (no partial shift)", input: { action: "failover", ...REQUEST }, confirmed: false,
      readiness: n => ({ ready: false, timedOut: n >= 3 }),
      expect(t, expect) {
        expectEnd(t, expect, "FAILED", "NotReady");
        expect(!t.calls.some(c => c.handler === "shift-traffic"), "without two sources saying the primary is down, traffic must not move to an unready region");
      },
    });
  }
  add({
    name: `${move} without source or reason`, input: { action: move },
    expect(t, expect) {
      // decide refuses a missing source by name; the defaults keep every notice path present.
      expectEnd(t, expect, "FAILED", "InvalidInput");
      expectSteps(t, expect, ["decide!InvalidInput", "release-lock:FAILED", "notify:FAILED"]);
      const failed = noticeOf(t, "FAILED");
      expect(failed?.source === "" && failed?.requestReason === "", `the FAILED notice must carry the defaults source "" and requestReason "", got ${show([failed?.source, failed?.requestReason])}`);
      expect(lambdas(t)[0]?.payload?.force === false, "a request without force must reach decide as force: false");
    },
  });
  const other = { failover: "FAILBACK", failback: "FAILOVER", drill: "FAILBACK" };
  for (const action of machine.actions)
    add({
      name: `${action} unexpected decision ${other[action]}`, input: { action, ...REQUEST }, decide: other[action],
      expect(t, expect) {
        expectEnd(t, expect, "FAILED", "UnexpectedDecision");
        expectSteps(t, expect, ["decide", "release-lock:FAILED", "notify:FAILED"]);
      },
    });
  if (machine.role === "primary")
    add({
      name: "failback: scale-standby fails after retries", input: { action: "failback", ...REQUEST },
      faults: { ScaleDownStandby: () => "AwsServerError" },
      expect(t, expect) {
        expectEnd(t, expect, "SUCCEEDED");
        const upToScaleDown = happySteps(machine, "failback").filter(s => s !== "scale-service@peer:standby").slice(0, -2);
        expectSteps(t, expect, [...upToScaleDown, ...Array(4).fill("scale-service@peer:standby!AwsServerError"), "notify:SUCCEEDED", "release-lock:SUCCEEDED"]);
        expect(t.output?.standby?.Error === "AwsServerError", `the output must show scale-standby's error, got ${show(t.output?.standby)}`);
        const done = noticeOf(t, "SUCCEEDED");
        expect(JSON.stringify(done ?? {}).includes("AwsServerError"), `the SUCCEEDED notice must show that scaling the secondary back failed, got ${show(done)}`);
      },
    });
  if (machine.actions.includes("drill"))
    add({
      name: "drill: scale-up fails after retries", input: { action: "drill", ...REQUEST },
      faults: { ScaleUp: () => "AwsServerError" },
      expect(t, expect) {
        // AwsServerError: a write may have landed, so the drill gives the capacity back all the same.
        expectEnd(t, expect, "FAILED", "AwsServerError");
        expectSteps(t, expect, ["decide", "notify:INITIATED", ...Array(4).fill("scale-service:active!AwsServerError"), "scale-service:standby", "release-lock:FAILED", "notify:FAILED"]);
      },
    });

  // The release on the success path. Traffic has moved by then, so whatever goes wrong, the failure path's release records
  // the transition (outcome SUCCEEDED), and a release that recorded nothing (the lock was lost) fails the run.
  const OTHER = `arn:aws:states:${machine.region}:${ACCOUNT}:execution:${machine.smName}:another-execution`;
  const takeOver = world => { world.lockOwner = OTHER; world.lockToken = "another-execution's-token"; };
  // After the lock is taken over, the failback's scale-down of the secondary is refused (LockNotHeld), and the run goes on.
  const refusedOnceTakenOver = steps => steps.map(step => step === "scale-service@peer:standby" ? `${step}!LockNotHeld` : step);
  if (move) {
    add({
      name: `${move}: release-lock fails after retries`, input: { action: move, ...REQUEST }, faults: { ReleaseLock: () => "AwsUnreachable" },
      expect(t, expect) {
        expectEnd(t, expect, "FAILED", "AwsUnreachable");
        expectSteps(t, expect, [...happySteps(machine, move).slice(0, -1), ...Array(4).fill("release-lock:SUCCEEDED!AwsUnreachable"), "release-lock:SUCCEEDED", "notify:FAILED"]);
        const again = lambdas(t).at(-1);
        expect(again?.state !== "ReleaseLock" && again?.payload?.outcome === "SUCCEEDED" && again?.result?.stateRecorded === true,
          `the failure path must release again with outcome SUCCEEDED, recording the transition; got ${again?.state} told ${show(again?.payload?.outcome)}, answering ${show(again?.result)}`);
        const failed = noticeOf(t, "FAILED");
        expect(failed?.releaseOutcome === "SUCCEEDED", `the FAILED notice's releaseOutcome must be SUCCEEDED (traffic moved), got ${show(failed?.releaseOutcome)}`);
        expect(failed?.release?.stateRecorded === true, `the FAILED notice must show the transition recorded, got ${show(failed?.release)}`);
        expect(t.world.gateInverted === (move === "failover"), "the gate stays where the run moved it");
      },
    });
    add({
      name: `${move}: release-lock records nothing (lock held by another execution)`, input: { action: move, ...REQUEST }, after: { RenewAfterShift: takeOver },
      expect(t, expect) {
        expectEnd(t, expect, "FAILED", "TransitionNotRecorded");
        expect(String(t.cause).includes("release-lock recorded nothing") && String(t.cause).includes("held by another execution"),
          `the cause must say release-lock recorded nothing, and why: ${show(t.cause)}`);
        expectSteps(t, expect, [...refusedOnceTakenOver(happySteps(machine, move)), "release-lock:SUCCEEDED", "notify:FAILED"]);
        const failed = noticeOf(t, "FAILED");
        expect(failed?.error?.Error === "TransitionNotRecorded" && String(failed?.error?.Cause).includes("held by another execution"),
          `the FAILED notice must name TransitionNotRecorded and the reason, got ${show(failed?.error)}`);
        expect(failed?.releaseOutcome === "SUCCEEDED", `the FAILED notice's releaseOutcome must be SUCCEEDED (traffic moved), got ${show(failed?.releaseOutcome)}`);
        expect(failed?.release?.released === false && failed?.release?.reason === "held by another execution",
          `the FAILED notice must show the release refused, got ${show(failed?.release)}`);
        expect(t.world.lockOwner === OTHER, "the other execution's lock must be left alone");
      },
    });
    add({
      name: `${move}: the lock is taken over during the readiness wait`, input: { action: move, ...REQUEST },
      after: { CheckReadiness: (world, n) => { if (n === 1) takeOver(world); } },
      expect(t, expect) {
        expectEnd(t, expect, "FAILED", "LockLost");
        expectSteps(t, expect, ["decide", "notify:INITIATED", "scale-service:active", "check-service", "release-lock:FAILED", "notify:FAILED"]);
        expect(!t.calls.some(c => c.handler === "shift-traffic"), "shift-traffic must not run for a run whose lock is gone");
        expect(t.world.lockOwner === OTHER, "the other execution's lock must be left alone");
      },
    });
    add({
      name: `${move}: the lock is taken over while traffic moves`, input: { action: move, ...REQUEST }, after: { ShiftTraffic: takeOver },
      expect(t, expect) {
        // Traffic has moved: the run finishes its steps, and the release, refused, says the transition went unrecorded.
        expectEnd(t, expect, "FAILED", "TransitionNotRecorded");
        expectSteps(t, expect, [...refusedOnceTakenOver(happySteps(machine, move)), "release-lock:SUCCEEDED", "notify:FAILED"]);
        const failed = noticeOf(t, "FAILED");
        expect(failed?.releaseOutcome === "SUCCEEDED", `the FAILED notice's releaseOutcome must be SUCCEEDED (traffic moved), got ${show(failed?.releaseOutcome)}`);
        expect(failed?.release?.released === false, `the FAILED notice must show the release refused, got ${show(failed?.release)}`);
        expect(t.world.lockOwner === OTHER, "the other execution's lock must be left alone");
      },
    });
  }
  if (machine.actions.includes("drill")) {
    add({
      name: "drill: release-lock releases without recording a state", input: { action: "drill", ...REQUEST }, decide: "DRILL",
      expect(t, expect) {
        // A drill moves nothing, so there is no transition to record: released is enough.
        expectEnd(t, expect, "SUCCEEDED");
        expect(t.final === "Done", `the drill must end in Done, it ended in ${t.final}`);
        expectSteps(t, expect, happySteps(machine, "drill"));
        const release = lambdas(t).at(-1)?.result;
        expect(release?.released === true && release?.stateRecorded === false, `release-lock must answer released, nothing recorded, got ${show(release)}`);
        expect(t.output?.release?.released === true && t.output?.release?.stateRecorded === false, `the output must carry the release, got ${show(t.output?.release)}`);
      },
    });
    add({
      name: "drill: lock held by another execution at the release", input: { action: "drill", ...REQUEST }, decide: "DRILL", after: { DrillScaleBack: takeOver },
      expect(t, expect) {
        expectEnd(t, expect, "FAILED", "TransitionNotRecorded");
        // Its lock gone, the run scales nothing back: the other run may be scaling this very service up (LockNotHeld).
        expectSteps(t, expect, [...happySteps(machine, "drill"), "scale-service:standby!LockNotHeld", "release-lock:FAILED", "notify:FAILED"]);
        const failed = noticeOf(t, "FAILED");
        expect(failed?.releaseOutcome === "FAILED", `a drill moves no traffic: the FAILED notice's releaseOutcome must be FAILED, got ${show(failed?.releaseOutcome)}`);
        expect(t.world.lockOwner === OTHER, "the other execution's lock must be left alone");
      },
    });
    add({
      name: "drill: the lock is taken over during the readiness wait", input: { action: "drill", ...REQUEST }, decide: "DRILL",
      after: { CheckReadiness: (world, n) => { if (n === 1) takeOver(world); } },
      expect(t, expect) {
        // The run that took the lock over may be a failover scaling this very service up: the drill gives nothing back.
        expectEnd(t, expect, "FAILED", "LockLost");
        expectSteps(t, expect, ["decide", "notify:INITIATED", "scale-service:active", "check-service", "release-lock:FAILED", "notify:FAILED"]);
        expect(t.world.lockOwner === OTHER, "the other execution's lock must be left alone");
      },
    });
  }

  // Recovery tasks. Before the shift a failure (the container exited non-zero, or the task timed out: Step Functions stops it)
  // stops the run with traffic where it was; after the shift the run fails too, but the release records the transition.
  // Neither is retried; a task that never started is.
  const { before: beforeShift, after: afterShift } = machine.recovery;
  const failedNoticeNames = (t, expect, task, when) => {
    const failed = noticeOf(t, "FAILED");
    const name = task.replace(/^Recovery /, "");
    expect(String(failed?.error?.Cause).includes(`recovery task ${name}`) && String(failed?.error?.Cause).includes(when),
      `the FAILED notice's cause must name the recovery task ${name} and say ${when}, got ${show(failed?.error?.Cause)}`);
    expect(String(failed?.summary).includes(name), `the FAILED notice's summary must name the recovery task ${name}: ${show(failed?.summary)}`);
  };
  if (move && beforeShift.length > 0) {
    const task = beforeShift[0];
    const upToTask = happySteps(machine, move).slice(0, happySteps(machine, move).indexOf(`run:${task}`));
    for (const [error, verb] of [["States.TaskFailed", "fails"], ["States.Timeout", "times out"]])
      add({
        name: `${move}: ${task} ${verb} before the shift`, input: { action: move, ...REQUEST }, faults: { [task]: () => error },
        expect(t, expect) {
          expectEnd(t, expect, "FAILED", error);
          expectSteps(t, expect, [...upToTask, `run:${task}!${error}`, "release-lock:FAILED", "notify:FAILED"]);
          expect(!t.calls.some(c => c.handler === "shift-traffic"), "traffic must not move when a recovery task before the shift failed");
          expect(t.world.gateInverted === (machine.role === "primary"), "the traffic gate must stay where it was");
          failedNoticeNames(t, expect, task, "traffic was not moved");
          const failed = noticeOf(t, "FAILED");
          expect(failed?.releaseOutcome === "FAILED" && failed?.release?.released === true && failed?.release?.stateRecorded === false,
            `the lock must be released with outcome FAILED and nothing recorded, got ${show([failed?.releaseOutcome, failed?.release])}`);
          expect(t.world.lockOwner === null, "the lock must be free after the run");
        },
      });
  }
  if (move && afterShift.length > 0) {
    const task = afterShift[0];
    const happy = happySteps(machine, move);
    add({
      name: `${move}: ${task} fails after the shift`, input: { action: move, ...REQUEST }, faults: { [task]: () => "States.TaskFailed" },
      expect(t, expect) {
        expectEnd(t, expect, "FAILED", "States.TaskFailed");
        expectSteps(t, expect, [...happy.slice(0, happy.indexOf(`run:${task}`)), `run:${task}!States.TaskFailed`, "release-lock:SUCCEEDED", "notify:FAILED"]);
        expect(t.world.gateInverted === (move === "failover"), "traffic has moved and stays moved");
        failedNoticeNames(t, expect, task, "traffic had already moved");
        const failed = noticeOf(t, "FAILED");
        expect(failed?.releaseOutcome === "SUCCEEDED" && failed?.release?.stateRecorded === true,
          `traffic moved: the release must record the transition (outcome SUCCEEDED), got ${show([failed?.releaseOutcome, failed?.release])}`);
        if (machine.role === "primary")
          expect(t.world.services.peer === "active", `the failback stopped before scaling the secondary back: it keeps its capacity, it is ${t.world.services.peer}`);
      },
    });
  }
  const firstRecovery = beforeShift[0] ?? afterShift[0];
  if (move && firstRecovery)
    for (const error of ECS_START_ERRORS)
      add({
        name: `retry ${error} at ${firstRecovery}`, input: { action: move, ...REQUEST }, faults: { [firstRecovery]: n => n === 1 ? error : null },
        expect(t, expect) {
          expectEnd(t, expect, "SUCCEEDED");
          const want = happySteps(machine, move);
          want.splice(want.indexOf(`run:${firstRecovery}`), 0, `run:${firstRecovery}!${error}`);
          expectSteps(t, expect, want);
        },
      });
  if (machine.actions.includes("drill") && firstRecovery)
    add({
      name: "drill: recovery tasks are skipped", input: { action: "drill", ...REQUEST }, decide: "DRILL",
      expect(t, expect) {
        expectEnd(t, expect, "SUCCEEDED");
        expectSteps(t, expect, happySteps(machine, "drill"));
        expect(!t.entered.some(s => machine.recovery.before.includes(s) || machine.recovery.after.includes(s)),
          `a drill must not enter a recovery task: entered ${t.entered.join(" → ")}`);
      },
    });

  // Transient and outcome-unknown errors: retried, then the run goes on as if nothing happened.
  for (const error of [...LAMBDA_TRANSIENT, ...catalogue.retryable, ...OUTCOME_UNKNOWN])
    add({
      name: `retry ${error} at ScaleUp`, input: { action: main, ...REQUEST }, faults: { ScaleUp: n => n === 1 ? error : null },
      expect(t, expect) {
        expectEnd(t, expect, "SUCCEEDED");
        const want = happySteps(machine, main);
        want.splice(want.indexOf("scale-service:active"), 0, `scale-service:active!${error}`);
        expectSteps(t, expect, want);
      },
    });
  add({
    name: "retry Lambda.TooManyRequestsException at Decide, twice", input: { action: main, ...REQUEST }, faults: { Decide: n => n <= 2 ? "Lambda.TooManyRequestsException" : null },
    expect(t, expect) {
      expectEnd(t, expect, "SUCCEEDED");
      expectSteps(t, expect, ["decide!Lambda.TooManyRequestsException", "decide!Lambda.TooManyRequestsException", ...happySteps(machine, main)]);
    },
  });
  if (move)
    add({
      name: "retry AwsThrottled at ShiftTraffic", input: { action: move, ...REQUEST }, faults: { ShiftTraffic: n => n === 1 ? "AwsThrottled" : null },
      expect(t, expect) {
        expectEnd(t, expect, "SUCCEEDED");
        const want = happySteps(machine, move);
        want.splice(want.indexOf("shift-traffic"), 0, "shift-traffic!AwsThrottled");
        expectSteps(t, expect, want);
      },
    });
  add({
    name: "Lambda.TooManyRequestsException at Decide on every attempt", input: { action: main, ...REQUEST }, faults: { Decide: () => "Lambda.TooManyRequestsException" },
    expect(t, expect) {
      expectEnd(t, expect, "FAILED", "Lambda.TooManyRequestsException");
      expectSteps(t, expect, [...Array(6).fill("decide!Lambda.TooManyRequestsException"), "release-lock:FAILED", "notify:FAILED"]);
    },
  });
  if (move)
    add({
      name: "AwsUnreachable at ShiftTraffic on every attempt", input: { action: move, ...REQUEST }, faults: { ShiftTraffic: () => "AwsUnreachable" },
      expect(t, expect) {
        expectEnd(t, expect, "FAILED", "AwsUnreachable");
        const happy = happySteps(machine, move);
        const want = happy.slice(0, happy.indexOf("shift-traffic"));
        expectSteps(t, expect, [...want, ...Array(4).fill("shift-traffic!AwsUnreachable"), "release-lock:FAILED", "notify:FAILED"]);
        expect(noticeOf(t, "FAILED")?.releaseOutcome === "FAILED", `traffic did not move: the FAILED notice's releaseOutcome must be FAILED, got ${show(noticeOf(t, "FAILED")?.releaseOutcome)}`);
        if (machine.drain) expect(!t.entered.includes(machine.drain.state), `traffic did not move, so the failback must not wait in ${machine.drain.state}`);
      },
    });
  // Rejected errors: retrying cannot help, so exactly one call, and the run fails.
  for (const error of catalogue.rejected)
    add({
      name: `rejected ${error} at ScaleUp`, input: { action: main, ...REQUEST }, faults: { ScaleUp: () => error },
      expect(t, expect) {
        expectEnd(t, expect, "FAILED", error);
        expectSteps(t, expect, failingSteps(main, []).map(s => s === "scale-service:active" ? `scale-service:active!${error}` : s));
      },
    });

  // Unsupported actions: refused before anything is called.
  const unsupported = [...ALL_ACTIONS.filter(a => !machine.actions.includes(a)).map(a => ({ action: a })), {}, { action: 42 }, { action: main.toUpperCase() }];
  for (const input of unsupported)
    add({
      name: `unsupported action ${input.action === undefined ? "(missing)" : show(input.action)}`, input: { ...input, source: "operator:alice" },
      expect(t, expect) {
        expectEnd(t, expect, "FAILED", "UnsupportedAction");
        expectSteps(t, expect, []);
      },
    });
  // A source that is not text would break every notice's sentence: refused before anything is called.
  add({
    name: "source that is not text", input: { action: main, source: { who: "alice" } },
    expect(t, expect) {
      expectEnd(t, expect, "FAILED", "InvalidInput");
      expectSteps(t, expect, []);
    },
  });
  return out;
}

// A fault at every Task state (enumerated from the definition, so a new task is covered without a change here), in the
// first base scenario that reaches it. The documented exceptions: a notice that cannot be published never changes the
// outcome; scaling the peer back after the shift is reported, not failed; a failure on the failure path keeps the
// original error.
function faultScenarios(machine, baseRuns) {
  const out = [];
  for (const task of machine.tasks) {
    const state = machine.states[task];
    const base = baseRuns.find(b => b.trace.entered?.includes(task));
    if (!base) { out.push({ name: `fault at ${task}`, unreached: true }); continue; }
    const sns = state.Resource === SNS_PUBLISH;
    const fault = sns ? "SNS.InternalErrorException" : state.Resource === ECS_RUN_TASK_SYNC ? "States.TaskFailed" : "InvalidInput";
    const b = base.trace;
    const failurePath = b.status === "FAILED";
    out.push({
      name: `fault at ${task}`, input: base.sc.input, decide: base.sc.decide, flag: base.sc.flag, readiness: base.sc.readiness,
      faults: { ...base.sc.faults, [task]: () => fault },
      expect(t, expect) {
        const was = `(base "${base.sc.name}" ended ${outcome(b)})`;
        if (sns) {
          expect(t.status === b.status && t.error === b.error, `a notice that cannot be published must not change the outcome ${was}; it ended ${outcome(t)}`);
          const calls = x => lambdas(x).map(label).join(" → ");
          expect(calls(t) === calls(b), `a notice that cannot be published must not change what runs: expected ${calls(b)}, got ${calls(t)}`);
        } else if (task === "RenewAfterShift") {
          expect(t.status === "SUCCEEDED", `traffic has moved, so a failed renewal after the shift must not stop the run; it ended ${outcome(t)}`);
          expect(t.output?.lease?.Error === fault, `the output must show the renewal's error, got ${show(t.output?.lease)}`);
        } else if (task === "ScaleDownStandby") {
          expect(t.status === "SUCCEEDED", `traffic has moved, so a failure to scale the peer back must still end SUCCEEDED; it ended ${outcome(t)}`);
          expect(t.output?.standby?.Error === fault, `the output must show the scale-back's error, got ${show(t.output?.standby)}`);
        } else if (failurePath) {
          expect(t.status === "FAILED" && t.error === b.error, `a fault on the failure path must keep the original error ${was}; it ended ${outcome(t)}`);
          expect(lambdas(t).at(-1)?.handler === "release-lock", `the lock must still be released after a fault at ${task} (${steps(t)})`);
        } else {
          expect(t.status === "FAILED" && t.error === fault, `a fault at ${task} must fail the run with ${fault}; it ended ${outcome(t)}`);
          expect(noticeOf(t, "FAILED")?.error?.Error === fault, `FAILED must be notified with error ${fault}, got ${show(noticeOf(t, "FAILED")?.error)}`);
          expect(t.calls.filter(c => c.state === task).length === 1, `a rejected error must not be retried: ${task} ran ${t.calls.filter(c => c.state === task).length} times`);
        }
      },
    });
  }
  return out;
}

async function runScenario(machine, sc, problems) {
  const prefix = `${machine.name}: ${sc.name}`;
  const expect = (ok, message) => { if (!ok) problems.push(`${prefix}: ${message}`); };
  if (sc.unreached) { expect(false, "no scenario reaches this Task state: add one, or the state is dead"); return undefined; }
  const t = await execute(machine, sc);
  if (t.status === "UNRUNNABLE") { expect(false, `aws-local-stepfunctions cannot run the definition: ${t.cause}`); return t; }
  try {
    invariants(machine, sc, t, expect);
    sc.expect?.call(sc, t, expect);
  } catch (e) {
    expect(false, `the expectations threw ${e.stack}`);
  }
  return t;
}

async function checkMachine(machine, problems) {
  staticChecks(machine, problems);
  machine.runnable = runnable(machine.definition);
  const report = { scenarios: [], readiness: { ...machine.readiness }, drain: machine.drain ?? null, leases: machine.leases ?? {} };
  const ran = [];
  for (const sc of scenarios(machine)) {
    const t = await runScenario(machine, sc, problems);
    report.scenarios.push(sc.name);
    if (t?.status === "UNRUNNABLE") return report;
    ran.push({ sc, trace: t });
    if (sc.readinessBound) report.readiness.checkCalls = lambdas(t).filter(c => c.handler === "check-service").length;
  }
  for (const sc of faultScenarios(machine, ran.filter(r => r.sc.base))) {
    await runScenario(machine, sc, problems);
    report.scenarios.push(sc.name);
  }
  return report;
}

const results = {};
const report = {};
for (const file of files) {
  const problems = results[file] = [];
  const key = path.basename(file).replace(/\.ya?ml$/, "");
  report[key] = {};
  try {
    const program = YAML.parse(fs.readFileSync(file, "utf8"));
    const machines = machinesOf(program, problems);
    if (machines.length === 0 && problems.length === 0) problems.push("no state machine (aws:sfn/stateMachine:StateMachine) in the program");
    for (const machine of machines) report[key][machine.name] = await checkMachine(machine, problems);
  } catch (e) {
    problems.push(`cannot check: ${e.stack ?? e.message}`);
  }
  const counts = Object.entries(report[key]).map(([m, r]) => `${m}: ${r.scenarios.length} scenarios`).join(", ");
  console.error(`asl-check ${file}: ${counts || "no scenarios"}`);
}

if (process.env.ASL_CHECK_REPORT) fs.writeFileSync(process.env.ASL_CHECK_REPORT, JSON.stringify(report, null, 2));
if (json) console.log(JSON.stringify(results, null, 2));
else for (const [file, errors] of Object.entries(results)) console.log(errors.length === 0 ? `ok   ${file}` : `FAIL ${file}\n${errors.map(e => "  " + e).join("\n")}`);
// exitCode, not exit(): a large report on a pipe is written asynchronously, and exit() would cut it off.
process.exitCode = Object.values(results).some(e => e.length > 0) ? 1 : 0;
