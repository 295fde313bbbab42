// Every process the drill starts (moto, world.py, the bootstraps) is killed when the drill exits, however it exits: an
// uncaught error must not leave a moto server or a function running.
const running = new Set();

process.on("exit", () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => process.exit(128 + (signal === "SIGINT" ? 2 : 15)));
}

/** Registers a child process for the exit-time cleanup; returns it. */
export function track(child) {
  running.add(child);
  child.on("exit", () => running.delete(child));
  return child;
}
