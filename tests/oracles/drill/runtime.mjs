// A Lambda function as Lambda runs it: the real `bootstrap` process, started on its first invocation (so the first task that
// calls it pays the cold start, as on AWS), talking to a local Lambda Runtime API (documented HTTP protocol) on 127.0.0.1.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import http from "node:http";
import { track } from "./children.mjs";

const PREFIX = "/2018-06-01/runtime";

/** A function error as the lambda:invoke integration reports it: Error = the errorType, Cause = the error document. */
export class FunctionError extends Error {
  constructor(errorType, body) {
    super(body);
    this.name = errorType;
  }
}

export class LambdaFunction {
  /**
   * @param {object} o
   * @param {string} o.name       the function's name (its ARN's last part)
   * @param {string} o.arn
   * @param {string} o.bootstrap  path of the native binary
   * @param {Record<string,string>} o.env  its environment: compiled variables, _HANDLER, region, endpoint, credentials
   * @param {number} o.timeoutSeconds
   */
  constructor({ name, arn, bootstrap, env, timeoutSeconds, memoryMb }) {
    Object.assign(this, { name, arn, bootstrap, env, timeoutSeconds, memoryMb });
    this.queue = [];          // events waiting for a /next
    this.waiting = [];        // /next requests waiting for an event
    this.pending = new Map(); // request id -> {resolve, reject}
    this.output = [];         // the process's log lines
    this.initError = null;
    this.invocations = 0;
    this.process = null;
    this.server = null;
  }

  async start() {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 0;
    await new Promise((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const address = `127.0.0.1:${this.server.address().port}`;
    this.process = track(spawn(this.bootstrap, [], {
      env: {
        ...this.env,
        AWS_LAMBDA_RUNTIME_API: address,
        AWS_LAMBDA_FUNCTION_NAME: this.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.memoryMb),
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_LOG_FORMAT: "JSON",
      },
      stdio: ["ignore", "pipe", "pipe"],
    }));
    const keep = (chunk) => {
      for (const line of chunk.toString().split("\n")) if (line.trim()) this.output.push(line);
      if (this.output.length > 2000) this.output.splice(0, this.output.length - 2000);
    };
    this.process.stdout.on("data", keep);
    this.process.stderr.on("data", keep);
    this.exited = new Promise((resolve) => this.process.on("exit", (code, signal) => {
      this.exitCode = code ?? signal;
      for (const [, p] of this.pending) p.reject(new FunctionError("Lambda.Unknown", JSON.stringify({ errorMessage: `the process exited (${this.exitCode}) during the invocation` })));
      this.pending.clear();
      resolve();
    }));
    this.process.on("error", (e) => { this.initError = { errorType: "Runtime.InvalidEntrypoint", errorMessage: e.message }; });
  }

  /** Invokes the function with one event; resolves with its response document, rejects with a FunctionError. */
  async invoke(event) {
    const cold = this.process === null;
    if (cold) await this.start();
    if (this.initError) throw new FunctionError("Runtime.InitError", JSON.stringify(this.initError));
    this.invocations++;
    const id = randomUUID();
    const deadline = Date.now() + this.timeoutSeconds * 1000;
    const body = JSON.stringify(event);
    const done = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    const timer = setTimeout(() => {
      const p = this.pending.get(id);
      if (p) {
        this.pending.delete(id);
        // Lambda's own timeout: the integration reports it as Sandbox.Timedout... surfaced as a task failure.
        p.reject(new FunctionError("Sandbox.Timedout", JSON.stringify({ errorMessage: `Task timed out after ${this.timeoutSeconds} seconds` })));
      }
    }, this.timeoutSeconds * 1000 + 500);
    const item = { id, deadline, body };
    const next = this.waiting.shift();
    if (next) this.deliver(next, item); else this.queue.push(item);
    try {
      return { cold, response: await done };
    } finally {
      clearTimeout(timer);
    }
  }

  deliver(res, { id, deadline, body }) {
    res.writeHead(200, {
      "Content-Type": "application/json",
      "Lambda-Runtime-Aws-Request-Id": id,
      "Lambda-Runtime-Deadline-Ms": String(deadline),
      "Lambda-Runtime-Invoked-Function-Arn": this.arn,
      "Lambda-Runtime-Trace-Id": `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, "").slice(0, 24)};Parent=${randomUUID().replace(/-/g, "").slice(0, 16)};Sampled=0`,
    });
    res.end(body);
  }

  handle(req, res) {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = req.url ?? "";
      if (req.method === "GET" && url === `${PREFIX}/invocation/next`) {
        const item = this.queue.shift();
        if (item) this.deliver(res, item); else this.waiting.push(res);
        return;
      }
      const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
      if (req.method === "POST" && m) {
        const p = this.pending.get(m[1]);
        res.writeHead(202, { "Content-Type": "application/json" }).end('{"status":"OK"}');
        if (!p) return;
        this.pending.delete(m[1]);
        if (m[2] === "response") {
          try {
            p.resolve(JSON.parse(body));
          } catch {
            p.reject(new FunctionError("Lambda.Unknown", JSON.stringify({ errorMessage: `the response is not JSON: ${body.slice(0, 200)}` })));
          }
        } else {
          let type = req.headers["lambda-runtime-function-error-type"];
          try {
            type = JSON.parse(body).errorType ?? type;
          } catch { /* the header names it */ }
          p.reject(new FunctionError(type ?? "Unhandled", body));
        }
        return;
      }
      if (req.method === "POST" && url === `${PREFIX}/init/error`) {
        try {
          this.initError = JSON.parse(body);
        } catch {
          this.initError = { errorType: req.headers["lambda-runtime-function-error-type"] ?? "Runtime.Unknown", errorMessage: body };
        }
        res.writeHead(202).end('{"status":"OK"}');
        for (const [, p] of this.pending) p.reject(new FunctionError(this.initError.errorType ?? "Runtime.InitError", JSON.stringify(this.initError)));
        this.pending.clear();
        return;
      }
      res.writeHead(404).end();
    });
  }

  async stop() {
    for (const res of this.waiting) res.destroy();
    this.waiting = [];
    if (this.process && this.exitCode === undefined) {
      this.process.kill("SIGKILL");
      await this.exited;
    }
    if (this.server) await new Promise((resolve) => { this.server.closeAllConnections?.(); this.server.close(resolve); });
  }
}
