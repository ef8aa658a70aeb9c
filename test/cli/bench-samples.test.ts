import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_ARGUMENTS } from "../../src/cli/bench/gateway.ts";
import type { ToolService } from "../../src/gateway/index.ts";
import { allTools } from "../../src/packs/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { startTestToolService } from "../helpers/gateway.ts";

const db = useTestDatabase();
let service: ToolService;
beforeAll(() => {
  service = startTestToolService(db);
});
afterAll(() => service.close());

const readTools = allTools.filter((tool) => !tool.policy.writes);

describe("the gateway bench's sample calls", () => {
  it("cover every read tool, so `npm run bench -- gateway` times each of them", () => {
    expect(Object.keys(SAMPLE_ARGUMENTS).sort()).toEqual(readTools.map((tool) => tool.name).sort());
  });

  it.each(readTools.map((tool) => [tool.name]))(
    "%s runs for ops on the demo data with its sample",
    async (name) => {
      const outcome = await service.gateway.call({
        caller: {
          userId: "U-bench",
          role: "ops",
          teamId: null,
          channelId: "C0BENCH01",
          sessionId: null,
          via: "internal",
        },
        toolName: name,
        arguments: SAMPLE_ARGUMENTS[name],
        requestId: randomUUID(),
        ipAddress: null,
      });
      expect(outcome.tool).toBe(name);
      expect(outcome.text.length).toBeGreaterThan(0);
    },
  );
});
