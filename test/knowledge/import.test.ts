import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import {
  ensureSampleKnowledge,
  type ImportProgress,
  importSlackExport,
  SAMPLE_EXPORT_DIR,
  SlackExportError,
} from "../../src/knowledge/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { isChannelEvent, type RawMessage, readSampleExport, sampleCopy, zipExport } from "./sample-export.ts";

const db = useTestDatabase();
const sample = readSampleExport();

/** What the sample should become: every message but channel events, and every author. */
const kept = sample.messages.filter((m) => !isChannelEvent(m));
const skipped = sample.messages.length - kept.length;
const listedUsers = new Set(sample.users.map((u) => u.id));
const authors = new Set(kept.map((m) => m.user ?? m.bot_id).filter((id): id is string => Boolean(id)));
const expectedUsers = listedUsers.size + [...authors].filter((id) => !listedUsers.has(id)).length;

async function counts() {
  const [row] = await db.sql<{ messages: number; channels: number; users: number }[]>`
    select (select count(*)::int from arthur_knowledge_messages) as messages,
           (select count(*)::int from arthur_knowledge_channels) as channels,
           (select count(*)::int from arthur_knowledge_users) as users`;
  return row;
}

async function emptyArchive() {
  await db.sql`truncate arthur_knowledge_messages, arthur_knowledge_channels, arthur_knowledge_users,
               arthur_knowledge_imports`;
}

async function importFails(path: string): Promise<SlackExportError> {
  const error = await importSlackExport(db.sql, path).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof SlackExportError))
    throw new Error(`expected a SlackExportError, got ${String(error)}`);
  return error;
}

describe("importing a Slack export folder", () => {
  beforeEach(emptyArchive);

  it("stores every channel, author and message, and leaves joins out", async () => {
    const progress: ImportProgress[] = [];
    const report = await importSlackExport(db.sql, SAMPLE_EXPORT_DIR, {
      onProgress: (p) => progress.push(p),
    });
    expect(report).toMatchObject({
      source: "slack-export",
      kind: "folder",
      channels: sample.channels.length,
      users: expectedUsers,
      files: sample.dayFiles,
      inserted: kept.length,
      updated: 0,
      unchanged: 0,
      skipped,
    });
    expect(await counts()).toEqual({
      messages: kept.length,
      channels: sample.channels.length,
      users: expectedUsers,
    });
    // Both passes report every day file, ending at the total.
    for (const phase of ["checking", "importing"] as const) {
      const last = progress.filter((p) => p.phase === phase).at(-1);
      expect(last).toMatchObject({ done: sample.dayFiles, total: sample.dayFiles });
    }
    const [run] = await db.sql`select status, source, inserted, skipped from arthur_knowledge_imports`;
    expect(run).toEqual({ status: "completed", source: "slack-export", inserted: kept.length, skipped });
  });

  it("changes nothing when the same export is imported again", async () => {
    await importSlackExport(db.sql, SAMPLE_EXPORT_DIR);
    const first = await counts();
    const again = await importSlackExport(db.sql, SAMPLE_EXPORT_DIR);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: kept.length, skipped });
    expect(await counts()).toEqual(first);
  });

  it("keeps threads, bots and guests: thread ids, reply counts and authors as the export has them", async () => {
    await importSlackExport(db.sql, SAMPLE_EXPORT_DIR);
    const rows = await db.sql<
      {
        channel_id: string;
        ts: string;
        thread_ts: string | null;
        reply_count: number;
        user_id: string | null;
      }[]
    >`
      select channel_id, ts, thread_ts, reply_count, user_id from arthur_knowledge_messages`;
    const byKey = new Map(rows.map((r) => [`${r.channel_id}/${r.ts}`, r]));
    for (const m of kept) {
      expect(byKey.get(`${m.channel_id}/${m.ts}`)).toEqual({
        channel_id: m.channel_id,
        ts: m.ts,
        thread_ts: m.thread_ts ?? null,
        reply_count: m.reply_count ?? 0,
        user_id: m.user ?? m.bot_id ?? null,
      });
    }
  });

  it("stores readable text: mentions, channel links, links and entities resolved", async () => {
    await importSlackExport(db.sql, SAMPLE_EXPORT_DIR);
    const raw = kept.find(
      (m) => /<@U\w+>/.test(m.text ?? "") && /<#C\w+\|/.test(m.text ?? ""),
    ) as RawMessage & {
      channel_id: string;
    };
    expect(raw).toBeDefined();
    const mentioned = sample.users.find((u) => raw.text?.includes(`<@${u.id}>`));
    const [row] = await db.sql<{ text: string }[]>`
      select text from arthur_knowledge_messages where channel_id = ${raw.channel_id} and ts = ${raw.ts}`;
    expect(row?.text).not.toMatch(/<[@#]|&amp;/);
    expect(row?.text).toContain(`@${mentioned?.profile.display_name}`);
    expect(row?.text).toContain(`#${raw.text?.match(/<#C\w+\|([^>]+)>/)?.[1]}`);
    const link = raw.text?.match(/<(https:[^|>]+)\|([^>]+)>/);
    expect(row?.text).toContain(`${link?.[2]} (${link?.[1]})`);
  });

  it("lists file attachments in the text, so a shared file can be found by its title", async () => {
    await importSlackExport(db.sql, SAMPLE_EXPORT_DIR);
    const shared = kept.filter((m) => m.files?.length);
    expect(shared.length).toBeGreaterThan(0);
    for (const m of shared) {
      const [row] = await db.sql<{ text: string }[]>`
        select text from arthur_knowledge_messages where channel_id = ${m.channel_id} and ts = ${m.ts}`;
      for (const f of m.files ?? []) expect(row?.text).toContain(`[file: ${f.title}]`);
    }
  });
});

describe("importing a .zip of the export", () => {
  const zip = zipExport(SAMPLE_EXPORT_DIR);

  it("reads an export zipped inside a top folder, and gives the same rows as the folder", async () => {
    await emptyArchive();
    const fromZip = await importSlackExport(db.sql, zip);
    expect(fromZip).toMatchObject({
      source: "slack-export.zip",
      kind: "zip",
      channels: sample.channels.length,
      inserted: kept.length,
      skipped,
    });
    const fromFolder = await importSlackExport(db.sql, SAMPLE_EXPORT_DIR);
    expect(fromFolder).toMatchObject({ inserted: 0, updated: 0, unchanged: kept.length });
    const again = await importSlackExport(db.sql, zip);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: kept.length });
    expect((await counts())?.messages).toBe(kept.length);
  });

  it("says plainly when the file is not a zip", async () => {
    const dir = sampleCopy();
    const fake = join(dir, "not-really.zip");
    writeFileSync(fake, "this is text, not a zip archive");
    const error = await importFails(fake);
    expect(error.message).toMatch(/^not-really\.zip is not a readable zip file/);
  });
});

describe("re-importing a newer export", () => {
  const dir = sampleCopy();

  it("updates edited messages in place and adds new ones", async () => {
    await emptyArchive();
    await importSlackExport(db.sql, dir);
    const target = kept.find((m) => m.text && !m.thread_ts) as (typeof kept)[number];
    const path = join(dir, target.file);
    const day = JSON.parse(readFileSync(path, "utf8")) as RawMessage[];
    const edited = day.map((m) =>
      m.ts === target.ts ? { ...m, text: `${m.text} (edited: moved to Thursday)` } : m,
    );
    const added = {
      type: "message",
      ts: `${Number(target.ts.split(".")[0]) + 60}.000999`,
      user: target.user,
      text: "One more thing about this.",
    };
    writeFileSync(path, JSON.stringify([...edited, added]));

    const report = await importSlackExport(db.sql, dir);
    expect(report).toMatchObject({ inserted: 1, updated: 1, unchanged: kept.length - 1 });
    const [row] = await db.sql<{ text: string; search_hit: boolean }[]>`
      select text, search @@ websearch_to_tsquery('english', 'moved to Thursday') as search_hit
      from arthur_knowledge_messages where channel_id = ${target.channel_id} and ts = ${target.ts}`;
    expect(row).toEqual({ text: `${target.text} (edited: moved to Thursday)`, search_hit: true });
    expect((await counts())?.messages).toBe(kept.length + 1);
  });
});

describe("a malformed export", () => {
  beforeEach(emptyArchive);

  it("names the file, the message and the field, and writes nothing at all", async () => {
    const dir = sampleCopy();
    // The last channel's last day file: every other file before it is valid and would be importable.
    const victim = sample.messages.at(-1) as (typeof sample.messages)[number];
    const path = join(dir, victim.file);
    const day = JSON.parse(readFileSync(path, "utf8")) as RawMessage[];
    const broken = day.map((m, i) => (i === day.length - 1 ? { ...m, ts: 1757000000 } : m));
    writeFileSync(path, JSON.stringify(broken));

    const error = await importFails(dir);
    expect(error.message).toBe(
      `${victim.file}: message ${day.length}, field "ts": Invalid input: expected string, received number`,
    );
    expect(await counts()).toEqual({ messages: 0, channels: 0, users: 0 });
    const [runs] = await db.sql`select count(*)::int as n from arthur_knowledge_imports`;
    expect(runs?.n).toBe(0);
  });

  it("reports a file that is not JSON", async () => {
    const dir = sampleCopy();
    const file = sample.messages[0]?.file as string;
    writeFileSync(join(dir, file), '[{"type": "message", "ts": ');
    const error = await importFails(dir);
    expect(error.message).toMatch(new RegExp(`^${file}: not valid JSON \\(`));
    expect(error.message).not.toContain("\n");
    expect((await counts())?.messages).toBe(0);
  });

  it("reports a channels.json that is not a list of channels", async () => {
    const dir = sampleCopy();
    writeFileSync(join(dir, "channels.json"), JSON.stringify({ channels: [] }));
    const error = await importFails(dir);
    expect(error.message).toBe("channels.json: expected a JSON array, got an object");
  });

  it("refuses a folder that is not a Slack export, and a path that does not exist", async () => {
    const dir = sampleCopy();
    const empty = join(dir, "empty-folder");
    mkdirSync(empty);
    expect((await importFails(empty)).message).toBe(
      "empty-folder has no channels.json; is it a Slack workspace export?",
    );
    expect((await importFails(join(dir, "nope"))).message).toBe(
      `no such file or folder: ${join(dir, "nope")}`,
    );
  });

  it("skips files and folders that are not part of a channel's history", async () => {
    const dir = sampleCopy();
    mkdirSync(join(dir, "some-dm"));
    writeFileSync(join(dir, "some-dm", "2025-10-01.json"), "not even json");
    writeFileSync(join(dir, sample.channels[0]?.name as string, "notes.txt"), "scratch");
    writeFileSync(join(dir, "canvases.json"), "{}");
    const report = await importSlackExport(db.sql, dir);
    expect(report).toMatchObject({ files: sample.dayFiles, inserted: kept.length });
  });
});

describe("ensureSampleKnowledge", () => {
  it("imports the sample export into an empty archive, and leaves an archive with messages alone", async () => {
    await emptyArchive();
    const first = await ensureSampleKnowledge(db.sql);
    expect(first).toMatchObject({ inserted: kept.length, source: "slack-export" });
    expect(await ensureSampleKnowledge(db.sql)).toBeNull();
    const [runs] = await db.sql`select count(*)::int as n from arthur_knowledge_imports`;
    expect(runs?.n).toBe(1);
  });
});
