import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateSlackExport, measureKnowledge } from "../../src/cli/bench/knowledge.ts";
import { useTestDatabase } from "../helpers/db.ts";

const db = useTestDatabase();
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every file of an export folder and a hash of its bytes. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(dir.length)] = createHash("sha256").update(readFileSync(path)).digest("hex");
  }
  return out;
}

describe("the knowledge bench (npm run bench -- knowledge)", () => {
  it("writes the same export every time, of the size asked for", () => {
    const made = [0, 1].map(() => {
      const dir = mkdtempSync(join(tmpdir(), "arthur-test-export-"));
      dirs.push(dir);
      return { dir, report: generateSlackExport(dir, 3000) };
    });
    const [a, b] = made as [(typeof made)[number], (typeof made)[number]];
    expect(a.report).toEqual(b.report);
    expect(a.report.messages + a.report.collisions).toBe(3000);
    expect(a.report.channels).toBeGreaterThan(5);
    expect(fingerprint(a.dir)).toEqual(fingerprint(b.dir));
  });

  it("imports the export twice (the second changes nothing) and times queries that each find what they aim at", async () => {
    const m = await measureKnowledge(db.url, { messages: 2000, runs: 2, toolTimeoutMs: 10_000, rowCap: 200 });
    const [first, again] = m.imports;
    expect(first?.inserted).toBe(m.archive.rows);
    expect(first && first.inserted + first.skipped).toBe(m.export.messages);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: first?.inserted });
    for (const search of m.searches) {
      expect(search.errors, `${search.kind}: ${search.firstError}`).toBe(0);
      if (search.kind === "no match") expect(search.hits).toBe(0);
      else expect(search.hits, search.kind).toBeGreaterThan(0);
    }
    expect(m.stats.errors).toBe(0);
  });
});
