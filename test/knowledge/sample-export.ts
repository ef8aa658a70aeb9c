import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { zipSync } from "fflate";
import { afterAll } from "vitest";
import { SAMPLE_EXPORT_DIR } from "../../src/knowledge/index.ts";

/** One message of the sample export, as the JSON files hold it (read directly, not through Arthur). */
export interface RawMessage {
  type: string;
  ts: string;
  text?: string;
  user?: string;
  subtype?: string;
  thread_ts?: string;
  bot_id?: string;
  username?: string;
  reply_count?: number;
  files?: { title?: string; name?: string }[];
  user_profile?: { display_name?: string; real_name?: string; name?: string };
}

export interface RawExport {
  channels: { id: string; name: string }[];
  users: {
    id: string;
    name: string;
    real_name: string;
    profile: { display_name: string; real_name: string };
  }[];
  /** Every message with its channel and day file. */
  messages: (RawMessage & { channel: string; channel_id: string; file: string })[];
  dayFiles: number;
}

const json = (path: string) => JSON.parse(readFileSync(path, "utf8"));

/** The sample export (demo/slack-export/) read straight from its files. */
export function readSampleExport(dir = SAMPLE_EXPORT_DIR): RawExport {
  const channels = json(join(dir, "channels.json")) as RawExport["channels"];
  const users = json(join(dir, "users.json")) as RawExport["users"];
  const messages: RawExport["messages"] = [];
  let dayFiles = 0;
  for (const channel of channels) {
    for (const file of readdirSync(join(dir, channel.name)).sort()) {
      dayFiles++;
      for (const m of json(join(dir, channel.name, file)) as RawMessage[]) {
        messages.push({
          ...m,
          channel: channel.name,
          channel_id: channel.id,
          file: `${channel.name}/${file}`,
        });
      }
    }
  }
  return { channels, users, messages, dayFiles };
}

/** A temporary copy of the sample export to alter; removed after the file's tests. */
export function sampleCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "arthur-slack-export-"));
  cpSync(SAMPLE_EXPORT_DIR, dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Zip an export folder the way people zip one by hand: everything inside one top folder. */
export function zipExport(
  dir: string,
  topFolder = "Art Battle Slack export Sep 1 2025 - Dec 31 2025",
): string {
  const files: Record<string, Uint8Array> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files[`${topFolder}/${relative(dir, full).split("\\").join("/")}`] = readFileSync(full);
  }
  const out = mkdtempSync(join(tmpdir(), "arthur-slack-zip-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const path = join(out, "slack-export.zip");
  writeFileSync(path, zipSync(files));
  return path;
}

/** Channel events the sample export contains, which the archive leaves out. */
export const isChannelEvent = (m: RawMessage) => m.subtype === "channel_join";
