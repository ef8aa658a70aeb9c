import { describe, expect, it } from "vitest";
import { ToolRegistry } from "../../../src/catalog/index.ts";
import { allTools } from "../../../src/packs/index.ts";
import { memoryTools } from "../../../src/packs/memory/index.ts";

describe("the memory tools", () => {
  it("give every tool a scope_type enum, and update_memory the 4,000-character hard cap", () => {
    const registry = new ToolRegistry(allTools);
    for (const tool of memoryTools) {
      const schema = registry.inputSchema(tool) as { properties: Record<string, { enum?: string[] }> };
      expect(schema.properties.scope_type?.enum).toEqual(["channel", "tool"]);
    }
    expect(
      (
        registry.inputSchema(registry.require("update_memory")) as {
          properties: { content_md: { maxLength: number } };
        }
      ).properties.content_md.maxLength,
    ).toBe(4000);
  });
});
