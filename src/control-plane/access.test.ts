import { describe, expect, it } from "vitest";
import { decideAccess, type Principal } from "./access.ts";

const admin = (orgId: string | null, scopes: string[] = ["admin:*"]): Principal => ({
  tokenId: "t",
  kind: "admin",
  orgId,
  teamId: null,
  scopes,
});
const team = (orgId: string, teamId: string): Principal => ({
  tokenId: "t",
  kind: "team",
  orgId,
  teamId,
  scopes: ["team:read"],
});

describe("decideAccess", () => {
  it("needs a token", () => {
    expect(decideAccess(null, { scope: "admin:provision", orgId: "a" })).toMatchObject({ status: 401 });
  });

  it("keeps an org's admin inside its org, and installation-wide actions to installation admins", () => {
    expect(decideAccess(admin("a"), { scope: "admin:provision", orgId: "a" })).toEqual({ ok: true });
    expect(decideAccess(admin("a"), { scope: "admin:provision", orgId: "b" })).toMatchObject({
      status: 403,
      code: "other_tenant",
    });
    expect(decideAccess(admin("a"), { scope: "admin:org" })).toMatchObject({
      status: 403,
      code: "other_tenant",
    });
    expect(decideAccess(admin(null), { scope: "admin:org" })).toEqual({ ok: true });
    expect(decideAccess(admin(null), { scope: "admin:provision", orgId: "b" })).toEqual({ ok: true });
  });

  it("checks the scope: admin:* holds all, a narrow token only its own", () => {
    const reader = admin("a", ["admin:provision:read"]);
    expect(decideAccess(reader, { scope: "admin:provision:read", orgId: "a" })).toEqual({ ok: true });
    expect(decideAccess(reader, { scope: "admin:provision", orgId: "a" })).toMatchObject({
      status: 403,
      code: "insufficient_scope",
    });
  });

  it("gives a team token its own team's reads and nothing of an admin's", () => {
    expect(decideAccess(team("a", "ops"), { scope: "team:read", orgId: "a", teamId: "ops" })).toEqual({
      ok: true,
    });
    expect(decideAccess(team("a", "ops"), { scope: "team:read", orgId: "a", teamId: "web" })).toMatchObject({
      code: "other_tenant",
    });
    expect(decideAccess(team("a", "ops"), { scope: "admin:provision:read", orgId: "a" })).toMatchObject({
      status: 403,
      code: "insufficient_scope",
    });
    expect(decideAccess(admin("a"), { scope: "team:read", orgId: "a", teamId: "ops" })).toMatchObject({
      status: 403,
    });
  });
});
