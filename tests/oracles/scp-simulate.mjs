// Checks the example SCP of docs/account-guards.md against compiled programs with @cloud-copilot/iam-simulate: every
// compiled function, state machine, table, gate, schedule and rule is refused to an outsider and left to the principal that
// needs it. The names after issue 21's merge (the trigger machine, the operator role) come from the doc's table, not from here.
//
//   node scp-simulate.mjs [--json] account-guards.md primary.yaml secondary.yaml
import fs from "node:fs";
import YAML from "yaml";
import { runSimulation } from "@cloud-copilot/iam-simulate";

const ACCOUNT = "123456789012";
const args = process.argv.slice(2);
const json = args.includes("--json");
const [docPath, ...programPaths] = args.filter(a => a !== "--json");
if (!docPath || programPaths.length !== 2) { console.error("usage: node scp-simulate.mjs [--json] account-guards.md primary.yaml secondary.yaml"); process.exit(2); }

const doc = fs.readFileSync(docPath, "utf8");
const programs = programPaths.map(p => YAML.parse(fs.readFileSync(p, "utf8")));
const byRole = Object.fromEntries(programs.map(p => [p.outputs.role, p]));
const prefixOf = p => p.resources.workflow.properties.name.replace(/-failover$/, "");
const [P, S] = [prefixOf(byRole.primary), prefixOf(byRole.secondary)];
const problems = [];

const scpText = doc.match(/## An example SCP[\s\S]*?```json\n([\s\S]*?)```/)?.[1];
if (!scpText) { console.error("docs: no ```json block under '## An example SCP'"); process.exit(2); }
const GATE_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const CONTROLS = `arn:aws:route53-recovery-control::${ACCOUNT}:controlpanel/abcd1234/routingcontrol/*`;
const values = { ACCOUNT, PREFIX_PRIMARY: P, PREFIX_SECONDARY: S, DEPLOY_ROLE: "pulumi-deploy", BREAK_GLASS: "break-glass",
  CONTROL_TABLE: byRole.primary.resources["control-table"].properties.name,
  DECISION_TABLE: byRole.primary.resources["decision-log-table"]?.properties.name ?? byRole.primary.resources["control-table"].properties.name,
  GATE_HEALTH_CHECK_ID: GATE_ID, ROUTING_CONTROLS: CONTROLS };
const scp = JSON.parse(scpText.replace(/\$\{([A-Z_]+)\}/g, (m, k) => {
  if (!(k in values)) throw new Error(`the SCP names \${${k}}, which this check does not know`);
  return values[k];
}));

// The doc's table of names: `${PREFIX}-…` rows of kind "state machine" or "role".
const named = [...doc.matchAll(/^\| `\$\{PREFIX\}(-[a-z-]+)` \| (state machine|role) \|/gm)].map(m => ({ suffix: m[1], kind: m[2] }));
if (!named.some(n => n.kind === "role")) problems.push("docs: the table of names lists no role");

const role = name => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const outsider = role("someone");
const deploy = role(values.DEPLOY_ROLE);
const fnRole = (prefix, name) => role(`${prefix}-${name}-20261207000000000000000001`);
const cases = [];
const add = (expect, principal, action, resource, why, context = {}) => cases.push({ expect, principal, action, resource, why, context });

for (const program of programs) {
  const prefix = prefixOf(program);
  const region = program.outputs.region;
  const regionOf = r => { const m = /^\$\{(.+)\}$/.exec(r.options?.provider ?? ""); return m ? program.resources[m[1]].properties.region : region; };
  const of = type => Object.entries(program.resources).filter(([, r]) => r.type === type);
  const operator = role(`${prefix}-operator`);
  for (const [, f] of of("aws:lambda/function:Function")) {
    const arn = `arn:aws:lambda:${regionOf(f)}:${ACCOUNT}:function:${f.properties.name}`;
    add("denied", outsider, "lambda:InvokeFunction", arn, "an outsider invokes a function");
    add("denied", operator, "lambda:InvokeFunction", arn, "the operator role never invokes a function");
    add("allowed", fnRole(prefix, "workflow"), "lambda:InvokeFunction", arn, "the workflow invokes its functions");
    if (f.properties.handler === "readiness") add("allowed", fnRole(prefix, "readiness"), "lambda:InvokeFunction", arn, "the readiness schedule invokes the readiness function");
    add("denied", outsider, "lambda:UpdateFunctionConfiguration", arn, "an outsider changes a function");
    add("allowed", deploy, "lambda:UpdateFunctionCode", arn, "the deploy changes a function");
  }
  const machines = [...new Set([...of("aws:sfn/stateMachine:StateMachine").map(([, m]) => m.properties.name),
    ...named.filter(n => n.kind === "state machine").map(n => prefix + n.suffix)])];
  for (const name of machines) {
    const arn = `arn:aws:states:${region}:${ACCOUNT}:stateMachine:${name}`;
    add("denied", outsider, "states:StartExecution", arn, "an outsider starts a state machine");
    add("denied", outsider, "states:UpdateStateMachine", arn, "an outsider changes a state machine");
    add("allowed", deploy, "states:UpdateStateMachine", arn, "the deploy changes a state machine");
    if (name.endsWith("-failover-trigger")) {
      add("allowed", fnRole(prefix, "start-on-alarm"), "states:StartExecution", arn, "the alarm rule starts the trigger machine");
      add("allowed", fnRole(prefix, "probe"), "states:StartExecution", arn, "the probe starts the trigger machine");
      if (program.resources["drill-schedule"]) add("allowed", fnRole(prefix, "drill"), "states:StartExecution", arn, "the drill schedule starts the trigger machine");
      add("denied", operator, "states:StartExecution", arn, "the operator role never starts the trigger machine");
    } else if (name.endsWith("-failover")) add("allowed", operator, "states:StartExecution", arn, "the operator starts the failover workflow");
  }
  for (const table of new Set([values.CONTROL_TABLE, values.DECISION_TABLE])) {
    const arn = `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${table}`;
    add("denied", outsider, "dynamodb:UpdateItem", arn, "an outsider writes the control table");
    add("denied", outsider, "dynamodb:PutItem", arn, "an outsider puts an item");
    add("allowed", fnRole(prefix, "decide"), "dynamodb:UpdateItem", arn, "decide takes the lock");
    add("allowed", operator, "dynamodb:UpdateItem", arn, "the operator sets the flag");
    if (table === values.CONTROL_TABLE) add("allowed", deploy, "dynamodb:PutItem", arn, "the deploy writes the stack's readiness plan");
    add("denied", outsider, "dynamodb:UpdateTable", arn, "an outsider changes the table");
  }
  const ns = `Failover/TrafficGate/${prefix}`;
  add("denied", outsider, "cloudwatch:PutMetricData", "*", "an outsider moves a metric gate", { "cloudwatch:namespace": ns });
  add("allowed", fnRole(prefix, "shift-traffic"), "cloudwatch:PutMetricData", "*", "shift-traffic moves the gate", { "cloudwatch:namespace": ns });
  add("allowed", outsider, "cloudwatch:PutMetricData", "*", "other metrics stay free", { "cloudwatch:namespace": "MyApp" });
  for (const [, a] of of("aws:cloudwatch/metricAlarm:MetricAlarm").filter(([n]) => n === "traffic-gate-alarm" || n.startsWith("alarm-"))) {
    const arn = `arn:aws:cloudwatch:${regionOf(a)}:${ACCOUNT}:alarm:${a.properties.name}`;
    add("denied", outsider, "cloudwatch:PutMetricAlarm", arn, "an outsider redefines an alarm decide or the gate reads");
    add("allowed", deploy, "cloudwatch:PutMetricAlarm", arn, "the deploy defines alarms");
  }
  for (const [, s] of of("aws:scheduler/schedule:Schedule")) {
    const group = /\$\{(.+)\.name\}/.exec(s.properties.groupName)?.[1];
    const arn = `arn:aws:scheduler:${region}:${ACCOUNT}:schedule/${program.resources[group]?.properties.name ?? s.properties.groupName}/${s.properties.name}`;
    add("denied", outsider, "scheduler:UpdateSchedule", arn, "an outsider changes a schedule");
    add("allowed", deploy, "scheduler:DeleteSchedule", arn, "the deploy changes a schedule");
  }
  for (const [, r] of of("aws:cloudwatch/eventRule:EventRule")) {
    const arn = `arn:aws:events:${regionOf(r)}:${ACCOUNT}:rule/${r.properties.name}`;
    for (const action of ["events:PutTargets", "events:DisableRule", "events:DeleteRule"]) add("denied", outsider, action, arn, "an outsider changes a rule");
    add("allowed", deploy, "events:PutTargets", arn, "the deploy changes a rule");
  }
  add("denied", outsider, "route53:UpdateHealthCheck", `arn:aws:route53:::healthcheck/${GATE_ID}`, "an outsider flips a route53-api gate");
  add("allowed", fnRole(prefix, "shift-traffic"), "route53:UpdateHealthCheck", `arn:aws:route53:::healthcheck/${GATE_ID}`, "shift-traffic flips it");
  const control = CONTROLS.replace("*", "primary");
  add("denied", outsider, "route53-recovery-cluster:UpdateRoutingControlState", control, "an outsider moves an arc gate");
  add("allowed", fnRole(prefix, "shift-traffic"), "route53-recovery-cluster:UpdateRoutingControlState", control, "shift-traffic moves it");
}

const fullAccess = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
for (const c of cases) {
  const result = await runSimulation({
    request: { principal: c.principal, action: c.action, resource: { resource: c.resource, accountId: ACCOUNT },
      contextVariables: { "aws:PrincipalArn": c.principal, ...c.context } },
    identityPolicies: [{ name: "admin", policy: fullAccess }],
    serviceControlPolicies: [{ orgIdentifier: "r-root", policies: [{ name: "FullAWSAccess", policy: fullAccess }, { name: "failover-guards", policy: scp }] }],
    resourceControlPolicies: [],
  }, {});
  const got = result.resultType === "error" ? `error ${JSON.stringify(result.errors)}` : result.overallResult === "Allowed" ? "allowed" : "denied";
  if (got !== c.expect) problems.push(`${c.why}: ${c.action} on ${c.resource} by ${c.principal}: expected ${c.expect}, simulated ${got}`);
}
if (json) console.log(JSON.stringify({ cases: cases.length, problems }, null, 2));
else console.log(problems.length === 0 ? `ok   ${cases.length} cases` : `FAIL ${cases.length} cases\n${problems.map(p => "  " + p).join("\n")}`);
process.exit(problems.length === 0 ? 0 : 1);
