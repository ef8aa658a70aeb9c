import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, processIsAlive } from "../../shared/index.ts";

const BIN = fileURLToPath(new URL("../../../bin/arthur.js", import.meta.url));

export interface StartupBenchResult {
  suite: "startup";
  demoScale: number;
  runs: { run: number; secondsToReady: number; readyz: number; postgresStoppedOnSigint: boolean }[];
  node: string;
  at: string;
}

/** Start `arthur dev`, time it to its ready banner, probe /readyz, stop it with SIGINT. */
async function oneRun(run: number, env: NodeJS.ProcessEnv, home: string, gatewayPort: number) {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, "dev"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      output += d;
      if (/^Arthur ready/m.test(output)) resolve();
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    void exited.then((code) => reject(new Error(`arthur dev exited (${code}) before ready:\n${output}`)));
  });
  const secondsToReady = (performance.now() - started) / 1000;
  const readyz = (await fetch(`http://127.0.0.1:${gatewayPort}/readyz`)).status;
  const pid = Number(readFileSync(join(home, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
  child.kill("SIGINT");
  await exited;
  return {
    run,
    secondsToReady: Number(secondsToReady.toFixed(2)),
    readyz,
    postgresStoppedOnSigint: !processIsAlive(pid),
  };
}

/** First start (creates and seeds the embedded database) and two warm starts, in a scratch ARTHUR_HOME. */
export async function benchStartup(demoScale: number): Promise<StartupBenchResult> {
  const home = mkdtempSync(join(tmpdir(), "arthur-bench-"));
  try {
    const gatewayPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ARTHUR_HOME: home,
      EMBEDDED_PG_PORT: String(await freePort()),
      GATEWAY_PORT: String(gatewayPort),
      DEMO_SCALE: String(demoScale),
      LOG_LEVEL: "warn",
    };
    delete env.DATABASE_URL;
    const runs = [];
    for (let run = 1; run <= 3; run++) runs.push(await oneRun(run, env, home, gatewayPort));
    return { suite: "startup", demoScale, runs, node: process.versions.node, at: new Date().toISOString() };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export function printStartupTable(result: StartupBenchResult): void {
  console.log(`\nstartup benchmark — arthur dev, demo scale ${result.demoScale}`);
  console.log(
    `${"run".padEnd(16)} ${"ready (s)".padStart(10)} ${"readyz".padStart(7)} ${"pg stopped".padStart(11)}`,
  );
  for (const r of result.runs) {
    const label = r.run === 1 ? "1 (first run)" : `${r.run} (warm)`;
    console.log(
      `${label.padEnd(16)} ${r.secondsToReady.toFixed(2).padStart(10)} ${String(r.readyz).padStart(7)} ${String(r.postgresStoppedOnSigint).padStart(11)}`,
    );
  }
}
