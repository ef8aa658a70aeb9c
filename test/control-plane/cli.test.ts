import { describe, expect, it } from "vitest";
import { Tenants } from "../../src/control-plane/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { cleanEnv, runArthur } from "../helpers/process.ts";

const db = useTestDatabase();

describe("arthur org and arthur team", () => {
  it("create an org and a team, route identifiers to it, issue a working admin token, and show the result", async () => {
    const env = cleanEnv({ DATABASE_URL: db.url, LOG_LEVEL: "warn" });
    expect((await runArthur(["org", "create", "artbattle", "--name", "Art Battle"], env)).stdout.trim()).toBe(
      "org artbattle created",
    );
    const token = await runArthur(
      ["org", "token", "artbattle", "--scopes", "admin:provision,admin:org"],
      env,
    );
    expect(token.code).toBe(0);
    const principal = await new Tenants(db.sql).principal(token.stdout.trim());
    expect(principal).toMatchObject({
      kind: "admin",
      orgId: "artbattle",
      scopes: ["admin:provision", "admin:org"],
    });
    expect(token.stderr).toContain("shown once");

    expect((await runArthur(["team", "create", "artbattle", "live-ops"], env)).stdout.trim()).toBe(
      "team artbattle/live-ops created",
    );
    const routed = await runArthur(
      ["team", "route", "artbattle", "live-ops", "pagerduty_service:PVOTEAPI", "slack_channel:C0LIVEOPS1"],
      env,
    );
    expect(routed.stdout.trim()).toBe("2 route(s) now lead to artbattle/live-ops");
    const shown = await runArthur(["team", "show", "artbattle", "live-ops"], env);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      org_id: "artbattle",
      team_id: "live-ops",
      routes: [
        { kind: "pagerduty_service", value: "PVOTEAPI" },
        { kind: "slack_channel", value: "C0LIVEOPS1" },
      ],
    });

    const bad = await runArthur(["team", "route", "artbattle", "live-ops", "jira:ABC"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"jira:ABC" must be <kind>:<value>');
    const both = await runArthur(["org", "token", "artbattle", "--installation"], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give an org id or --installation");
  });
});
