// A compiled Pulumi YAML program read back as data: its functions (environment, handler, timeout, policy), its workflow
// (definition, role policy), the names it gives the regional pieces, and a resolver for its `${...}` interpolations against
// what the drill created in moto (what Pulumi would have filled in after a deploy).
import { readFileSync } from "node:fs";
import YAML from "yaml";

export const ACCOUNT = "123456789012";
export const PARTITION = "aws";

export class UnresolvedReference extends Error {
  constructor(ref, program) {
    super(`\${${ref}} in the ${program} program has no value in the drill's world`);
    this.name = "UnresolvedReference";
  }
}

export class Program {
  constructor(path) {
    this.path = path;
    this.doc = YAML.parse(readFileSync(path, "utf8"));
    this.resources = this.doc.resources ?? {};
    this.outputs = this.doc.outputs ?? {};
    this.role = this.outputs.role;
    this.region = this.outputs.region;
    this.peerRegion = this.outputs.peerRegion;
    if (!this.role || !this.region) throw new Error(`${path} has no role/region outputs: not a compiled failover stack`);
    /** Values of resources as the deploy would know them, filled in once moto has them: name -> {prop: value}. */
    this.made = {};
    /** The program whose outputs `primary-stack.outputs[...]` reads (the secondary's view of the primary). */
    this.peer = null;
  }

  ofType(type) {
    return Object.entries(this.resources).filter(([, r]) => r.type === type);
  }

  resource(name) {
    const found = this.resources[name];
    if (!found) throw new Error(`the ${this.role} program has no resource ${name}`);
    return found;
  }

  /** A literal property (no interpolation) the drill needs before anything exists, e.g. a fixed name. */
  literal(name, prop) {
    const value = this.resource(name).properties?.[prop];
    if (value === undefined || (typeof value === "string" && /(^|[^$])\$\{/.test(value))) {
      throw new Error(`the ${this.role} program's ${name}.${prop} is not a literal (${JSON.stringify(value)})`);
    }
    return value;
  }

  // ------------------------------------------------------------------------------------------------ interpolation

  lookup(ref) {
    const dot = ref.indexOf(".");
    const head = dot < 0 ? ref : ref.slice(0, dot);
    const prop = dot < 0 ? null : ref.slice(dot + 1);
    if (head === "partition") return PARTITION;
    if (head === "account-id") return ACCOUNT;
    const output = prop && /^outputs\["([^"]+)"\]$/.exec(prop);
    if (output) {
      const resource = this.resources[head];
      if (resource?.type !== "pulumi:pulumi:StackReference" || !this.peer) throw new UnresolvedReference(ref, this.role);
      if (!(output[1] in this.peer.outputs)) throw new UnresolvedReference(ref, this.role);
      return this.peer.resolve(this.peer.outputs[output[1]]);
    }
    if (prop === null) throw new UnresolvedReference(ref, this.role);
    const made = this.made[head];
    if (made && made[prop] !== undefined) return made[prop];
    const literal = this.resources[head]?.properties?.[prop];
    if (typeof literal === "string" || typeof literal === "number" || typeof literal === "boolean") return this.resolve(literal);
    throw new UnresolvedReference(ref, this.role);
  }

  /** Resolves every interpolation in a value (strings, lists, maps, `fn::toJSON` bodies); `$$` is a literal `$` (pulumi-yaml's rule). */
  resolve(value) {
    if (typeof value === "string") return this.resolveString(value);
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value && typeof value === "object") {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === "fn::toJSON") return this.resolve(value["fn::toJSON"]);
      if (keys.length === 1 && keys[0] === "fn::secret") return this.resolve(value["fn::secret"]);
      // Keys are interpolated too (pulumi-yaml parses them as expressions).
      return Object.fromEntries(keys.map((k) => [this.resolveString(k), this.resolve(value[k])]));
    }
    return value;
  }

  resolveString(text) {
    const parts = [];
    const pattern = /\$\$|\$\{([^}]*)\}/g;
    let last = 0;
    let match;
    while ((match = pattern.exec(text))) {
      parts.push(text.slice(last, match.index));
      parts.push(match[0] === "$$" ? { literal: "$" } : { ref: match[1] });
      last = pattern.lastIndex;
    }
    parts.push(text.slice(last));
    const real = parts.filter((p) => p !== "");
    // A whole-string reference keeps its value's type (a list output stays a list).
    if (real.length === 1 && typeof real[0] === "object" && real[0].ref) return this.lookup(real[0].ref);
    return real.map((p) => (typeof p === "string" ? p : p.literal ?? String(this.lookup(p.ref)))).join("");
  }

  // ------------------------------------------------------------------------------------------------ the pieces

  /** Every Lambda function: logical key (`decide`, `scale-standby`, ...), name, handler, timeout, environment, policy. */
  functions() {
    return this.ofType("aws:lambda/function:Function").map(([logical, r]) => {
      const key = logical.replace(/-function$/, "");
      const roleRef = /^\$\{(.+)\.arn\}$/.exec(r.properties.role)?.[1];
      const policy = Object.entries(this.resources).find(([, p]) => p.type === "aws:iam/rolePolicy:RolePolicy" && p.properties.role === `\${${roleRef}.id}`);
      if (!roleRef || !policy) throw new Error(`function ${logical} of the ${this.role} program has no role with an inline policy`);
      return {
        key,
        logical,
        name: r.properties.name,
        handler: r.properties.handler,
        timeoutSeconds: r.properties.timeout ?? 3,
        memoryMb: r.properties.memorySize ?? 128,
        environmentRaw: r.properties.environment?.variables ?? {},
        roleResource: roleRef,
        policyRaw: policy[1].properties.policy["fn::toJSON"],
      };
    });
  }

  /** A state machine: `workflow` (the operators' entry point) or `workflow-trigger` (the triggers', the secondary's). */
  workflow(resource = "workflow") {
    const machine = this.resource(resource);
    const roleRef = /^\$\{(.+)\.arn\}$/.exec(machine.properties.roleArn)?.[1];
    const policy = Object.entries(this.resources).find(([, p]) => p.type === "aws:iam/rolePolicy:RolePolicy" && p.properties.role === `\${${roleRef}.id}`);
    if (!roleRef || !policy) throw new Error(`the ${this.role} program's workflow has no role with an inline policy`);
    return { name: machine.properties.name, definitionRaw: machine.properties.definition, roleResource: roleRef, policyRaw: policy[1].properties.policy["fn::toJSON"] };
  }

  alarms() {
    return this.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map(([logical, r]) => ({ logical, name: r.properties.name }));
  }
}

/**
 * The compiled policy as moto can enforce it: every Resource widened to "*" and conditions dropped (moto matches resources
 * only for S3, SQS, IAM and STS, and evaluates no service condition key, so a condition would deny), and CloudWatch's actions
 * also under moto's name for them (`monitoring:`, CloudWatch's signing name). Resource scoping and conditions are the IAM
 * simulator oracle's job. `remove` takes out one action (the broken-policy scenarios).
 */
export function widen(policy, remove = null) {
  let removed = false;
  const statements = [];
  for (const statement of policy.Statement) {
    let actions = [statement.Action].flat();
    if (remove && actions.includes(remove)) {
      actions = actions.filter((a) => a !== remove);
      removed = true;
    }
    if (actions.length === 0) continue;
    const monitoring = actions.filter((a) => a.startsWith("cloudwatch:")).map((a) => a.replace(/^cloudwatch:/, "monitoring:"));
    const { Condition, Resource, NotResource, ...rest } = statement;
    statements.push({ ...rest, Action: [...actions, ...monitoring], Resource: "*" });
  }
  return { policy: { Version: policy.Version ?? "2012-10-17", Statement: statements }, removed };
}
