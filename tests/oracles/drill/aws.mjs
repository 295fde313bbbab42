// Signed AWS calls the harness itself makes: the state machine's sns:publish (with the workflow role's temporary
// credentials, as Step Functions would). SigV4 by @smithy/signature-v4, the AWS SDK's own signer.
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";

class Sha256 {
  constructor(secret) {
    this.hash = secret ? createHmac("sha256", secret) : createHash("sha256");
  }

  update(data) {
    this.hash.update(typeof data === "string" ? Buffer.from(data, "utf8") : data);
  }

  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

export class AwsError extends Error {
  constructor(code, message, status) {
    super(message);
    this.name = code;
    this.status = status;
  }
}

/** POSTs a query-protocol request (form body) to `endpoint`, signed for `service` in `region`; returns the XML text. */
export async function queryCall({ endpoint, region, service, credentials, params }) {
  const url = new URL(endpoint);
  const body = new URLSearchParams(params).toString();
  const signer = new SignatureV4({
    service,
    region,
    sha256: Sha256,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
  });
  const signed = await signer.sign({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    path: "/",
    query: {},
    headers: { host: url.host, "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body,
  });
  const response = await fetch(`${endpoint}/`, { method: "POST", headers: signed.headers, body });
  const text = await response.text();
  if (!response.ok) {
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? `HTTP${response.status}`;
    const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? text.slice(0, 300);
    throw new AwsError(code, message, response.status);
  }
  return text;
}

/** sns:publish as the optimized integration does it: {MessageId} on success, an error named `SNS.<code>` otherwise. */
export async function snsPublish({ endpoint, region, credentials, topicArn, subject, message }) {
  const params = { Action: "Publish", Version: "2010-03-31", TopicArn: topicArn, Message: message };
  if (subject !== undefined) params.Subject = subject;
  try {
    const xml = await queryCall({ endpoint, region, service: "sns", credentials, params });
    const id = /<MessageId>([^<]*)<\/MessageId>/.exec(xml)?.[1];
    if (!id) throw new AwsError("MalformedResponse", `no MessageId in ${xml.slice(0, 200)}`);
    return { MessageId: id };
  } catch (e) {
    const error = new Error(`${e.message} (${e.name}, status ${e.status ?? "none"})`);
    error.name = `SNS.${e.name}`;
    throw error;
  }
}

/** An alarm of the primary set to `state`, as CloudWatch would (the admin's credentials; moto enforces IAM by then). */
export async function setAlarm(world, name, state) {
  await queryCall({
    endpoint: world.moto.url, region: world.programs.primary.region, service: "monitoring", credentials: world.made.admin,
    params: { Action: "SetAlarmState", Version: "2010-08-01", AlarmName: name, StateValue: state, StateReason: "arranged by the harness" },
  });
}
