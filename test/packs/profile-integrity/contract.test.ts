import { describe, expect, it } from "vitest";
import type { AnyTool } from "../../../src/catalog/index.ts";
import { profileIntegrityReadTools } from "../../../src/packs/index.ts";

const O = "ops";
const EP = "event-producer";
const V = "viewer";

/**
 * original-system.md §1.2, the read rows of profile-integrity (#16, #20, #22, #23, #25):
 * name, roles, max calls, PII kinds, arguments. None is passthrough.
 */
const POLICY_TABLE: [string, string[], number, string[], string[]][] = [
  ["find_duplicate_profiles", [O, V], 3, ["email", "phone"], ["query", "search_by"]],
  ["get_artist_invitations", [O, EP, V], 2, ["email", "phone"], ["eid", "artist_profile_id"]],
  ["get_event_readiness", [O, EP, V], 2, [], ["eid"]],
  ["get_vote_weights", [O, V], 2, [], ["eid", "round"]],
  ["get_qr_scan_status", [O, EP, V], 2, ["email", "phone"], ["eid", "person_id"]],
];

describe("the profile-integrity read tools", () => {
  it("match the policy table: roles, call limits, PII kinds and argument names", () => {
    expect(profileIntegrityReadTools.map((t) => t.name).sort()).toEqual(
      POLICY_TABLE.map(([name]) => name).sort(),
    );
    for (const [name, roles, maxCalls, pii, args] of POLICY_TABLE) {
      const tool = profileIntegrityReadTools.find((t) => t.name === name) as AnyTool;
      expect({
        name,
        roles: [...tool.policy.roles].sort(),
        pii: [...new Set(Object.values(tool.pii ?? {}))].sort(),
        args: Object.keys(tool.input.shape).sort(),
      }).toEqual({ name, roles: [...roles].sort(), pii, args: [...args].sort() });
      expect(tool.policy).toMatchObject({
        risk: "low",
        writes: false,
        passthrough: false,
        maxCallsPerRequest: maxCalls,
      });
      expect(tool.domain).toBe("profile-integrity");
    }
  });
});
