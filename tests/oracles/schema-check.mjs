// Type-checks compiled Pulumi YAML programs against the real provider SDK types (@pulumi/aws, @pulumi/aws-native).
// Each program becomes a TypeScript file: one `new aws.x.Y(name, args, opts)` per resource, references as real
// property accesses, so unknown properties, wrong literal types, missing required inputs, unknown outputs,
// dangling references and untagged taggable resources are compile errors from the TypeScript compiler itself.
// Bodies written through `fn::toJSON` are typed too (IAM policies as aws.iam.PolicyDocument, container definitions as
// aws.ecs.ContainerDefinition[]), and every resource and invoke must pin exactly the plugin version installed here.
//
//   node schema-check.mjs [--json] program.yaml...
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import YAML from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes("--json");
const files = args.filter(a => a !== "--json");
if (files.length === 0) {
  console.error("usage: node schema-check.mjs [--json] program.yaml...");
  process.exit(2);
}

const packages = { "aws": "aws", "aws-native": "awsnative" };
const ident = name => name.replace(/[^A-Za-z0-9_]/g, "_");

// The plugin versions these types come from: a program must pin exactly these, or it deploys what was not checked.
const installed = Object.fromEntries(Object.keys(packages).map(pkg => [pkg,
  JSON.parse(fs.readFileSync(path.join(here, "node_modules", "@pulumi", pkg, "package.json"), "utf8")).version]));

// The type each `fn::toJSON` body must have, by the property that holds it.
const bodyTypes = {
  assumeRolePolicy: "aws.iam.PolicyDocument",
  policy: "aws.iam.PolicyDocument",
  containerDefinitions: "aws.ecs.ContainerDefinition[]",
  // Amazon States Language has no provider type: asl-check.mjs validates it with asl-validator and runs its paths.
  definition: "unknown",
  // Event patterns have no provider type: EventPatternTests match them against sample events in moto.
  eventPattern: "unknown",
  // Dashboard bodies have no provider type: MetricCatalogTests check every widget's metric and dimensions.
  dashboardBody: "unknown",
  // A table item (DynamoDB's typed JSON) and the readiness plan inside it (its attribute's S): no provider type; the functions
  // read the plan with their own source-generated context (ReadinessPlan).
  item: "unknown",
  S: "unknown",
  // An ARC cluster's endpoints as text: shift-traffic's ARC_CLUSTER_ENDPOINTS, and the primary's outputs the secondary reads.
  ARC_CLUSTER_ENDPOINTS: "pulumi.Input<aws.types.output.route53recoverycontrol.ClusterClusterEndpoint[]>",
  arcClusterEndpoints: "pulumi.Input<aws.types.output.route53recoverycontrol.ClusterClusterEndpoint[]>",
  clusterEndpoints: "pulumi.Input<aws.types.output.route53recoverycontrol.ClusterClusterEndpoint[]>",
  // The hosted zone's name servers, for decide's read of Route 53's health answer.
  HEALTH_ANSWER_NAME_SERVERS: "pulumi.Input<string[]>",
};

function packageOf(token) {
  if (token.startsWith("pulumi:providers:")) return token.slice("pulumi:providers:".length);
  return token.split(":")[0];
}

function classOf(token) {
  if (token === "pulumi:pulumi:StackReference") return "pulumi.StackReference";
  if (token.startsWith("pulumi:providers:")) {
    const pkg = packageOf(token);
    if (!packages[pkg]) throw new Error(`unknown provider '${token}'`);
    return `${packages[pkg]}.Provider`;
  }
  const [pkg, mod, name] = token.split(":");
  if (!packages[pkg] || !mod || !name) throw new Error(`unknown type token '${token}'`);
  const module = mod.split("/")[0];
  return module === "index" ? `${packages[pkg]}.${name}` : `${packages[pkg]}.${module}.${name}`;
}

function functionOf(token) {
  const [pkg, mod, name] = token.split(":");
  if (!packages[pkg] || !mod || !name) throw new Error(`unknown function token '${token}'`);
  const module = mod.split("/")[0];
  return module === "index" ? `${packages[pkg]}.${name}Output` : `${packages[pkg]}.${module}.${name}Output`;
}

// `${a.b[0].c}` -> r_a.b[0].c (resources) or v_a[0] (variables); unknown roots stay unknown identifiers, a TS error.
function refExpr(expr, program) {
  const m = /^([A-Za-z0-9_-]+)(.*)$/.exec(expr);
  if (!m) throw new Error(`malformed reference '\${${expr}}'`);
  const [, root, rest] = m;
  const prefix = program.resources?.[root] ? "r_" : program.variables?.[root] !== undefined ? "v_" : "undeclared_";
  const tail = rest.replace(/\.\[/g, "[");
  return `${prefix}${ident(root)}${tail}`;
}

// Splits a Pulumi YAML string into literal text and references as pulumi-yaml does: `$$` is a literal `$`.
function parts(text) {
  const out = [];
  let literal = "";
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith("$$", i)) { literal += "$"; i += 1; continue; }
    if (text.startsWith("${", i)) {
      const end = text.indexOf("}", i);
      if (end < 0) throw new Error(`unterminated reference in '${text}'`);
      if (literal) out.push({ literal });
      literal = "";
      out.push({ ref: text.slice(i + 2, end) });
      i = end;
      continue;
    }
    literal += text[i];
  }
  if (literal) out.push({ literal });
  return out;
}

function pinned(owner, pkg, version, problems) {
  if (pkg === "pulumi") return;
  if (version === undefined) problems.push(`${owner}: no plugin version pinned for ${pkg} (installed ${installed[pkg]})`);
  else if (String(version) !== installed[pkg]) problems.push(`${owner}: pins ${pkg} ${version}, but the types checked are ${pkg} ${installed[pkg]}`);
}

// ctx: { owner, property, problems } for typing fn::toJSON bodies and checking invoke versions.
function expr(value, program, ctx) {
  if (value === null || value === undefined) return "undefined";
  if (typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "string") {
    const p = parts(value);
    if (p.length === 0) return '""';
    if (p.length === 1 && p[0].literal !== undefined) return JSON.stringify(p[0].literal);
    if (p.length === 1) return refExpr(p[0].ref, program);
    const body = p.map(x => x.literal !== undefined ? x.literal.replace(/[`\\]/g, c => "\\" + c).replace(/\$\{/g, "\\${") : "${" + refExpr(x.ref, program) + "}").join("");
    return "pulumi.interpolate`" + body + "`";
  }
  if (Array.isArray(value)) return `[${value.map(v => expr(v, program, ctx)).join(", ")}]`;
  const keys = Object.keys(value);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only === "fn::toJSON") {
    const type = bodyTypes[ctx.property];
    if (!type) throw new Error(`${ctx.owner}: fn::toJSON in '${ctx.property}' has no known body type: add it to bodyTypes in schema-check.mjs`);
    return `pulumi.jsonStringify(typed<${type}>(${expr(value[only], program, ctx)}))`;
  }
  if (only === "fn::invoke") {
    const inv = value[only];
    const unknown = Object.keys(inv).filter(k => !["function", "arguments", "options", "return"].includes(k));
    if (unknown.length) throw new Error(`${ctx.owner}: unsupported fn::invoke keys ${unknown.join(", ")}`);
    const o = inv.options ?? {};
    pinned(ctx.owner, packageOf(inv.function), o.version, ctx.problems);
    const opts = o.provider ? `, { provider: ${expr(o.provider, program, ctx)} }` : "";
    const call = `${functionOf(inv.function)}(${expr(inv.arguments ?? {}, program, ctx)}${opts})`;
    return inv.return ? `${call}.${inv.return}` : call;
  }
  if (only === "fn::secret") return `pulumi.secret(${expr(value[only], program, ctx)})`;
  if (only === "fn::fileArchive") return `new pulumi.asset.FileArchive(${expr(value[only], program, ctx)})`;
  if (only === "fn::fileAsset") return `new pulumi.asset.FileAsset(${expr(value[only], program, ctx)})`;
  if (keys.some(k => k.startsWith("fn::"))) throw new Error(`${ctx.owner}: unsupported built-in ${keys.join(", ")}`);
  return `{ ${keys.map(k => `${JSON.stringify(k)}: ${expr(value[k], program, { ...ctx, property: k })}`).join(", ")} }`;
}

function references(value, acc = new Set()) {
  if (typeof value === "string") {
    for (const p of parts(value)) if (p.ref) acc.add(/^([A-Za-z0-9_-]+)/.exec(p.ref)?.[1]);
  } else if (Array.isArray(value)) value.forEach(v => references(v, acc));
  else if (value && typeof value === "object") Object.values(value).forEach(v => references(v, acc));
  return acc;
}

function order(program) {
  const nodes = new Map();
  for (const [k, v] of Object.entries(program.variables ?? {})) nodes.set(k, references(v));
  for (const [k, r] of Object.entries(program.resources ?? {})) nodes.set(k, references([r.properties, r.options]));
  const done = new Set(), out = [];
  const visit = (k, trail) => {
    if (done.has(k) || !nodes.has(k)) return;
    if (trail.includes(k)) throw new Error(`dependency cycle: ${[...trail, k].join(" -> ")}`);
    for (const d of nodes.get(k)) visit(d, [...trail, k]);
    done.add(k); out.push(k);
  };
  for (const k of nodes.keys()) visit(k, []);
  return out;
}

const supportedOptions = ["dependsOn", "ignoreChanges", "protect", "retainOnDelete", "provider", "aliases", "version", "parent", "deleteBeforeReplace"];

function generate(program) {
  const lines = [
    'import * as pulumi from "@pulumi/pulumi";',
    'import * as aws from "@pulumi/aws";',
    'import * as awsnative from "@pulumi/aws-native";',
    "type Args<C extends abstract new (...a: any) => any> = NonNullable<ConstructorParameters<C>[1]>;",
    "// A resource whose arguments have `tags` must set them (configured tags plus Project, Stack, Role).",
    'type Tagged<A> = "tags" extends keyof A ? A & { tags: { Project: string; Stack: string; Role: string } } : A;',
    "function args<A>(a: Tagged<A>): A { return a as A; }",
    "// aws-native tags are key/value lists, not maps: their arguments are checked as they are.",
    "function native<A>(a: A): A { return a; }",
    "function props<A>(...names: (keyof A & string)[]): string[] { return names; }",
    "// A body serialised with fn::toJSON, checked against the type the service expects.",
    "function typed<T>(body: T): T { return body; }",
    "",
  ];
  const where = [];
  const problems = [];
  for (const name of order(program)) {
    where.push([lines.length + 1, name]);
    const ctx = { owner: name, property: undefined, problems };
    if (program.variables && name in program.variables) {
      lines.push(`const v_${ident(name)} = ${expr(program.variables[name], program, ctx)};`);
      continue;
    }
    const r = program.resources[name];
    const cls = classOf(r.type);
    const opts = [];
    const o = r.options ?? {};
    const unknownOptions = Object.keys(o).filter(k => !supportedOptions.includes(k));
    if (unknownOptions.length) throw new Error(`${name}: unsupported options ${unknownOptions.join(", ")}`);
    pinned(name, packageOf(r.type), o.version, problems);
    if (o.dependsOn) opts.push(`dependsOn: ${expr(o.dependsOn, program, ctx)}`);
    if (o.ignoreChanges) opts.push(`ignoreChanges: props<Args<typeof ${cls}>>(${o.ignoreChanges.map(s => JSON.stringify(s)).join(", ")})`);
    for (const k of ["protect", "retainOnDelete", "deleteBeforeReplace", "version"]) if (o[k] !== undefined) opts.push(`${k}: ${JSON.stringify(o[k])}`);
    for (const k of ["provider", "parent"]) if (o[k] !== undefined) opts.push(`${k}: ${expr(o[k], program, ctx)}`);
    if (o.aliases) opts.push(`aliases: ${expr(o.aliases, program, ctx)}`);
    const check = r.type.startsWith("aws-native:") || r.type.startsWith("pulumi:") ? "native" : "args";
    lines.push(`const r_${ident(name)} = new ${cls}(${JSON.stringify(name)}, ${check}<Args<typeof ${cls}>>(${expr(r.properties ?? {}, program, ctx)}), { ${opts.join(", ")} });`);
  }
  for (const [k, v] of Object.entries(program.outputs ?? {})) {
    where.push([lines.length + 1, `output ${k}`]);
    lines.push(`export const o_${ident(k)} = ${expr(v, program, { owner: `output ${k}`, property: k, problems })};`);
  }
  return { source: lines.join("\n") + "\n", where, problems };
}

const outDir = path.join(here, ".generated");
fs.mkdirSync(outDir, { recursive: true });
const results = {};
const generated = [];
for (const file of files) {
  results[file] = [];
  try {
    const program = YAML.parse(fs.readFileSync(file, "utf8"));
    const { source, where, problems } = generate(program);
    results[file].push(...problems);
    const tsFile = path.join(outDir, `${path.basename(file).replace(/\W/g, "_")}_${generated.length}.ts`);
    fs.writeFileSync(tsFile, source);
    generated.push({ file, tsFile, where });
  } catch (e) {
    results[file].push(`cannot translate: ${e.message}`);
  }
}

const compiler = ts.createProgram(generated.map(g => g.tsFile), {
  strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [],
});
for (const d of ts.getPreEmitDiagnostics(compiler)) {
  const g = generated.find(x => d.file && path.resolve(d.file.fileName) === path.resolve(x.tsFile));
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n  ");
  if (!g) { for (const f of files) results[f].push(`TS${d.code}: ${message}`); continue; }
  const line = d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1;
  const owner = [...g.where].reverse().find(([l]) => l <= line)?.[1] ?? "?";
  results[g.file].push(`${owner}: TS${d.code}: ${message}`);
}

if (json) console.log(JSON.stringify(results, null, 2));
else for (const [file, errors] of Object.entries(results)) {
  console.log(errors.length === 0 ? `ok   ${file}` : `FAIL ${file}\n${errors.map(e => "  " + e).join("\n")}`);
}
process.exit(Object.values(results).some(e => e.length > 0) ? 1 : 0);
