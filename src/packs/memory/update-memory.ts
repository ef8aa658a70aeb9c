import { z } from "zod";
import { defineTool, ToolError } from "../../catalog/index.ts";
import {
  appendVersion,
  BUDGET_CHARS,
  charCount,
  HARD_CAP_CHARS,
  lockHead,
  oneLine,
  parseSections,
  ROLES_ALL,
  resolveScope,
  type ScopeType,
  scopeArgs,
  scopeLabel,
  thousands,
} from "./shared.ts";

const noNul = (s: string) => !s.includes("\u0000");

const input = z.strictObject({
  ...scopeArgs,
  content_md: z
    .string()
    .trim()
    .min(1)
    .max(HARD_CAP_CHARS)
    .refine(noNul, { message: "must not contain NUL characters" })
    .describe(
      "The whole new memory as markdown (it replaces the current version): `## ` section headings with one " +
        "`- ` bullet per fact. At most 2,200 characters for a channel, 500 for a tool.",
    ),
  change_summary: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine(noNul, { message: "must not contain NUL characters" })
    .optional()
    .describe("One line on what changed and why"),
});

export interface UpdateMemoryResult {
  scope_type: ScopeType;
  scope_id: string;
  version: number;
  version_id: string;
  /** The version this one replaced (0 for the first). */
  previous_version: number;
  parent_version_id: string | null;
  content_chars: number;
  budget_chars: number;
  /** Bullet count per parsed section. */
  sections: Record<string, number>;
  change_summary: string | null;
  created_by: string;
  created_at: string;
}

export const updateMemory = defineTool({
  name: "update_memory",
  domain: "memory",
  title: "Save channel or tool memory",
  description:
    "Replace the notes of one scope with new markdown, saved as a new version (older versions are kept and can " +
    "be restored with rollback_memory). Send the complete memory, not a diff: `## ` headings with `- ` bullets " +
    "of lasting facts (no one-off numbers). Budgets: 2,200 characters for a channel, 500 for a tool; longer " +
    "content is refused. Callers other than ops can only save the memory of the channel they are in; only ops " +
    "can save tool memory.",
  input,
  policy: { roles: ROLES_ALL, risk: "medium", writes: true, maxCallsPerRequest: 2 },
  async handler(args, { sql, caller }): Promise<UpdateMemoryResult> {
    const scope = resolveScope(args, caller, "write");
    const content = args.content_md.replace(/\r\n?/g, "\n");
    // Summaries appear in version lists and headers: kept to one line.
    const summary = args.change_summary ? oneLine(args.change_summary, 200) : null;
    const chars = charCount(content);
    const budget = BUDGET_CHARS[scope.type];
    if (chars > budget) {
      throw new ToolError(
        "INVALID_ARGUMENT",
        `${scopeLabel(scope)} is limited to ${thousands(budget)} characters; this content has ` +
          `${thousands(chars)} (${thousands(chars - budget)} over). Shorten it and save again.`,
        { budget_chars: budget, content_chars: chars },
      );
    }
    const contentJson = parseSections(content);
    const head = await lockHead(sql, scope, true);
    if (!head) throw new ToolError("INTERNAL", "The memory head could not be locked");
    const written = await appendVersion(
      sql,
      scope,
      head,
      {
        content_md: content,
        content_json: contentJson,
        change_summary: summary,
        parent_version_id: head.current_id,
        rollback_from_version_id: null,
      },
      caller,
    );
    return {
      scope_type: scope.type,
      scope_id: scope.id,
      version: written.version_no,
      version_id: written.id,
      previous_version: head.current_version,
      parent_version_id: head.current_id,
      content_chars: written.content_chars,
      budget_chars: budget,
      sections: Object.fromEntries(Object.entries(contentJson).map(([k, v]) => [k, v.length])),
      change_summary: summary,
      created_by: caller.userId,
      created_at: written.created_at,
    };
  },
  format(r) {
    const sections = Object.entries(r.sections)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
    return (
      `Saved ${scopeLabel({ type: r.scope_type, id: r.scope_id })} as v${r.version} (replacing ` +
      `v${r.previous_version}), ${thousands(r.content_chars)} / ${thousands(r.budget_chars)} characters` +
      (sections ? `; bullets per section: ${sections}` : "; no `## ` sections found")
    );
  },
});
