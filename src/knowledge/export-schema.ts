import { z } from "zod";

/**
 * A problem with the export itself (missing, unreadable, malformed): the message names the file
 * and what is wrong with it, on one line, ready to show to whoever ran the import.
 */
export class SlackExportError extends Error {
  readonly code = "SLACK_EXPORT";
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, " "));
    this.name = "SlackExportError";
  }
}

const slackTs = z
  .string()
  .regex(/^\d{1,10}\.\d{1,6}$/, { message: 'must be a Slack timestamp like "1757000000.000200"' });
const optionalText = z.string().nullish();

// Every object is loose: exports carry many more fields (blocks, reactions, icons…) than Arthur reads.

export const exportChannel = z.looseObject({
  id: z.string().regex(/^[A-Z0-9]{2,}$/, { message: 'must be a Slack channel id like "C05AB0GENRL"' }),
  name: z.string().min(1),
  created: z.number().nullish(),
  is_archived: z.boolean().nullish(),
  topic: z.looseObject({ value: optionalText }).nullish(),
  purpose: z.looseObject({ value: optionalText }).nullish(),
});
export type ExportChannel = z.infer<typeof exportChannel>;

export const exportUser = z.looseObject({
  id: z.string().min(1),
  name: optionalText,
  real_name: optionalText,
  deleted: z.boolean().nullish(),
  is_bot: z.boolean().nullish(),
  profile: z
    .looseObject({
      real_name: optionalText,
      display_name: optionalText,
      email: optionalText,
    })
    .nullish(),
});
export type ExportUser = z.infer<typeof exportUser>;

export const exportMessage = z.looseObject({
  type: z.string(),
  ts: slackTs,
  text: optionalText,
  user: optionalText,
  subtype: optionalText,
  thread_ts: slackTs.nullish(),
  reply_count: z.number().int().nonnegative().nullish(),
  bot_id: optionalText,
  username: optionalText,
  files: z.array(z.looseObject({ name: optionalText, title: optionalText })).nullish(),
  attachments: z
    .array(
      z.looseObject({
        title: optionalText,
        text: optionalText,
        fallback: optionalText,
      }),
    )
    .nullish(),
  user_profile: z
    .looseObject({
      real_name: optionalText,
      display_name: optionalText,
      name: optionalText,
    })
    .nullish(),
});
export type ExportMessage = z.infer<typeof exportMessage>;

export const channelsFile = z.array(exportChannel);
export const usersFile = z.array(exportUser);
export const dayFile = z.array(exportMessage);

const WHAT: Record<string, string> = {
  "channels.json": "channel",
  "users.json": "user",
};

/** Where in a file an issue is, for people: `message 4, field "ts"` (items counted from 1). */
function where(file: string, path: readonly PropertyKey[]): string {
  const [index, ...rest] = path;
  if (typeof index !== "number") return "";
  const item = `${WHAT[file.split("/").at(-1) ?? ""] ?? "message"} ${index + 1}`;
  return rest.length ? `${item}, field "${rest.map(String).join(".")}"` : item;
}

/**
 * Parse one export file's text and check it against `schema`.
 * @throws SlackExportError naming the file, the item and the field, e.g.
 *   `venues/2025-10-08.json: message 4, field "ts": must be a Slack timestamp like …`
 */
export function parseExportFile<T>(file: string, text: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new SlackExportError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue) throw new SlackExportError(`${file}: not in the format of a Slack export`);
  if (issue.path.length === 0) {
    const got = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
    throw new SlackExportError(`${file}: expected a JSON array, got ${got === "object" ? "an object" : got}`);
  }
  throw new SlackExportError(`${file}: ${where(file, issue.path)}: ${issue.message}`);
}
