import { z } from "zod";
import { ROLES } from "../../catalog/index.ts";

/** The most earlier turns one question carries; the page sends only the latest ones. */
export const MAX_CONTEXT_TURNS = 20;
export const MAX_MESSAGE_CHARS = 4000;

/** A missing field says so; a present one of the wrong kind says what it must be. */
const want = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : what),
});

const user = z
  .string(want("must be a string"))
  .trim()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(/^[A-Za-z0-9._@-]+$/, "may contain only letters, digits, '.', '_', '@' and '-'");

const role = z.enum(ROLES, want(`must be one of ${ROLES.join(", ")}`));

/** Who the console acts as: any user and role, which is why the console is a token-guarded dev tool. */
export const actingAs = z.strictObject(
  { user, role },
  { error: 'the body must be a JSON object: {"user", "role"}' },
);

export const askBody = z.strictObject(
  {
    user,
    role,
    message: z
      .string(want("must be a string"))
      .trim()
      .min(1, "must not be empty")
      .max(MAX_MESSAGE_CHARS, `must be at most ${MAX_MESSAGE_CHARS} characters`),
    context: z
      .array(
        z.strictObject({
          role: z.enum(["user", "assistant"], want("must be user or assistant")),
          content: z
            .string(want("must be a string"))
            .max(MAX_MESSAGE_CHARS, `must be at most ${MAX_MESSAGE_CHARS} characters`),
        }),
        want("must be a list of earlier turns"),
      )
      .max(MAX_CONTEXT_TURNS, `must hold at most ${MAX_CONTEXT_TURNS} turns`)
      .default([]),
  },
  { error: 'the body must be a JSON object: {"user", "role", "message", "context"}' },
);

export const approvalId = z.uuid({ error: "must be a UUID" });

/** One line naming every problem, e.g. `role must be one of ops, …; message must not be empty`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      if (issue.code === "unrecognized_keys") {
        const where = path ? ` in ${path}` : "";
        return `unknown field${issue.keys.length > 1 ? "s" : ""}${where}: ${issue.keys.join(", ")}`;
      }
      return path ? `${path} ${issue.message}` : issue.message;
    })
    .join("; ");
}
