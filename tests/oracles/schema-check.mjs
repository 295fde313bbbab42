// Type-checks compiled Pulumi YAML programs against the real provider SDK types (@pulumi/aws, @pulumi/aws-native).
// Each program becomes a TypeScript file: one `new aws.x.Y(name, args, opts)` per resource, references as real
// property accesses, so unknown properties, wrong literal types, missing required inputs, unknown outputs,
// dangling references and untagged taggable resources are compile errors from the TypeScript compiler itself.
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

function classOf(token) {
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

// Splits a Pulumi YAML string into literal text and references, honouring the `$${` escape.
function parts(text) {
  const out = [];
  let literal = "";
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith("$${", i)) { literal += "${"; i += 2; continue; }
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

function expr(value, program) {
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
  if (Array.isArray(value)) return `[${value.map(v => expr(v, program)).join(", ")}]`;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "fn::toJSON") return `pulumi.jsonStringify(${expr(value["fn::toJSON"], program)})`;
  if (keys.length === 1 && keys[0] === "fn::invoke") {
    const inv = value["fn::invoke"];
    const call = `${functionOf(inv.function)}(${expr(inv.arguments ?? {}, program)})`;
    return inv.return ? `${call}.${inv.return}` : call;
  }
  if (keys.some(k => k.startsWith("fn::"))) throw new Error(`unsupported built-in ${keys.join(", ")}`);
  return `{ ${keys.map(k => `${JSON.stringify(k)}: ${expr(value[k], program)}`).join(", ")} }`;
}

function references(value, acc = new Set()) {
  if (typeof value === "string") for (const p of parts(value)) if (p.ref) acc.add(/^([A-Za-z0-9_-]+)/.exec(p.ref)?.[1]);
  else if (Array.isArray(value)) value.forEach(v => references(v, acc));
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
    "",
  ];
  const where = [];
  for (const name of order(program)) {
    where.push([lines.length + 1, name]);
    if (program.variables && name in program.variables) {
      lines.push(`const v_${ident(name)} = ${expr(program.variables[name], program)};`);
      continue;
    }
    const r = program.resources[name];
    const cls = classOf(r.type);
    const opts = [];
    const o = r.options ?? {};
    if (o.dependsOn) opts.push(`dependsOn: ${expr(o.dependsOn, program)}`);
    if (o.ignoreChanges) opts.push(`ignoreChanges: props<Args<typeof ${cls}>>(${o.ignoreChanges.map(s => JSON.stringify(s)).join(", ")})`);
    if (o.protect !== undefined) opts.push(`protect: ${JSON.stringify(o.protect)}`);
    const unknownOptions = Object.keys(o).filter(k => !["dependsOn", "ignoreChanges", "protect"].includes(k));
    if (unknownOptions.length) throw new Error(`${name}: unsupported options ${unknownOptions.join(", ")}`);
    const check = r.type.startsWith("aws-native:") ? "native" : "args";
    lines.push(`const r_${ident(name)} = new ${cls}(${JSON.stringify(name)}, ${check}<Args<typeof ${cls}>>(${expr(r.properties ?? {}, program)}), { ${opts.join(", ")} });`);
  }
  for (const [k, v] of Object.entries(program.outputs ?? {})) {
    where.push([lines.length + 1, `output ${k}`]);
    lines.push(`export const o_${ident(k)} = ${expr(v, program)};`);
  }
  return { source: lines.join("\n") + "\n", where };
}

const outDir = path.join(here, ".generated");
fs.mkdirSync(outDir, { recursive: true });
const results = {};
const generated = [];
for (const file of files) {
  results[file] = [];
  try {
    const program = YAML.parse(fs.readFileSync(file, "utf8"));
    const { source, where } = generate(program);
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
