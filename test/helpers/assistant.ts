import {
  Assistant,
  InProcessToolPort,
  LlmResponder,
  TOOL_HINTS,
  ToolIndex,
} from "../../src/assistant/index.ts";
import type { LlmConfig } from "../../src/config/index.ts";
import type { ToolService } from "../../src/gateway/index.ts";
import type { TestDatabase } from "./db.ts";

/**
 * The assistant over the test gateway, keeping session rows (what a user's answers leave behind):
 * the offline planner, or with `llm` a model behind the given (fake) provider server.
 */
export function testAssistant(
  db: TestDatabase,
  service: ToolService,
  options: { llm?: LlmConfig } = {},
): Assistant {
  const registry = service.gateway.registry;
  const tools = new InProcessToolPort(service.gateway);
  const { llm } = options;
  return new Assistant({
    sql: db.sql,
    registry,
    index: new ToolIndex(registry.list(), TOOL_HINTS),
    tools,
    sessions: { version: "test" },
    ...(llm ? { llm: LlmResponder.fromConfig(llm, registry, tools) } : {}),
  });
}
