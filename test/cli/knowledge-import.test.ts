import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SAMPLE_EXPORT_DIR } from "../../src/knowledge/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { cleanEnv, runArthur } from "../helpers/process.ts";
import { isChannelEvent, readSampleExport, sampleCopy, zipExport } from "../knowledge/sample-export.ts";

const db = useTestDatabase();
const sample = readSampleExport();
const kept = sample.messages.filter((m) => !isChannelEvent(m)).length;
const skipped = sample.messages.length - kept;
const listed = new Set(sample.users.map((u) => u.id));
const authors = new Set(
  sample.messages.map((m) => m.user ?? m.bot_id).filter((id): id is string => Boolean(id)),
);
const users = listed.size + [...authors].filter((id) => !listed.has(id)).length;

const importing = (path: string, ...flags: string[]) =>
  runArthur(["knowledge", "import", path, ...flags], cleanEnv({ DATABASE_URL: db.url }));

/** The one-line summary, with the counts a person would check against the export. */
const summary = (source: string, counts: { new: number; updated: number; unchanged: number }) =>
  new RegExp(
    `^Imported ${source.replace(".", "\\.")} \\((folder|zip)\\): ${sample.channels.length} channels, ${users} users, ` +
      `${kept} messages \\(${counts.new} new, ${counts.updated} updated, ${counts.unchanged} unchanged; ` +
      `${skipped} skipped\\) in \\d+\\.\\d s\\n$`,
  );

describe("arthur knowledge import", () => {
  it("imports an export folder and prints one summary line", async () => {
    const result = await importing(SAMPLE_EXPORT_DIR);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(summary("slack-export", { new: kept, updated: 0, unchanged: 0 }));
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from arthur_knowledge_messages`;
    expect(row?.n).toBe(kept);
  });

  it("imports the same export as a .zip without changing anything, and stores permalinks' workspace", async () => {
    const zip = zipExport(SAMPLE_EXPORT_DIR);
    const result = await importing(zip, "--workspace-url", "https://artbattle-demo.slack.com/");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(summary("slack-export.zip", { new: 0, updated: 0, unchanged: kept }));
    const urls = await db.sql`select distinct workspace_url from arthur_knowledge_channels`;
    expect(urls).toEqual([{ workspace_url: "https://artbattle-demo.slack.com" }]);
  });

  it("stops at a malformed file with one line naming it, exit code 1, and imports nothing of it", async () => {
    const dir = sampleCopy();
    const victim = sample.messages[0] as (typeof sample.messages)[number];
    const day = JSON.parse(readFileSync(join(dir, victim.file), "utf8")) as object[];
    writeFileSync(join(dir, victim.file), JSON.stringify([{ ...day[0], ts: "yesterday" }, ...day.slice(1)]));
    const [before] = await db.sql`select count(*)::int as n from arthur_knowledge_imports`;

    const result = await importing(dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `arthur: ${victim.file}: message 1, field "ts": must be a Slack timestamp like "1757000000.000200"\n`,
    );
    const [after] = await db.sql`select count(*)::int as n from arthur_knowledge_imports`;
    expect(after?.n).toBe(before?.n);
  });

  it("refuses a path that does not exist, and a malformed --workspace-url, with one line each", async () => {
    const missing = await importing("/no/such/slack-export");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("arthur: no such file or folder: /no/such/slack-export\n");
    const badUrl = await importing(SAMPLE_EXPORT_DIR, "--workspace-url", "artbattle");
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toBe(
      'arthur: --workspace-url must be a URL like https://yourteam.slack.com (got "artbattle")\n',
    );
  });
});
