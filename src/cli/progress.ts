import { SingleBar } from "cli-progress";
import type { ProgressSink } from "../demo/index.ts";

/** Rows a `--scale 1` seed writes, roughly; sizes the progress bar (it never overshoots 100%). */
const ROWS_AT_SCALE_ONE = 1_000_000;

/** A terminal progress bar for seeding; silent when stderr is not a terminal (CI, pipes). */
export function seedProgress(scale: number): ProgressSink & { stop(): void } {
  if (!process.stderr.isTTY) return { startTable() {}, advance() {}, stop() {} };
  const total = Math.max(1000, Math.round(ROWS_AT_SCALE_ONE * scale));
  const bar = new SingleBar({
    format: "seeding {bar} {percentage}% | {value} rows | {table}",
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  });
  let value = 0;
  let started = false;
  return {
    startTable(table) {
      if (!started) {
        bar.start(total, 0, { table });
        started = true;
      }
      bar.update(Math.min(value, total), { table });
    },
    advance(rows) {
      value += rows;
      if (value > bar.getTotal()) bar.setTotal(Math.round(value * 1.1));
      bar.update(value);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
