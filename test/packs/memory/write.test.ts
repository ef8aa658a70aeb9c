import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { type Caller, ToolError, type ToolErrorCode } from "../../../src/catalog/index.ts";
import { rollbackMemory, updateMemory } from "../../../src/packs/memory/index.ts";
import type { RollbackMemoryResult } from "../../../src/packs/memory/rollback-memory.ts";
import { parseSections } from "../../../src/packs/memory/shared.ts";
import type { UpdateMemoryResult } from "../../../src/packs/memory/update-memory.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runWriteTool } from "../../helpers/tools.ts";
import { caller, freshChannel, OPS, storedHead, storedVersions } from "./helpers.ts";

const db = useTestDatabase();

type Who = Caller;

const update = (args: object, who: Who = OPS) =>
  runWriteTool<UpdateMemoryResult>(db.sql, updateMemory, args, { caller: who });
const rollback = (args: object, who: Who = OPS) =>
  runWriteTool<RollbackMemoryResult>(db.sql, rollbackMemory, args, { caller: who });

const channelNotes = (n: number) => `## Topics\n- topic ${n}\n## Open Items\n- item ${n}a\n- item ${n}b`;

const failsWith = (code: ToolErrorCode, message?: RegExp) => (error: unknown) =>
  error instanceof ToolError && error.code === code && (!message || message.test(error.message));

describe("update_memory", () => {
  it("saves version 1 with parsed sections, the caller's identity and the channel budget", async () => {
    const channel = freshChannel();
    const who = caller("viewer", channel, "U-viewer-1");
    const md =
      "<!-- notes -->\r\n## Topics\r\n- Toronto payouts (Nov 2026)\r\n## People & Names\r\n* Lena: city lead";
    const result = await update(
      {
        scope_type: "channel",
        scope_id: channel,
        content_md: md,
        change_summary: "first\nnotes",
      },
      who,
    );
    const [stored] = await storedVersions(db.sql, "channel", channel);
    const head = await storedHead(db.sql, "channel", channel);
    expect(stored?.content_md).toBe(md.replaceAll("\r\n", "\n"));
    expect(stored?.content_json).toEqual(parseSections(stored?.content_md ?? ""));
    expect(stored?.content_json).toEqual({
      topics: ["Toronto payouts (Nov 2026)"],
      people_names: ["Lena: city lead"],
    });
    expect(stored).toMatchObject({
      version_no: 1,
      parent_version_id: null,
      rollback_from_version_id: null,
      change_summary: "first notes",
      session_id: who.sessionId,
      created_by: "U-viewer-1",
      created_by_role: "viewer",
    });
    const [chars] = await db.sql<{ n: number }[]>`select char_length(${stored?.content_md ?? ""}::text) as n`;
    expect(stored?.content_chars).toBe(chars?.n);
    expect(head).toEqual({ current_version: 1, total_versions: 1, token_budget: 2200 });
    expect(result).toMatchObject({
      scope_id: channel,
      version: stored?.version_no,
      version_id: stored?.id,
      previous_version: 0,
      parent_version_id: null,
      content_chars: stored?.content_chars,
      budget_chars: head?.token_budget,
      sections: { topics: 1, people_names: 1 },
    });
    expect(updateMemory.format(result)).toContain(`as v1 (replacing v0)`);
  });

  it("points each new version at the one it replaces", async () => {
    const channel = freshChannel();
    for (const n of [1, 2, 3])
      await update({ scope_type: "channel", scope_id: channel, content_md: channelNotes(n) });
    const versions = await storedVersions(db.sql, "channel", channel);
    expect(versions.map((v) => v.version_no)).toEqual([1, 2, 3]);
    expect(versions.map((v) => v.parent_version_id)).toEqual([null, versions[0]?.id, versions[1]?.id]);
    expect(versions[2]?.content_json).toEqual({ topics: ["topic 3"], open_items: ["item 3a", "item 3b"] });
    expect(await storedHead(db.sql, "channel", channel)).toMatchObject({
      current_version: 3,
      total_versions: 3,
    });
  });

  it("gives 10 concurrent updates of one new scope versions 1..10 without errors, then continues at 11", async () => {
    const channel = freshChannel();
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        update({
          scope_type: "channel",
          scope_id: channel,
          content_md: channelNotes(i),
          change_summary: `u${i}`,
        }),
      ),
    );
    expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    const versions = await storedVersions(db.sql, "channel", channel);
    expect(versions.map((v) => v.version_no)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(versions.map((v) => v.change_summary)).size).toBe(10);
    // Every version's parent is the version before it: the writers really queued.
    expect(versions.map((v) => v.parent_version_id)).toEqual([
      null,
      ...versions.slice(0, -1).map((v) => v.id),
    ]);
    const returned = settled
      .map((s) => (s.status === "fulfilled" ? s.value.version : -1))
      .sort((a, b) => a - b);
    expect(returned).toEqual(versions.map((v) => v.version_no));
    expect(await storedHead(db.sql, "channel", channel)).toMatchObject({
      current_version: 10,
      total_versions: 10,
    });

    await Promise.all(
      [1, 2, 3].map((n) => update({ scope_type: "channel", scope_id: channel, content_md: channelNotes(n) })),
    );
    expect((await storedVersions(db.sql, "channel", channel)).map((v) => v.version_no).slice(10)).toEqual([
      11, 12, 13,
    ]);
  });

  it("enforces the character budgets with a clear message, counting characters as Postgres does", async () => {
    const channel = freshChannel();
    const exact = `## Topics\n- ${"x".repeat(2200 - 12)}`;
    expect(exact.length).toBe(2200);
    await expect(
      update({ scope_type: "channel", scope_id: channel, content_md: exact }),
    ).resolves.toMatchObject({
      content_chars: 2200,
    });
    await expect(
      update({ scope_type: "channel", scope_id: channel, content_md: `${exact}y` }),
    ).rejects.toSatisfy(
      failsWith("INVALID_ARGUMENT", /limited to 2,200 characters; this content has 2,201 \(1 over\)/),
    );

    // An emoji is two UTF-16 units but one character: 500 of them fit the tool budget, 501 do not.
    const emoji = (n: number) => `## Known Issues\n- ${"🎨".repeat(n)}`;
    const fits = await update({ scope_type: "tool", scope_id: "lookup_person", content_md: emoji(500 - 18) });
    const [stored] = await storedVersions(db.sql, "tool", "lookup_person");
    expect(fits.content_chars).toBe(500);
    expect(stored?.content_chars).toBe(500);
    expect((await storedHead(db.sql, "tool", "lookup_person"))?.token_budget).toBe(500);
    await expect(
      update({ scope_type: "tool", scope_id: "lookup_person", content_md: emoji(501 - 18) }),
    ).rejects.toSatisfy(failsWith("INVALID_ARGUMENT", /limited to 500 characters/));

    await expect(
      update({ scope_type: "channel", scope_id: channel, content_md: "x".repeat(4001) }),
    ).rejects.toBeInstanceOf(ZodError);
    await expect(
      update({ scope_type: "channel", scope_id: channel, content_md: "  \n " }),
    ).rejects.toBeInstanceOf(ZodError);
    expect((await storedVersions(db.sql, "channel", channel)).map((v) => v.version_no)).toEqual([1]);
  });

  it("refuses other channels, missing channels and tool scopes to callers other than ops, writing nothing", async () => {
    const mine = freshChannel();
    const theirs = freshChannel();
    const md = channelNotes(1);
    await expect(
      update({ scope_type: "channel", scope_id: theirs, content_md: md }, caller("event-producer", mine)),
    ).rejects.toSatisfy(
      failsWith("FORBIDDEN", new RegExp(`channel you are in \\(${mine}\\), not ${theirs}`)),
    );
    await expect(
      update({ scope_type: "channel", scope_id: theirs, content_md: md }, caller("finance", null)),
    ).rejects.toSatisfy(failsWith("FORBIDDEN", /no channel/));
    await expect(
      update({ scope_type: "tool", scope_id: "get_vote_data", content_md: md }, caller("marketing", mine)),
    ).rejects.toSatisfy(failsWith("FORBIDDEN", /Only ops can change tool memory/));
    await expect(update({ scope_type: "channel", scope_id: "#general", content_md: md })).rejects.toSatisfy(
      failsWith("INVALID_ARGUMENT", /not a Slack channel id/),
    );
    const [rows] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from esbmcp_memory_heads
      where scope_id in (${theirs}, 'get_vote_data', '#general')`;
    expect(rows?.n).toBe(0);

    await update({ scope_type: "channel", scope_id: mine, content_md: md }, caller("marketing", mine));
    await update({ scope_type: "channel", scope_id: theirs, content_md: md }, OPS);
    await update(
      { scope_type: "tool", scope_id: "get_vote_data", content_md: "## Known Issues\n- none" },
      OPS,
    );
    expect((await storedVersions(db.sql, "channel", mine))[0]?.created_by_role).toBe("marketing");
    expect(await storedVersions(db.sql, "channel", theirs)).toHaveLength(1);
    expect(await storedVersions(db.sql, "tool", "get_vote_data")).toHaveLength(1);
  });

  it("stores no session id that is not a UUID rather than failing the write", async () => {
    const channel = freshChannel();
    const who = { ...caller("ops", channel), sessionId: "slack-thread-1234" };
    await update({ scope_type: "channel", scope_id: channel, content_md: channelNotes(1) }, who);
    expect((await storedVersions(db.sql, "channel", channel))[0]?.session_id).toBeNull();
  });
});

describe("rollback_memory", () => {
  async function threeVersions(): Promise<string> {
    const channel = freshChannel();
    for (const n of [1, 2, 3]) {
      await update({
        scope_type: "channel",
        scope_id: channel,
        content_md: channelNotes(n),
        change_summary: `v${n}`,
      });
    }
    return channel;
  }

  it("restores the previous version by default as a new version, with correct lineage", async () => {
    const channel = await threeVersions();
    const result = await rollback({ scope_type: "channel", scope_id: channel });
    const [v1, v2, v3, v4] = await storedVersions(db.sql, "channel", channel);
    expect(v4).toMatchObject({
      version_no: 4,
      content_md: v2?.content_md,
      content_json: v2?.content_json,
      // The new version follows the one it replaced; the restored version is recorded separately.
      parent_version_id: v3?.id,
      rollback_from_version_id: v2?.id,
      change_summary: "Rollback from v3 to v2",
      created_by: OPS.userId,
      created_by_role: "ops",
    });
    expect(v1?.content_md).not.toBe(v2?.content_md);
    expect(await storedHead(db.sql, "channel", channel)).toMatchObject({
      current_version: 4,
      total_versions: 4,
    });
    expect(result).toMatchObject({
      version: 4,
      version_id: v4?.id,
      replaced_version: 3,
      parent_version_id: v3?.id,
      restored_version: 2,
      rollback_from_version_id: v2?.id,
      change_summary: v4?.change_summary,
      content_chars: v2?.content_chars,
    });
    expect(rollbackMemory.format(result)).toContain(
      "restored the content of v2 as new version v4 (replacing v3)",
    );

    const again = await rollback({ scope_type: "channel", scope_id: channel, target_version: 1 });
    const v5 = (await storedVersions(db.sql, "channel", channel))[4];
    expect(v5).toMatchObject({
      version_no: 5,
      content_md: v1?.content_md,
      parent_version_id: v4?.id,
      rollback_from_version_id: v1?.id,
      change_summary: "Rollback from v4 to v1",
    });
    expect(again.version).toBe(5);
  });

  it("refuses version 0, the current version, missing versions and empty scopes, changing nothing", async () => {
    const channel = await threeVersions();
    const scope = { scope_type: "channel", scope_id: channel };
    await expect(rollback({ ...scope, target_version: 3 })).rejects.toSatisfy(
      failsWith("INVALID_ARGUMENT", /v3 is already the current version/),
    );
    await expect(rollback({ ...scope, target_version: 9 })).rejects.toSatisfy(
      failsWith("NOT_FOUND", /no v9 \(the current version is v3\)/),
    );
    await expect(rollback({ ...scope, target_version: 0 })).rejects.toBeInstanceOf(ZodError);
    // A version removed by retention cannot be restored.
    await db.sql`delete from esbmcp_memory_versions where scope_type = 'channel' and scope_id = ${channel} and version_no = 1`;
    await expect(rollback({ ...scope, target_version: 1 })).rejects.toSatisfy(
      failsWith("NOT_FOUND", /removed by retention/),
    );
    expect((await storedVersions(db.sql, "channel", channel)).map((v) => v.version_no)).toEqual([2, 3]);
    expect(await storedHead(db.sql, "channel", channel)).toMatchObject({
      current_version: 3,
      total_versions: 3,
    });

    const single = freshChannel();
    await update({ scope_type: "channel", scope_id: single, content_md: channelNotes(1) });
    await expect(rollback({ scope_type: "channel", scope_id: single })).rejects.toSatisfy(
      failsWith("INVALID_ARGUMENT", /no earlier version/),
    );
    await expect(rollback({ scope_type: "channel", scope_id: freshChannel() })).rejects.toSatisfy(
      failsWith("NOT_FOUND", /no saved versions/),
    );
    await expect(rollback({ scope_type: "tool", scope_id: "never_saved_tool" })).rejects.toSatisfy(
      failsWith("NOT_FOUND"),
    );
  });

  it("queues behind a concurrent update of the same scope", async () => {
    const channel = await threeVersions();
    const settled = await Promise.allSettled([
      update({ scope_type: "channel", scope_id: channel, content_md: channelNotes(4) }),
      rollback({ scope_type: "channel", scope_id: channel, target_version: 1 }),
      update({ scope_type: "channel", scope_id: channel, content_md: channelNotes(5) }),
    ]);
    expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    const versions = await storedVersions(db.sql, "channel", channel);
    expect(versions.map((v) => v.version_no)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(versions.map((v) => v.parent_version_id)).toEqual([
      null,
      ...versions.slice(0, -1).map((v) => v.id),
    ]);
    const restored = versions.find((v) => v.rollback_from_version_id !== null);
    expect(restored?.content_md).toBe(versions[0]?.content_md);
    expect(restored?.change_summary).toBe(`Rollback from v${(restored?.version_no ?? 0) - 1} to v1`);
  });

  it("still refuses another channel or tool memory to a caller other than ops (if a deployment grants the role)", async () => {
    const mine = freshChannel();
    const theirs = await threeVersions();
    await expect(
      rollback({ scope_type: "channel", scope_id: theirs }, caller("viewer", mine)),
    ).rejects.toSatisfy(failsWith("FORBIDDEN"));
    await expect(
      rollback({ scope_type: "tool", scope_id: "lookup_person" }, caller("viewer", mine)),
    ).rejects.toSatisfy(failsWith("FORBIDDEN"));
    expect(await storedVersions(db.sql, "channel", theirs)).toHaveLength(3);
  });
});
