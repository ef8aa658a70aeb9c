import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/db.ts";
import { startFakeLlm } from "../helpers/fake-llm.ts";
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

  it("with a provider configured, the model answers the cases (the LLM path), through the provider's API", async () => {
    const fake = await startFakeLlm("openai", (request) =>
      request.raw.includes("who is still owed")
        ? { toolCalls: [{ name: "get_artists_owed", args: { eid: "AB4001" } }] }
        : { text: "I could not tell." },
    );
    try {
      const path = join(mkdtempSync(join(tmpdir(), "arthur-eval-")), "cases.jsonl");
      const base = { expect_clarification: false, expect_denied: false };
      writeFileSync(
        path,
        [
          {
            id: "l1",
            question: "who is still owed money for AB4001?",
            role: "finance",
            expect_tools: ["get_artists_owed"],
            expect_args: { get_artists_owed: { eid: "AB4001" } },
            ...base,
          },
          {
            id: "l2",
            question: "When does the auction close at AB4001?",
            role: "ops",
            expect_tools: ["get_auction_timing"],
            expect_args: {},
            ...base,
          },
        ]
          .map((c) => JSON.stringify(c))
          .join("\n"),
      );
      const run = await runArthur(
        ["eval", "--cases", path, "--json"],
        cleanEnv({
          DATABASE_URL: db.url,
          LLM_PROVIDER: "openai",
          LLM_MODEL: "fake-eval-model",
          LLM_BASE_URL: fake.baseUrl,
          OPENAI_API_KEY: "sk-test-not-secret",
        }),
      );
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as {
        mode: string;
        passed: number;
        results: { id: string; pass: boolean }[];
      };
      expect(report.mode).toBe("llm");
      expect(report.results.map((r) => [r.id, r.pass])).toEqual([
        ["l1", true],
        ["l2", false],
      ]);
      // One model call per question (the owed answer speaks for itself), each shown a few tools only.
      expect(fake.requests).toHaveLength(2);
      for (const request of fake.requests) expect(request.tools.length).toBeLessThanOrEqual(10);
    } finally {
      await fake.close();
    }
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
