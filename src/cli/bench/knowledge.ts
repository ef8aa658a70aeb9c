import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ToolContext } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { createSql, migrateArthur, openDatabase, withDatabaseName } from "../../db/index.ts";
import { unconfiguredEdgeFunctions } from "../../edge/index.ts";
import { PgImageStore } from "../../gateway/index.ts";
import { type ImportReport, importSlackExport, SAMPLE_EXPORT_DIR } from "../../knowledge/index.ts";
import { getSlackKnowledgeStats, searchSlackKnowledge } from "../../packs/slack-knowledge/index.ts";
import { loadRuntime } from "../runtime.ts";
import { type Percentiles, percentiles } from "./percentiles.ts";

const BENCH_DATABASE = "arthur_bench_knowledge";

// ---------------------------------------------------------------------------------------------------
// A realistic archive from the sample export (demo/slack-export/), scaled up deterministically.
//
// Copy k of the sample goes to channel group k % GROUPS (group 0 is the sample's own channels and
// people; group g > 0 clones them as "#venues-london", with people of its own), to one of PERIODS
// 17-week periods going back from the sample's (so the archive spans about three years), and, once
// every group and period has a copy, to further "layers" spread over the same period (busier days).
// Copy 0 is the sample verbatim; every other copy varies its words: event ids (AB4001–AB9999),
// venues, artists, amounts, head counts, dates in the text, and an occasional opening or closing
// phrase. Threads, bots, guests, joins and file shares are kept as the sample has them.

/** Channel groups: 8 × the sample's 5 channels = 40 channels. */
const GROUPS = 8;
/** Periods of 119 days (17 weeks, so weekdays stay weekdays): 9 go back about three years. */
const PERIODS = 9;
const PERIOD_SECONDS = 119 * 86_400;
const REGIONS = ["london", "berlin", "sydney", "chicago", "austin", "seattle", "boston"];
const FIRST_NAMES = [
  "Alina",
  "Bruno",
  "Carmen",
  "Dmitri",
  "Esther",
  "Farid",
  "Greta",
  "Hugo",
  "Ines",
  "Jonas",
  "Keiko",
  "Lars",
  "Marta",
  "Nikhil",
  "Olga",
  "Pablo",
  "Quinn",
  "Rosa",
  "Stefan",
  "Talia",
  "Umar",
  "Vera",
  "Wes",
  "Yara",
];
const LAST_NAMES = [
  "Abbott",
  "Brandt",
  "Castillo",
  "Duarte",
  "Eklund",
  "Fischer",
  "Gallo",
  "Haddad",
  "Ivanova",
  "Jansen",
  "Kowalski",
  "Lindqvist",
  "Moreau",
  "Nakamura",
  "Osei",
  "Petrov",
  "Quintero",
  "Rahman",
  "Sato",
  "Thorne",
];
/** The sample's venues (scripts/generate-slack-export.ts), then invented ones for the copies. */
const VENUES = [
  "The Drake Underground",
  "Lee's Palace",
  "The Great Hall",
  "Le Belmont",
  "Studio TD",
  "La Sala Rossa",
  "The Chapel",
  "Brick & Mortar Music Hall",
  "Brooklyn Bazaar",
  "Le Poisson Rouge",
  "The Imperial",
  "Fox Cabaret",
  "The Copper Door",
  "Harbour Loft",
  "Maple Street Hall",
  "Union Gallery",
  "Northside Warehouse",
  "The Linden Room",
  "Riverside Studios",
  "The Glasshouse",
  "Old Mill Ballroom",
  "Canal Street Arts Club",
  "The Boiler Room",
  "Granite Hall",
  "Westbank Pavilion",
  "The Lantern",
  "Foundry 88",
  "Kestrel Hall",
];
const SAMPLE_VENUES = 12;
/** The sample's artists, then invented ones. */
const ARTISTS = [
  "Imogen Hart",
  "Kofi Mensah",
  "Sofia Alvarez",
  "Noah Leblanc",
  "Mei Tanaka",
  "Oskar Lind",
  "Amara Diallo",
  "Ravi Sharma",
  "Chloe Dubois",
  "Mateo Rossi",
  "Hana Kim",
  "Elias Novak",
  "Lucia Ferraro",
  "Tariq Bello",
  "Freya Holm",
  "Diego Marin",
  "Anya Volkova",
  "Samir Khoury",
  "Nadia Petrenko",
  "Jasper Quinn",
  "Leila Haddad",
  "Tobias Wren",
  "Ingrid Solberg",
  "Kenji Mori",
];
const SAMPLE_ARTISTS = 12;
const OPENINGS = ["Quick update: ", "FYI ", "Heads up: ", "Update: ", "For the record: "];
const CLOSINGS = [
  " Thanks!",
  " Will follow up tomorrow.",
  " Ping me if anything changes.",
  " Notes are in the tracker.",
  " More in the thread.",
  " Let me know if you need anything else.",
];

type Raw = Record<string, unknown>;

interface SampleMessage {
  raw: Raw;
  /** Position in the whole sample by time, so the last copy can stop part-way. */
  order: number;
}

interface SampleChannel {
  raw: Raw;
  id: string;
  name: string;
  messages: SampleMessage[];
}

/** A small seeded generator (mulberry32): the same export for the same size, every time. */
function seeded(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

function readSample(): { channels: SampleChannel[]; users: Raw[]; messages: number } {
  const channels = (readJson(join(SAMPLE_EXPORT_DIR, "channels.json")) as Raw[]).map(
    (raw): SampleChannel => ({ raw, id: String(raw.id), name: String(raw.name), messages: [] }),
  );
  const users = readJson(join(SAMPLE_EXPORT_DIR, "users.json")) as Raw[];
  const all: SampleMessage[] = [];
  for (const channel of channels) {
    const folder = join(SAMPLE_EXPORT_DIR, channel.name);
    for (const file of readdirSync(folder).sort()) {
      if (!/^\d{4}-\d{2}-\d{2}\.json$/.test(file)) continue;
      for (const raw of readJson(join(folder, file)) as Raw[]) {
        const message = { raw, order: 0 };
        channel.messages.push(message);
        all.push(message);
      }
    }
  }
  all.sort((a, b) => Number(a.raw.ts) - Number(b.raw.ts));
  all.forEach((m, i) => {
    m.order = i;
  });
  return { channels, users, messages: all.length };
}

/** Group g's copy of a user or channel id: "U05AB0MARIA" → "UG305AB0MARIA". */
const groupId = (id: string, g: number) => (g === 0 ? id : `${id[0]}G${g}${id.slice(1)}`);
const groupChannelName = (name: string, g: number) => (g === 0 ? name : `${name}-${REGIONS[g - 1]}`);

interface Persona {
  name: string;
  real_name: string;
  display_name: string;
  first_name: string;
  last_name: string;
}

/** Group g's person in the place of the sample's person number `i`. */
function persona(i: number, g: number): Persona {
  const first = FIRST_NAMES[(i * 7 + g * 11) % FIRST_NAMES.length] as string;
  const last = LAST_NAMES[(i * 3 + g * 7) % LAST_NAMES.length] as string;
  const display = i % 3 === 0 ? first : i % 3 === 1 ? `${first} ${last[0]}` : first.toLowerCase();
  return {
    name: `${first}.${last}`.toLowerCase(),
    real_name: `${first} ${last}`,
    display_name: display,
    first_name: first,
    last_name: last,
  };
}

const shiftTs = (ts: unknown, seconds: number): unknown => {
  if (typeof ts !== "string") return ts;
  const dot = ts.indexOf(".");
  return `${Number(ts.slice(0, dot)) + seconds}${ts.slice(dot)}`;
};

/** The event number copy k uses in place of the sample's: 4001–4030 become 30 others of 4001–9999. */
const eventNumber = (n: number, k: number) => 4001 + ((((n - 4001 + 30 * k) % 5999) + 5999) % 5999);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const VENUE_PATTERN = new RegExp(VENUES.slice(0, SAMPLE_VENUES).map(escapeRegExp).join("|"), "g");
const ARTIST_PATTERN = new RegExp(ARTISTS.slice(0, SAMPLE_ARTISTS).map(escapeRegExp).join("|"), "g");

function money(value: number): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Copy k's wording of a sample message's text. */
function varyText(text: string, k: number, daysShift: number, random: () => number): string {
  const scale = () => 0.7 + random() * 0.6;
  let out = text
    .replace(/\bAB(\d{4})\b/g, (_, n: string) => `AB${eventNumber(Number(n), k)}`)
    .replace(VENUE_PATTERN, (v) => VENUES[(VENUES.indexOf(v) + 5 * k) % VENUES.length] as string)
    .replace(ARTIST_PATTERN, (a) => ARTISTS[(ARTISTS.indexOf(a) + 7 * k) % ARTISTS.length] as string)
    .replace(/\b\d{4}-\d{2}-\d{2}\b/g, (d) =>
      new Date(Date.parse(`${d}T00:00:00Z`) + daysShift * 86_400_000).toISOString().slice(0, 10),
    )
    .replace(/\b\d{1,3}(?:,\d{3})*\.\d{2}\b/g, (amount) =>
      money(Math.round(Number(amount.replaceAll(",", "")) * scale() * 4) / 4),
    )
    .replace(
      /\b(\d{2,4}) (people|attendees|votes)\b/g,
      (_, n: string, what: string) => `${Math.max(12, Math.round(Number(n) * scale()))} ${what}`,
    );
  if (random() < 0.12) out = `${OPENINGS[Math.floor(random() * OPENINGS.length)]}${out}`;
  if (random() < 0.2) out = `${out}${CLOSINGS[Math.floor(random() * CLOSINGS.length)]}`;
  return out;
}

export interface GeneratedExport {
  /** Messages in the day files (joins and other skipped events included). */
  messages: number;
  channels: number;
  users: number;
  dayFiles: number;
  bytes: number;
  firstDate: string;
  lastDate: string;
  /** Copies whose timestamp fell on another message's in the same channel (left out). */
  collisions: number;
}

/**
 * Write a Slack export of `messages` messages (exactly, less rare timestamp collisions) into `dir`,
 * scaled up from the sample export as described above.
 */
export function generateSlackExport(dir: string, messages: number): GeneratedExport {
  const sample = readSample();
  const copies = Math.max(1, Math.ceil(messages / sample.messages));
  /** Messages of the last copy: those of the sample's first `lastCopyMessages` by time. */
  const lastCopyMessages = messages - (copies - 1) * sample.messages;
  const groups = Math.min(GROUPS, copies);
  const layers = Math.ceil(copies / (GROUPS * PERIODS));
  const layerSeconds = layers > 1 ? Math.floor(PERIOD_SECONDS / layers) + 3_607 : 0;
  const shiftOf = (k: number) =>
    -(Math.floor(k / GROUPS) % PERIODS) * PERIOD_SECONDS - Math.floor(k / (GROUPS * PERIODS)) * layerSeconds;

  const knownIds = [
    ...sample.users.map((u) => String(u.id)),
    ...sample.channels.map((c) => c.id),
    ...sample.channels.flatMap((c) => c.messages.map((m) => m.raw.user)),
  ].filter((id): id is string => typeof id === "string" && id.length > 0);
  const idPattern = new RegExp(`\\b(${[...new Set(knownIds)].map(escapeRegExp).join("|")})\\b`, "g");
  // People numbered as in users.json; authors met only in messages (guests) after them.
  const personIndex = new Map(sample.users.map((u, i) => [String(u.id), i]));
  for (const c of sample.channels) {
    for (const m of c.messages) {
      const id = m.raw.user;
      if (typeof id === "string" && !personIndex.has(id)) personIndex.set(id, personIndex.size);
    }
  }
  const personOf = (groupUserId: string, g: number): Persona | null => {
    const original = groupUserId.replace(`G${g}`, "");
    const i = personIndex.get(original);
    return i === undefined ? null : persona(i, g);
  };

  let total = 0;
  let dayFiles = 0;
  let bytes = 0;
  let collisions = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  const channelsOut: Raw[] = [];
  for (let g = 0; g < groups; g++) {
    for (const channel of sample.channels) {
      const name = groupChannelName(channel.name, g);
      const days = new Map<string, Raw[]>();
      const seen = new Set<string>();
      let earliest = Number.POSITIVE_INFINITY;
      for (let k = g; k < copies; k += GROUPS) {
        const shift = shiftOf(k);
        const daysShift = Math.round(shift / 86_400);
        for (const m of channel.messages) {
          if (k === copies - 1 && m.order >= lastCopyMessages) continue;
          const copy = (
            g === 0
              ? structuredClone(m.raw)
              : JSON.parse(JSON.stringify(m.raw).replace(idPattern, (id) => groupId(id, g)))
          ) as Raw;
          copy.ts = shiftTs(copy.ts, shift);
          const ts = String(copy.ts);
          if (seen.has(ts)) {
            collisions++;
            continue;
          }
          seen.add(ts);
          if ("thread_ts" in copy) copy.thread_ts = shiftTs(copy.thread_ts, shift);
          if ("latest_reply" in copy) copy.latest_reply = shiftTs(copy.latest_reply, shift);
          if (Array.isArray(copy.replies)) {
            copy.replies = (copy.replies as Raw[]).map((r) => ({ ...r, ts: shiftTs(r.ts, shift) }));
          }
          if (k > 0 && typeof copy.text === "string" && copy.subtype !== "channel_join") {
            copy.text = varyText(copy.text, k, daysShift, seeded(k * 1_000_003 + m.order));
          }
          if (
            g > 0 &&
            typeof copy.user === "string" &&
            copy.subtype !== "bot_message" &&
            copy.user_profile &&
            typeof copy.user_profile === "object"
          ) {
            const who = personOf(copy.user, g);
            if (who) copy.user_profile = { ...(copy.user_profile as Raw), ...who };
          }
          const seconds = Number(ts.slice(0, ts.indexOf(".")));
          earliest = Math.min(earliest, seconds);
          first = Math.min(first, seconds);
          last = Math.max(last, seconds);
          const day = new Date(seconds * 1000).toISOString().slice(0, 10);
          const list = days.get(day);
          if (list) list.push(copy);
          else days.set(day, [copy]);
          total++;
        }
      }
      mkdirSync(join(dir, name), { recursive: true });
      for (const [day, list] of days) {
        list.sort((a, b) => Number(a.ts) - Number(b.ts));
        // Slack writes its exports with four-space indentation.
        const text = JSON.stringify(list, null, 4);
        writeFileSync(join(dir, name, `${day}.json`), text);
        bytes += Buffer.byteLength(text);
        dayFiles++;
      }
      const raw = g === 0 ? channel.raw : { ...channel.raw, id: groupId(channel.id, g), name };
      const created = Number.isFinite(earliest) ? earliest - 86_400 : Number(raw.created ?? 0);
      channelsOut.push({
        ...(JSON.parse(JSON.stringify(raw).replace(idPattern, (id) => groupId(id, g))) as Raw),
        created: Math.min(Number(raw.created ?? created), created),
      });
    }
  }
  const usersOut: Raw[] = [];
  for (let g = 0; g < groups; g++) {
    sample.users.forEach((user, i) => {
      if (g === 0) {
        usersOut.push(user);
        return;
      }
      const who = persona(i, g);
      const profile = (user.profile ?? {}) as Raw;
      const bot = user.is_bot === true;
      const region = REGIONS[g - 1] ?? String(g);
      usersOut.push({
        ...user,
        id: groupId(String(user.id), g),
        name: bot ? `${String(user.name)}-${region}` : who.name,
        real_name: bot ? `${String(user.real_name)} (${region})` : who.real_name,
        profile: bot
          ? { ...profile, real_name: `${String(profile.real_name)} (${region})` }
          : { ...profile, ...who, email: `${who.name}@artbattle.example` },
      });
    });
  }
  for (const [file, value] of [
    ["channels.json", channelsOut],
    ["users.json", usersOut],
  ] as const) {
    const text = JSON.stringify(value, null, 4);
    writeFileSync(join(dir, file), text);
    bytes += Buffer.byteLength(text);
  }
  const date = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
  return {
    messages: total,
    channels: channelsOut.length,
    users: usersOut.length,
    dayFiles,
    bytes,
    firstDate: date(first),
    lastDate: date(last),
    collisions,
  };
}

// ---------------------------------------------------------------------------------------------------
// Measurements.

export interface ImportTiming {
  label: string;
  seconds: number;
  /** Export messages read (kept or skipped) per second. */
  messagesPerSecond: number;
  inserted: number;
  updated: number;
  unchanged: number;
  skipped: number;
}

export interface SearchTiming extends Percentiles {
  kind: string;
  args: Record<string, unknown>;
  /** Results of the last call. */
  hits: number;
  errors: number;
  firstError: string | null;
}

export interface KnowledgeMeasurements {
  export: GeneratedExport & { seconds: number };
  imports: ImportTiming[];
  vacuumAnalyzeSeconds: number;
  archive: {
    rows: number;
    tableMb: number;
    indexMb: number;
    indexes: { name: string; mb: number }[];
  };
  via: string;
  searches: SearchTiming[];
  stats: Percentiles & { errors: number };
  postgres: string;
}

export interface KnowledgeBenchResult extends KnowledgeMeasurements {
  suite: "knowledge";
  /** --messages: the export's size. */
  requestedMessages: number;
  node: string;
  at: string;
}

/**
 * Time `body` `runs` times after a short warm-up, or for as long as `budgetMs` allows (at least 20
 * calls), so one slow query kind cannot hold the whole bench for minutes. Failures are counted.
 */
async function time(
  runs: number,
  budgetMs: number,
  body: () => Promise<number>,
): Promise<Percentiles & { hits: number; errors: number; firstError: string | null }> {
  let hits = 0;
  let errors = 0;
  let firstError: string | null = null;
  const once = async () => {
    try {
      hits = await body();
    } catch (error) {
      errors++;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
  };
  for (let i = 0; i < Math.min(5, runs); i++) await once();
  const samples: number[] = [];
  const until = performance.now() + budgetMs;
  for (let i = 0; i < runs && (i < 20 || performance.now() < until); i++) {
    const started = performance.now();
    await once();
    samples.push(performance.now() - started);
  }
  return { ...percentiles(samples), hits, errors, firstError };
}

/** The query mix: what people ask the archive, aimed at the sample's messages (copy 0). */
function queryMix(exported: GeneratedExport): { kind: string; args: Record<string, unknown> }[] {
  // A month in the middle of the archive.
  const middle = (Date.parse(exported.firstDate) + Date.parse(exported.lastDate)) / 2;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return [
    { kind: "exact phrase", args: { query: '"kept cutting out during round two"' } },
    {
      kind: "exact phrase, no thread ctx",
      args: { query: '"kept cutting out during round two"', include_thread_context: false },
    },
    { kind: "misspelt word (trigram)", args: { query: "projecter" } },
    { kind: "event id", args: { query: "AB4006" } },
    { kind: "event id, no thread ctx", args: { query: "AB4006", include_thread_context: false } },
    { kind: "event id + channel", args: { query: "AB4006", channel: "venues" } },
    { kind: "common word", args: { query: "auction" } },
    {
      kind: "date range (30 days)",
      args: {
        query: "auction",
        start_date: day(middle - 15 * 86_400_000),
        end_date: day(middle + 15 * 86_400_000),
      },
    },
    { kind: "user filter", args: { query: "payout", user: "priya" } },
    {
      kind: "long question",
      args: {
        query:
          "How did we fix the projector that kept cutting out during round two of the Toronto show, and was " +
          "the long HDMI cable faulty?",
      },
    },
    { kind: "no match", args: { query: "xylophone quokka marzipan" } },
  ];
}

export interface MeasureOptions {
  messages: number;
  /** Calls per query kind (after 5 warm-up calls). */
  runs?: number;
  /** Most time per query kind, in ms; at least 20 calls are made. */
  budgetMs?: number;
  /** The gateway's statement timeout for tools (TOOL_TIMEOUT_MS). */
  toolTimeoutMs: number;
  rowCap: number;
  log?: (line: string) => void;
}

/**
 * Reset the archive in the database at `url` (migrated here), generate an export of
 * `options.messages` messages, import it twice, settle the tables, and time the two tools.
 */
export async function measureKnowledge(url: string, options: MeasureOptions): Promise<KnowledgeMeasurements> {
  const log = options.log ?? (() => {});
  const runs = options.runs ?? 200;
  const budgetMs = options.budgetMs ?? 30_000;
  const sql = createSql(url, { maxConnections: 2, applicationName: "arthur-bench" });
  // As the gateway runs read tools: a pool whose transactions are read-only, with the tool timeout.
  const toolSql = createSql(url, {
    maxConnections: 2,
    applicationName: "arthur-bench-tools",
    statementTimeoutMs: options.toolTimeoutMs,
    readOnlyByDefault: true,
  });
  const dir = mkdtempSync(join(tmpdir(), "arthur-bench-knowledge-"));
  try {
    await migrateArthur(sql);
    await sql`truncate arthur_knowledge_messages, arthur_knowledge_users, arthur_knowledge_channels,
                       arthur_knowledge_imports`;

    log(`generating a Slack export of ${options.messages.toLocaleString("en-US")} messages…`);
    let started = performance.now();
    const exported = generateSlackExport(dir, options.messages);
    const generatedSeconds = (performance.now() - started) / 1000;

    const imports: ImportTiming[] = [];
    const timed = (label: string, report: ImportReport): ImportTiming => {
      const seconds = report.durationMs / 1000;
      return {
        label,
        seconds: Number(seconds.toFixed(2)),
        messagesPerSecond: Math.round(exported.messages / seconds),
        inserted: report.inserted,
        updated: report.updated,
        unchanged: report.unchanged,
        skipped: report.skipped,
      };
    };
    log("importing it into an empty archive…");
    imports.push(timed("first import (empty archive)", await importSlackExport(sql, dir)));
    log("importing it again (nothing changes)…");
    imports.push(timed("re-import (same export)", await importSlackExport(sql, dir)));

    // What autovacuum would do soon after a big import (statistics, visibility map, GIN pending
    // lists), done now so it does not run during the measurements.
    started = performance.now();
    await sql`vacuum (analyze) arthur_knowledge_messages, arthur_knowledge_channels, arthur_knowledge_users,
                               arthur_knowledge_imports`;
    const vacuumAnalyzeSeconds = Number(((performance.now() - started) / 1000).toFixed(2));

    const [size] = await sql<{ rows: number; table_bytes: string; index_bytes: string }[]>`
      select (select count(*)::int from arthur_knowledge_messages) as rows,
             pg_table_size('arthur_knowledge_messages') as table_bytes,
             pg_indexes_size('arthur_knowledge_messages') as index_bytes`;
    const indexes = await sql<{ name: string; bytes: string }[]>`
      select indexrelname as name, pg_relation_size(indexrelid) as bytes
      from pg_stat_user_indexes where relname = 'arthur_knowledge_messages'
      order by pg_relation_size(indexrelid) desc`;
    const mb = (bytes: string | undefined) => Number((Number(bytes ?? 0) / 2 ** 20).toFixed(1));

    const context: ToolContext = {
      sql: toolSql,
      caller: {
        userId: "bench",
        role: "ops",
        teamId: null,
        channelId: null,
        sessionId: null,
        via: "internal",
      },
      rowCap: options.rowCap,
      edge: unconfiguredEdgeFunctions,
      idempotencyKey: null,
      eventbrite: null,
      images: new PgImageStore(sql, () => "http://127.0.0.1"),
      record: (work) => sql.begin((tx) => work(tx as unknown as Sql)) as never,
    };
    const searches: SearchTiming[] = [];
    for (const { kind, args } of queryMix(exported)) {
      log(`timing search_slack_knowledge: ${kind}…`);
      const parsed = searchSlackKnowledge.input.parse(args);
      const result = await time(runs, budgetMs, async () => {
        const outcome = await searchSlackKnowledge.handler(parsed, context);
        return outcome.count;
      });
      searches.push({ kind, args, ...result });
    }
    log("timing get_slack_knowledge_stats…");
    const statsArgs = getSlackKnowledgeStats.input.parse({});
    const stats = await time(runs, budgetMs, async () => {
      const outcome = await getSlackKnowledgeStats.handler(statsArgs, context);
      return outcome.messages;
    });

    const [version] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
    return {
      export: { ...exported, seconds: Number(generatedSeconds.toFixed(2)) },
      imports,
      vacuumAnalyzeSeconds,
      archive: {
        rows: size?.rows ?? 0,
        tableMb: mb(size?.table_bytes),
        indexMb: mb(size?.index_bytes),
        indexes: indexes.map((i) => ({ name: i.name, mb: mb(i.bytes) })),
      },
      via:
        "tool handlers (search_slack_knowledge, get_slack_knowledge_stats) on a read-only pool with the " +
        "tool statement timeout, as the gateway runs read tools; no HTTP, policy or audit",
      searches,
      stats: {
        calls: stats.calls,
        p50: stats.p50,
        p95: stats.p95,
        p99: stats.p99,
        errors: stats.errors,
      },
      postgres: version?.v ?? "unknown",
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await toolSql.end();
    await sql.end();
  }
}

/**
 * Import a synthetic Slack export of `options.messages` messages into the bench database (kept
 * between runs, its archive emptied first), import it again, and time search and statistics.
 */
export async function benchKnowledge(options: { messages: number }): Promise<KnowledgeBenchResult> {
  const rt = loadRuntime();
  const db = await openDatabase(rt.config, rt.logger);
  try {
    const [exists] = await db.sql`select 1 as x from pg_database where datname = ${BENCH_DATABASE}`;
    if (!exists) await db.sql.unsafe(`create database "${BENCH_DATABASE}"`);
    const measured = await measureKnowledge(withDatabaseName(db.url, BENCH_DATABASE), {
      messages: options.messages,
      toolTimeoutMs: rt.config.tools.timeoutMs,
      rowCap: rt.config.tools.rowCap,
      log: (line) => console.error(line),
    });
    return {
      suite: "knowledge",
      requestedMessages: options.messages,
      ...measured,
      node: process.versions.node,
      at: new Date().toISOString(),
    };
  } finally {
    await db.close();
  }
}

const fmt = (n: number) => n.toLocaleString("en-US");

export function printKnowledgeTable(result: KnowledgeBenchResult): void {
  const e = result.export;
  console.log(
    `\nknowledge benchmark — ${fmt(result.requestedMessages)} messages, PostgreSQL ${result.postgres}, Node ${result.node}`,
  );
  console.log(
    `export: ${fmt(e.messages)} messages in ${e.channels} channels, ${e.users} users, ${fmt(e.dayFiles)} day files, ` +
      `${(e.bytes / 2 ** 20).toFixed(1)} MB, ${e.firstDate} to ${e.lastDate}; generated in ${e.seconds.toFixed(1)} s`,
  );
  console.log(
    `\n${"importSlackExport".padEnd(30)} ${"seconds".padStart(8)} ${"msgs/s".padStart(8)} ${"new".padStart(8)} ${"updated".padStart(8)} ${"same".padStart(8)} ${"skipped".padStart(8)}`,
  );
  for (const i of result.imports) {
    console.log(
      `${i.label.padEnd(30)} ${i.seconds.toFixed(2).padStart(8)} ${String(i.messagesPerSecond).padStart(8)} ${String(i.inserted).padStart(8)} ${String(i.updated).padStart(8)} ${String(i.unchanged).padStart(8)} ${String(i.skipped).padStart(8)}`,
    );
  }
  const a = result.archive;
  console.log(
    `vacuum analyze ${result.vacuumAnalyzeSeconds.toFixed(2)} s; ${fmt(a.rows)} rows, table ${a.tableMb} MB, ` +
      `indexes ${a.indexMb} MB (${a.indexes.map((i) => `${i.name.replace("idx_arthur_knowledge_messages_", "")} ${i.mb}`).join(", ")})`,
  );
  const row = (label: string, p: Percentiles, hits: string, errors: number) =>
    `${label.padEnd(30)} ${String(p.calls).padStart(6)} ${hits.padStart(5)} ${p.p50.toFixed(2).padStart(8)} ${p.p95.toFixed(2).padStart(8)} ${p.p99.toFixed(2).padStart(8)} ${String(errors).padStart(7)}`;
  console.log(
    `\n${"search_slack_knowledge".padEnd(30)} ${"calls".padStart(6)} ${"hits".padStart(5)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"errors".padStart(7)}`,
  );
  for (const s of result.searches) console.log(row(s.kind, s, String(s.hits), s.errors));
  console.log(row("get_slack_knowledge_stats", result.stats, "", result.stats.errors));
  for (const s of result.searches.filter((x) => x.firstError)) console.log(`${s.kind}: ${s.firstError}`);
  console.log(`(${result.via})`);
}
