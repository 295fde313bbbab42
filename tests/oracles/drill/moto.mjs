// One moto server per world (127.0.0.1, a free port) under IAM enforcement after its first requests, and the boto3 helper
// (world.py serve) that arranges and inspects it.
import { spawn } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { track } from "./children.mjs";

const WORLD_PY = fileURLToPath(new URL("./world.py", import.meta.url));

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export class Moto {
  /** @param {{runningTasks: number}} o  what moto reports as running for a new service (MOTO_ECS_SERVICE_RUNNING) */
  constructor({ runningTasks }) {
    this.runningTasks = runningTasks;
    this.log = [];
  }

  async start() {
    this.port = await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith("AWS_")) delete env[key];
    this.process = track(spawn("python3", [WORLD_PY, "moto", String(this.port)], {
      env: {
        ...env,
        // The admin user, its policy and its access key; every request after these must be signed and allowed.
        INITIAL_NO_AUTH_ACTION_COUNT: "3",
        // A new service reports this many running tasks, and its deployment COMPLETED when that covers its desired count.
        MOTO_ECS_SERVICE_RUNNING: String(this.runningTasks),
      },
      stdio: ["ignore", "pipe", "pipe"],
    }));
    const keep = (c) => { this.log.push(c.toString()); if (this.log.length > 500) this.log.shift(); };
    this.process.stdout.on("data", keep);
    this.process.stderr.on("data", keep);
    let exited = false;
    this.process.on("exit", () => { exited = true; });
    for (let i = 0; i < 300; i++) {
      if (exited) throw new Error(`moto exited before it answered: ${this.log.join("").slice(-2000)}`);
      try {
        const r = await fetch(`${this.url}/moto-api/`);
        if (r.ok) break;
      } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 100));
      if (i === 299) throw new Error(`moto did not answer on ${this.url} within 30 s`);
    }
    this.world = track(spawn("python3", [WORLD_PY, "serve"], { env: { ...env, MOTO_URL: this.url }, stdio: ["pipe", "pipe", "pipe"] }));
    this.worldErr = [];
    this.world.stderr.on("data", (c) => this.worldErr.push(c.toString()));
    this.lines = createInterface({ input: this.world.stdout })[Symbol.asyncIterator]();
    this.chain = Promise.resolve();
  }

  /** One world.py command; its JSON answer, or an error naming what failed. */
  ask(...command) {
    const run = async () => {
      this.world.stdin.write(`${JSON.stringify(command)}\n`);
      const { value, done } = await this.lines.next();
      if (done) throw new Error(`world.py exited: ${this.worldErr.join("").slice(-2000)}`);
      const answer = JSON.parse(value);
      if (answer.error) throw new Error(`world.py ${command[0]}: ${answer.error}`);
      return answer.result;
    };
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => {});
    return result;
  }

  async stop() {
    if (this.world && this.world.exitCode === null) {
      this.world.stdin.end();
      this.world.kill("SIGKILL");
    }
    if (this.process && this.process.exitCode === null) {
      const gone = new Promise((r) => this.process.on("exit", r));
      this.process.kill("SIGKILL");
      await gone;
    }
  }
}
