import { Writable } from "node:stream";
import { type Logger, pino } from "pino";

export type { Logger } from "pino";

/** Keys whose values are never written to logs, wherever they appear. */
const REDACT_PATHS = [
  "password",
  "*.password",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "databaseUrl",
  "*.databaseUrl",
  "secret",
  "*.secret",
];

const LEVEL_NAMES: Record<number, string> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "warn",
  50: "error",
  60: "fatal",
};

/** Human-friendly single-line rendering for terminals; JSON lines everywhere else. */
function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const {
        level,
        time,
        msg,
        pid: _pid,
        hostname: _host,
        ...rest
      } = JSON.parse(chunk.toString()) as Record<string, unknown>;
      const stamp = new Date(Number(time)).toISOString().slice(11, 19);
      const extras = Object.entries(rest)
        .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
        .join(" ");
      out.write(
        `${stamp} ${(LEVEL_NAMES[Number(level)] ?? "log").padEnd(5)} ${String(msg ?? "")}${extras ? ` ${extras}` : ""}\n`,
      );
      done();
    },
  });
}

export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? Boolean(process.stderr.isTTY);
  const destination = pretty ? prettyStream(process.stderr) : pino.destination(2);
  return pino({ level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, base: undefined }, destination);
}
