import { randomBytes } from "node:crypto";
import { listen, type RunningServer } from "../../gateway/index.ts";
import { type ConsoleDeps, createConsoleApp } from "./app.ts";

export interface RunningConsole extends RunningServer {
  /** The page with the token in its query: the link to open (the page moves the token off the address bar). */
  link: string;
}

/** A fresh console token: 32 random bytes, URL-safe. */
export function newConsoleToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Serve the console on host:port (0: any free port). */
export async function startConsole(
  deps: ConsoleDeps & { host: string; port: number },
): Promise<RunningConsole> {
  const { host, port, ...appDeps } = deps;
  const server = await listen(createConsoleApp(appDeps), host, port, "PORT");
  return { ...server, link: `${server.url}/?token=${encodeURIComponent(deps.token)}` };
}
