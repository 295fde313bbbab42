// One execution of a compiled state machine in aws-local-stepfunctions, as the harnesses that run the real functions need it:
// the context Step Functions would give, Task states served by local handlers, and the outcome in Step Functions' terms.
import { performance } from "node:perf_hooks";
import { StateMachine } from "./stepfunctions.mjs";
import { ACCOUNT } from "./program.mjs";

/** Runs to the end; returns the status, output or error, the event log and the wall time. */
export async function runExecution({ definition, input, handlers, waits, executionArn, executionName, roleArn, region, stateMachineName }) {
  const machine = new StateMachine(definition, { validationOptions: { checkPaths: true, checkArn: true } });
  const context = {
    Execution: { Id: executionArn, Name: executionName, RoleArn: roleArn },
    StateMachine: { Id: `arn:aws:states:${region}:${ACCOUNT}:stateMachine:${stateMachineName}`, Name: stateMachineName },
    // Read when a state evaluates $$.State.EnteredTime, i.e. as it is entered (the library copies this object shallowly).
    State: { get EnteredTime() { return new Date().toISOString(); } },
  };
  const started = performance.now();
  const run = machine.run(input, { overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides: waits }, context });
  const events = [];
  const collecting = (async () => { for await (const e of run.eventLogs) events.push(e); })();
  let status;
  let output = null;
  let error = null;
  try {
    output = await run.result;
    status = "SUCCEEDED";
  } catch (e) {
    status = e.name === "ExecutionTimeoutError" ? "TIMED_OUT" : e.name === "ExecutionAbortedError" ? "ABORTED" : "FAILED";
    const cause = e.cause ?? e;
    error = { Error: cause.name, Cause: cause.message };
  }
  const wallMs = performance.now() - started;
  await Promise.race([collecting, new Promise((r) => setTimeout(r, 2000))]);
  return { status, output, error, events, wallMs };
}
