// Command-line reading shared by the scripts that run the compiled workflows with the real functions (drill.mjs,
// trigger-input.mjs): --json, --primary, --secondary, --bootstrap (checked to exist), plus each script's own options.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * @param {string[]} argv
 * @param {Record<string, (value: string, options: object) => void>} own  each option of the script's own: sets it from its value
 * @param {(problem: string) => never} usage  prints the script's usage with the problem and exits
 */
export function parseWorkflowArgs(argv, own, usage, defaults = {}) {
  const options = { json: false, bootstrap: fileURLToPath(new URL("../../../functions/dist/bootstrap", import.meta.url)), ...defaults };
  const common = {
    "--primary": (v) => { options.primary = v; },
    "--secondary": (v) => { options.secondary = v; },
    "--bootstrap": (v) => { options.bootstrap = v; },
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") { options.json = true; continue; }
    const set = common[a] ?? own[a];
    if (!set) usage(`unknown argument ${a}`);
    if (i + 1 >= argv.length) usage(`${a} needs a value`);
    set(argv[++i], options);
  }
  if (!options.primary || !options.secondary) usage("--primary and --secondary are required");
  if (!existsSync(options.bootstrap)) {
    console.error(`${options.bootstrap} is missing: build it with \`dotnet publish functions -c Release\` (tests/run.sh does it)`);
    process.exit(2);
  }
  return options;
}
