import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allTools } from "../../src/packs/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { cleanEnv, runArthur } from "../helpers/process.ts";

const db = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), "arthur-tools-"));

describe("arthur tools list", () => {
  it("prints the effective catalogue as JSON, with a deployment's overrides applied", async () => {
    const policy = join(dir, "tools.yaml");
    writeFileSync(
      policy,
      "tools:\n  get_event_config:\n    enabled: false\n  lookup_event:\n    roles: [ops]\n",
    );
    const result = await runArthur(["tools", "list", "--json"], cleanEnv({ TOOLS_POLICY_FILE: policy }));
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as {
      tools: {
        name: string;
        domain: string;
        enabled: boolean;
        roles: string[];
        writes: boolean;
        requires_approval: boolean;
      }[];
    };
    expect(listed.tools.map((t) => t.name)).toEqual(allTools.map((t) => t.name));
    // All 67 tools of the original policy table, over its eight domains.
    expect(listed.tools).toHaveLength(67);
    expect(new Set(listed.tools.map((t) => t.domain)).size).toBe(8);
    for (const tool of listed.tools) {
      expect(Object.keys(tool)).toEqual(
        expect.arrayContaining(["domain", "roles", "risk", "writes", "requires_approval"]),
      );
    }
    expect(listed.tools.filter((t) => t.writes).map((t) => t.name)).toEqual([
      "update_artist_name",
      "update_artist_bio",
      "update_artist_country",
      "send_artist_invitation",
      "refresh_vote_weights",
      "process_artist_payment",
      "send_payment_reminder",
      "create_bug_report",
      "refresh_eventbrite_data",
      "set_chart_comparators",
      "schedule_chart_autopost",
      "update_chart_schedule",
      "update_memory",
      "rollback_memory",
    ]);
    expect(listed.tools.find((t) => t.name === "process_artist_payment")).toMatchObject({
      roles: ["finance"],
      requires_approval: true,
    });
    expect(listed.tools.find((t) => t.name === "get_event_config")?.enabled).toBe(false);
    expect(listed.tools.find((t) => t.name === "lookup_event")?.roles).toEqual(["ops"]);

    const viewer = await runArthur(
      ["tools", "list", "--role", "viewer", "--json"],
      cleanEnv({ TOOLS_POLICY_FILE: policy }),
    );
    const names = (JSON.parse(viewer.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(names).not.toContain("lookup_event");
    expect(names).not.toContain("get_event_config");
    expect(names).toContain("get_event_summary");
  });

  it("refuses a policy file naming an unknown tool, in one line that names it", async () => {
    const policy = join(dir, "bad.yaml");
    writeFileSync(policy, "tools:\n  lookup_evnt:\n    enabled: false\n");
    const result = await runArthur(["tools", "list"], cleanEnv({ TOOLS_POLICY_FILE: policy }));
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe(
      `arthur: ${policy}: tools.lookup_evnt: unknown tool (did you mean lookup_event?)`,
    );
  });
});

describe("arthur token", () => {
  it("creates a token shown once, lists it without the secret, and revokes it", async () => {
    const env = cleanEnv({ DATABASE_URL: db.url });
    const created = await runArthur(
      ["token", "create", "--user", "U123", "--role", "finance", "--ttl", "2h"],
      env,
    );
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^arthur_pat_[A-Za-z0-9_-]{40,}$/);
    const [stored] = await db.sql<{ id: string; token_hash: string; role: string }[]>`
      select id, token_hash, role from arthur_api_tokens where user_id = 'U123'`;
    expect(stored?.role).toBe("finance");
    expect(stored?.token_hash).not.toContain(token.slice(11));

    const listed = await runArthur(["token", "list"], env);
    expect(listed.stdout).toContain("U123");
    expect(listed.stdout).not.toContain(token);

    const revoked = await runArthur(["token", "revoke", stored?.id.slice(0, 8) ?? "?"], env);
    expect(revoked.code).toBe(0);
    const [row] = await db.sql<{ revoked: boolean }[]>`
      select revoked_at is not null as revoked from arthur_api_tokens where user_id = 'U123'`;
    expect(row?.revoked).toBe(true);
  });

  it("rejects a bad role or duration before touching the database", async () => {
    const env = cleanEnv({ DATABASE_URL: "postgres://u:p@127.0.0.1:1/x" });
    const role = await runArthur(["token", "create", "--user", "U1", "--role", "admin"], env);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain("--role must be one of ops, event-producer, finance, marketing, viewer");
    const ttl = await runArthur(["token", "create", "--user", "U1", "--role", "ops", "--ttl", "soon"], env);
    expect(ttl.code).toBe(2);
    expect(ttl.stderr).toContain("--ttl must be a duration");
  });
});
