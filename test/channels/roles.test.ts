import { describe, expect, it } from "vitest";
import { RoleDirectory } from "../../src/channels/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { cleanEnv, runArthur } from "../helpers/process.ts";

const db = useTestDatabase();
const policy = { userRoles: { U0MAP001: "marketing" as const }, openViewerChannels: [] };

describe("the Slack role table", () => {
  it("a stored role wins over the configured map, and removing it brings the map back", async () => {
    const directory = new RoleDirectory(db.sql, policy);
    expect(await directory.roleFor("U0MAP001", null)).toEqual({ role: "marketing", source: "config" });
    expect(await directory.set("U0MAP001", "finance", "test")).toBeNull();
    expect(await directory.roleFor("U0MAP001", null)).toEqual({ role: "finance", source: "table" });
    expect(await directory.set("U0MAP001", "ops", "test")).toBe("finance");
    expect(await directory.remove("U0MAP001")).toBe(true);
    expect(await directory.remove("U0MAP001")).toBe(false);
    expect(await directory.roleFor("U0MAP001", null)).toEqual({ role: "marketing", source: "config" });
    expect(await directory.roleFor("U0NOBODY", null)).toBeNull();
  });

  it("arthur roles set/list/remove edit it, and refuse bad ids and roles with one line and exit 2", async () => {
    const env = cleanEnv({ DATABASE_URL: db.url, RBAC_USER_MAP_JSON: '{"U0CFG001":"viewer"}' });
    const set = await runArthur(["roles", "set", "U0CLI001", "finance"], env);
    expect(set.code).toBe(0);
    expect(set.stdout.trim()).toBe("U0CLI001: finance");
    const change = await runArthur(["roles", "set", "U0CLI001", "ops"], env);
    expect(change.stdout.trim()).toBe("U0CLI001: finance → ops");
    const [row] =
      await db.sql`select role, updated_by from arthur_user_roles where slack_user_id = 'U0CLI001'`;
    expect(row?.role).toBe("ops");
    expect(row?.updated_by).toMatch(/^cli:/);

    const list = await runArthur(["roles", "list", "--json"], env);
    expect(JSON.parse(list.stdout)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ user: "U0CLI001", role: "ops", source: "table" }),
        expect.objectContaining({ user: "U0CFG001", role: "viewer", source: "config" }),
      ]),
    );

    const badRole = await runArthur(["roles", "set", "U0CLI001", "boss"], env);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain("--role must be one of");
    const badUser = await runArthur(["roles", "set", "jane", "ops"], env);
    expect(badUser.code).toBe(2);
    expect(badUser.stderr).toContain('"jane" is not a Slack user id');
    const [still] = await db.sql`select role from arthur_user_roles where slack_user_id = 'U0CLI001'`;
    expect(still?.role).toBe("ops");

    expect((await runArthur(["roles", "remove", "U0CLI001"], env)).code).toBe(0);
    const again = await runArthur(["roles", "remove", "U0CLI001"], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("has no role set");
  });
});
