import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Sql } from "postgres";

/** A value as it may appear in a seeded row; encoded to COPY text format by {@link encodeCopyValue}. */
export type CopyValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | null
  | undefined
  | readonly unknown[]
  | object;

const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeText(text: string): string {
  return text.replace(/[\\\n\r\t]/g, (ch) => ESCAPES[ch] ?? ch);
}

function arrayLiteral(items: readonly unknown[]): string {
  const parts = items.map((item) => {
    if (item === null || item === undefined) return "NULL";
    const text = item instanceof Date ? item.toISOString() : String(item);
    return `"${text.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
  });
  return `{${parts.join(",")}}`;
}

/**
 * Encode one value for PostgreSQL's COPY text format.
 * Arrays become array literals (for text[]/uuid[] columns); plain objects become JSON (for jsonb).
 * To put a JSON array into a jsonb column, pass `json([...])`.
 */
export function encodeCopyValue(value: CopyValue): string {
  if (value === null || value === undefined) return "\\N";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "string") return escapeText(value);
  if (value instanceof JsonValue) return escapeText(JSON.stringify(value.value));
  if (Array.isArray(value)) return escapeText(arrayLiteral(value));
  return escapeText(JSON.stringify(value));
}

/** Wraps a value that must be written as JSON even if it is an array. */
export class JsonValue {
  readonly value: unknown;
  constructor(value: unknown) {
    this.value = value;
  }
}

export function json(value: unknown): JsonValue {
  return new JsonValue(value);
}

const CHUNK_ROWS = 2000;

function* encodeChunks(
  table: string,
  width: number,
  rows: Iterable<readonly CopyValue[]>,
  onRows?: (count: number) => void,
): Generator<string> {
  let buffer: string[] = [];
  for (const row of rows) {
    if (row.length !== width) throw new Error(`${table}: row has ${row.length} values for ${width} columns`);
    buffer.push(`${row.map(encodeCopyValue).join("\t")}\n`);
    if (buffer.length >= CHUNK_ROWS) {
      yield buffer.join("");
      onRows?.(buffer.length);
      buffer = [];
    }
  }
  if (buffer.length > 0) {
    yield buffer.join("");
    onRows?.(buffer.length);
  }
}

/**
 * Stream rows into `table` with COPY FROM STDIN, in chunks so memory stays flat.
 * Returns the number of rows written.
 */
export async function copyRows(
  sql: Sql,
  table: string,
  columns: readonly string[],
  rows: Iterable<readonly CopyValue[]>,
  onRows?: (count: number) => void,
): Promise<number> {
  const [schema, name] = table.includes(".") ? table.split(".") : ["public", table];
  const columnList = columns.map((c) => `"${c}"`).join(", ");
  const copy = sql.unsafe(`COPY "${schema}"."${name}" (${columnList}) FROM STDIN`);
  const serverError = rejectionOf(copy);
  const target = await copy.writable();
  let count = 0;
  const counted = (n: number) => {
    count += n;
    onRows?.(n);
  };
  const streamed = pipeline(Readable.from(encodeChunks(table, columns.length, rows, counted)), target);
  // Whichever settles first wins; the other must not surface later as an unhandled rejection.
  streamed.catch(() => {});
  await Promise.race([streamed, serverError]);
  return count;
}

/**
 * A promise that rejects when the server rejects the COPY.
 *
 * postgres.js 3.4 never settles a COPY writable whose data the server rejects after the last
 * chunk was sent (porsager/postgres#1173): the error only reaches the query's own `reject`,
 * which is ignored because the query already resolved to the stream. Listening there lets the
 * seed fail and its transaction roll back instead of hanging. Drop this once the fix ships.
 */
function rejectionOf(query: object): Promise<never> {
  const hooked = query as { reject?: (error: unknown) => void };
  const original = hooked.reject;
  const rejected = new Promise<never>((_, reject) => {
    hooked.reject = (error: unknown) => {
      reject(error);
      original?.(error);
    };
  });
  rejected.catch(() => {});
  return rejected;
}
