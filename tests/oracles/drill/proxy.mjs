// A recording proxy between the functions and moto: every AWS request any function makes is recorded (which role made it, to
// which service and region it was signed, which operation), and an outage refuses some of them as a dead region would (the
// connection is reset before anything is forwarded). Requests go on to moto unchanged, Host header included, so moto checks the
// functions' own signatures.
import http from "node:http";

export class RecordingProxy {
  /** @param {string} target moto's URL; `refuse(record)` says which requests a down region resets (none by default) */
  constructor(target) {
    this.target = new URL(target);
    this.requests = [];
    this.refuse = () => false;
  }

  async start() {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 0;
    await new Promise((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${this.server.address().port}`;
  }

  handle(req, res) {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(req.headers.authorization ?? ""));
      const text = body.toString("utf8");
      const operation = req.headers["x-amz-target"] ?? /(?:^|&)Action=([^&]+)/.exec(text)?.[1] ?? `${req.method} ${String(req.url).split("?")[0]}`;
      const record = { accessKeyId: scope?.[1] ?? null, region: scope?.[2] ?? null, service: scope?.[3] ?? null, operation, refused: false };
      this.requests.push(record);
      if (this.refuse(record)) {
        record.refused = true;
        req.socket.destroy();
        return;
      }
      const forward = http.request({ host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on("error", () => req.socket.destroy());
      forward.end(body);
    });
  }

  async stop() {
    if (this.server) await new Promise((resolve) => { this.server.closeAllConnections?.(); this.server.close(resolve); });
  }
}
