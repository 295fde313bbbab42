// aws-local-stepfunctions, loaded with one fix. Version 3.0.0 removes every backslash from the string an intrinsic function
// returns (`result.replaceAll("\\", "")` in BaseIntrinsicFunction.call), meant for the escapes of a literal argument
// ('it\'s', '\{'): so States.JsonToString of an object holding a string with a quote in it returns text that is not JSON
// (the FAILED notice, whose error Cause is the function's error document, arrives unreadable), and States.Format drops the
// backslashes of the values it formats. AWS unescapes the literal arguments only; so does this fix, applied in memory as the
// module loads (node's module hooks), nothing on disk changed. The version is checked: another one fails loudly here.
import "./polyfill.mjs";
import { register } from "node:module";

const BROKEN = 'result = result.replaceAll("\\\\", "");';
const LITERAL = "return arg.slice(1, lastSingleQuote);";

const hooks = `
export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!url.includes("/aws-local-stepfunctions/build/main.node.esm.js")) return result;
  let source = String(result.source);
  const broken = ${JSON.stringify(BROKEN)};
  const literal = ${JSON.stringify(LITERAL)};
  if (source.split(broken).length !== 2 || source.split(literal).length !== 2) {
    throw new Error("aws-local-stepfunctions is not the version the drill's intrinsic-function fix was written for (3.0.0): check drill/stepfunctions.mjs");
  }
  source = source.replace(broken, () => "/* drill: results keep their backslashes */");
  source = source.replace(literal, () => "return arg.slice(1, lastSingleQuote).replace(/\\\\\\\\(.)/g, \\"$1\\");");
  return { ...result, source };
}
`;

register(`data:text/javascript,${encodeURIComponent(hooks)}`);
const library = await import("aws-local-stepfunctions");

export const { StateMachine } = library;
