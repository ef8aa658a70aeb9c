import { z } from "zod";
import type { AnyTool, Domain, Role } from "./define.ts";
import { ToolError } from "./errors.ts";

/** Edit distance, for "did you mean" suggestions on unknown tool names. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

/** The tools one deployment offers, by name and domain, with their derived JSON Schemas. */
export class ToolRegistry {
  readonly #tools = new Map<string, AnyTool>();
  readonly #schemas = new Map<string, Record<string, unknown>>();

  constructor(tools: readonly AnyTool[]) {
    for (const tool of tools) {
      if (this.#tools.has(tool.name)) throw new Error(`tool ${tool.name} is defined twice`);
      this.#tools.set(tool.name, tool);
    }
  }

  get size(): number {
    return this.#tools.size;
  }

  list(): AnyTool[] {
    return [...this.#tools.values()];
  }

  get(name: string): AnyTool | undefined {
    return this.#tools.get(name);
  }

  /** The tool, or UNKNOWN_TOOL naming the closest existing names. */
  require(name: string): AnyTool {
    const tool = this.#tools.get(name);
    if (tool) return tool;
    const near = this.nearNames(name);
    throw new ToolError(
      "UNKNOWN_TOOL",
      `Unknown tool "${name}"${near.length ? `; did you mean ${near.join(", ")}?` : ""}`,
      { near },
    );
  }

  nearNames(name: string, max = 3): string[] {
    const wanted = name.toLowerCase();
    return [...this.#tools.keys()]
      .map((candidate) => ({
        candidate,
        score: candidate.includes(wanted) || wanted.includes(candidate) ? 0 : distance(wanted, candidate),
      }))
      .filter((c) => c.score <= Math.max(3, Math.floor(wanted.length / 3)))
      .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
      .slice(0, max)
      .map((c) => c.candidate);
  }

  byDomain(): Map<Domain, AnyTool[]> {
    const grouped = new Map<Domain, AnyTool[]>();
    for (const tool of this.#tools.values()) {
      grouped.set(tool.domain, [...(grouped.get(tool.domain) ?? []), tool]);
    }
    return grouped;
  }

  /** Tools a role may see: enabled, allowed for the role, and not writing while writes are off. */
  visibleTo(role: Role, writesEnabled: boolean): AnyTool[] {
    return this.list().filter(
      (t) => t.policy.enabled && t.policy.roles.includes(role) && (writesEnabled || !t.policy.writes),
    );
  }

  /** JSON Schema of a tool's arguments (as a caller sends them), for MCP and LLM tool lists. */
  inputSchema(tool: AnyTool): Record<string, unknown> {
    let schema = this.#schemas.get(tool.name);
    if (!schema) {
      const { $schema: _drop, ...rest } = z.toJSONSchema(tool.input, { io: "input", unrepresentable: "any" });
      schema = rest;
      this.#schemas.set(tool.name, schema);
    }
    return schema;
  }
}
