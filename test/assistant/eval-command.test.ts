import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/db.ts";
import { cleanEnv, runArthur } from "../helpers/process.ts";

const db = useTestDatabase();
/** Every 8th case of the project's set: all kinds, a quick run. */
function sampleCases(): string {
  const lines = readFileSync(new URL("../../eval/cases.jsonl", import.meta.url), "utf8")
    .split("\n")
    .filter(Boolean);
  const path = join(mkdtempSync(join(tmpdir(), "arthur-eval-")), "cases.jsonl");
  writeFileSync(path, `${lines.filter((_, i) => i % 8 === 0).join("\n")}\n`);
  return path;
}

describe("arthur eval", () => {
  it("scores cases offline and reports every case in the shared format", async () => {
    const cases = sampleCases();
    const count = readFileSync(cases, "utf8").split("\n").filter(Boolean).length;
    const run = await runArthur(["eval", "--cases", cases, "--json"], cleanEnv({ DATABASE_URL: db.url }));
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      cases: number;
      pass_rate: number;
      recall_at_k: number;
      tool_token_ratio: number;
      results: Record<string, unknown>[];
    };
    expect(report.cases).toBe(count);
    expect(report.results).toHaveLength(count);
    for (const result of report.results) {
      expect(Object.keys(result)).toEqual(
        expect.arrayContaining([
          "id",
          "predicted_tools",
          "predicted_args",
          "clarified",
          "denied",
          "retrieved_tools",
          "pass",
        ]),
      );
      expect((result.retrieved_tools as string[]).length).toBeLessThanOrEqual(8);
    }
    // The figures the README reports, held on this slice of the set.
    expect(report.pass_rate).toBeGreaterThanOrEqual(0.9);
    expect(report.recall_at_k).toBeGreaterThanOrEqual(0.98);
    expect(report.tool_token_ratio).toBeLessThanOrEqual(0.25);
  });

  it("names the line of a malformed case file and exits 2", async () => {
    const bad = await runArthur(
      ["eval", "--cases", "/nonexistent.jsonl"],
      cleanEnv({ DATABASE_URL: db.url }),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("cannot read cases file");
  });
});
