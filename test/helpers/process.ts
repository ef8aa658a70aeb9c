import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export { freePort, processIsAlive } from "../../src/shared/index.ts";

export const ARTHUR_BIN = fileURLToPath(new URL("../../bin/arthur.js", import.meta.url));

/** The parent environment without anything that would point a child at another database. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      /^(DATABASE_URL|TEST_DATABASE_URL|ARTHUR_|EMBEDDED_PG_|GATEWAY_|CONTROL_PLANE_|KUBE|DEMO_|LOG_LEVEL|DB_)/.test(
        key,
      )
    )
      delete env[key];
  }
  return { ...env, ...extra };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `arthur <args>` to completion. */
export function runArthur(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ARTHUR_BIN, ...args], { env, cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export interface LongRunning {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first stdout line matching `pattern`, rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
  exited: Promise<number | null>;
}

/** Start `arthur <args>` in the background. */
export function startArthur(args: string[], env: NodeJS.ProcessEnv, cwd?: string): LongRunning {
  const child = spawn(process.execPath, [ARTHUR_BIN, ...args], { env, cwd });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += d;
  });
  child.stderr?.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`)),
          timeoutMs,
        );
        const check = () => {
          const line = out.split("\n").find((l) => pattern.test(l));
          if (line) {
            clearTimeout(timer);
            resolve(line);
          }
        };
        child.stdout?.on("data", check);
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`arthur exited (${code}) before ${pattern}; output:\n${out}`));
        });
        check();
      });
    },
  };
}
