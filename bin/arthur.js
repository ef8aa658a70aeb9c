#!/usr/bin/env node
// Arthur runs its TypeScript sources directly with Node's type stripping: built in from Node 22.18,
// available behind --experimental-strip-types from 22.6, so older 22.x releases re-run with the flag.
import { spawn } from "node:child_process";
import { constants } from "node:os";

const [major, minor] = process.versions.node.split(".").map(Number);
const builtIn = major > 22 || (major === 22 && minor >= 18);
const behindFlag = major === 22 && minor >= 6;

if (!builtIn && !behindFlag) {
  console.error(
    `arthur: Node ${process.versions.node} is too old; Node 22 or newer is required (see .nvmrc).`,
  );
  process.exit(1);
}

if (builtIn || process.execArgv.includes("--experimental-strip-types")) {
  const { main } = await import("../src/cli/main.ts");
  await main(process.argv);
} else {
  const child = spawn(
    process.execPath,
    [
      "--experimental-strip-types",
      "--disable-warning=ExperimentalWarning",
      ...process.execArgv,
      ...process.argv.slice(1),
    ],
    { stdio: "inherit" },
  );
  // Ctrl-C reaches the child through the terminal's process group; a SIGTERM sent to us alone is passed on.
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
}
