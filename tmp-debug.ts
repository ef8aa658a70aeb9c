import { readFileSync } from "node:fs";
import { OfflinePlanner } from "/work/main/src/assistant/offline/planner.ts";
import {
  extractEntities,
  resolveEntities,
  TOOL_HINTS,
  ToolIndex,
} from "/work/main/src/assistant/retrieval/index.ts";
import { ToolRegistry } from "/work/main/src/catalog/index.ts";
import { loadConfig } from "/work/main/src/config/index.ts";
import { openDatabase } from "/work/main/src/db/index.ts";
import { createLogger } from "/work/main/src/observability/index.ts";
import { allTools } from "/work/main/src/packs/index.ts";

const ids = process.argv.slice(2);
const cases = readFileSync("/work/main/eval/holdout.jsonl", "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const config = loadConfig();
const db = await openDatabase(config, createLogger("silent"));
const registry = new ToolRegistry(allTools);
const index = new ToolIndex(allTools, TOOL_HINTS);
const planner = new OfflinePlanner(registry, index);
for (const c of cases.filter((c) => ids.includes(c.id))) {
  const text = c.question;
  const entities = await resolveEntities(db.sql, text, extractEntities(text));
  const ctx = (c.context ?? []).map((t: { content: string }) => t.content).join("\n");
  const ranking = index.rank(text, entities, { context: ctx });
  const plan = planner.plan(
    {
      text,
      contextText: ctx,
      entities,
      contextEntities: ctx ? extractEntities(ctx) : null,
      caller: {
        userId: "U",
        role: c.role,
        teamId: null,
        channelId: "C0EVAL0001",
        sessionId: null,
        via: "internal",
      },
    },
    ranking,
  );
  console.log(
    `${c.id} [${c.role}] ${text}\n  expect ${c.expect_tools} ${JSON.stringify(c.expect_args ?? {})}`,
  );
  console.log(
    "  rank:",
    ranking
      .slice(0, 5)
      .map((r) => `${r.name}:${r.score.toFixed(1)}`)
      .join("  "),
  );
  const ent = Object.fromEntries(
    Object.entries(entities).filter(([, v]) => (Array.isArray(v) ? v.length : v !== null)),
  );
  console.log("  entities:", JSON.stringify(ent));
  console.log("  plan:", JSON.stringify(plan).slice(0, 300));
}
await db.close();
