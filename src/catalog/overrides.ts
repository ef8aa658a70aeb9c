import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { type AnyTool, RISKS, ROLES, type ToolPolicy } from "./define.ts";
import type { ToolRegistry } from "./registry.ts";

/** A deployment's policy file (e.g. config/tools.yaml) is malformed or names unknown tools. */
export class PolicyFileError extends Error {
  readonly code = "POLICY_FILE";
}

const overrideSchema = z.strictObject({
  enabled: z.boolean().optional(),
  roles: z.array(z.enum(ROLES)).min(1).optional(),
  risk: z.enum(RISKS).optional(),
  requires_approval: z.boolean().optional(),
  max_calls_per_request: z.number().int().min(1).max(20).optional(),
});

const fileSchema = z.strictObject({ tools: z.record(z.string(), overrideSchema).default({}) });

export type PolicyOverrides = Map<string, Partial<ToolPolicy>>;

/** Parse and validate a policy file against the known tools; every problem is reported with its path. */
export function parseToolOverrides(text: string, source: string, registry: ToolRegistry): PolicyOverrides {
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (error) {
    throw new PolicyFileError(`${source}: not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`);
    throw new PolicyFileError(`${source}: ${problems.join("; ")}`);
  }
  const overrides: PolicyOverrides = new Map();
  const unknown: string[] = [];
  for (const [name, o] of Object.entries(parsed.data.tools)) {
    if (!registry.get(name)) {
      const near = registry.nearNames(name, 1);
      unknown.push(`tools.${name}: unknown tool${near.length ? ` (did you mean ${near[0]}?)` : ""}`);
      continue;
    }
    const policy: Partial<ToolPolicy> = {};
    if (o.enabled !== undefined) policy.enabled = o.enabled;
    if (o.roles) policy.roles = o.roles;
    if (o.risk) policy.risk = o.risk;
    if (o.requires_approval !== undefined) policy.requiresApproval = o.requires_approval;
    if (o.max_calls_per_request !== undefined) policy.maxCallsPerRequest = o.max_calls_per_request;
    overrides.set(name, policy);
  }
  if (unknown.length) throw new PolicyFileError(`${source}: ${unknown.join("; ")}`);
  return overrides;
}

export function loadToolOverrides(path: string, registry: ToolRegistry): PolicyOverrides {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new PolicyFileError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return parseToolOverrides(text, path, registry);
}

/** The tools with a deployment's overrides applied. A write tool stays a write tool whatever its risk. */
export function applyOverrides(tools: readonly AnyTool[], overrides: PolicyOverrides): AnyTool[] {
  return tools.map((tool) => {
    const o = overrides.get(tool.name);
    return o ? { ...tool, policy: { ...tool.policy, ...o, writes: tool.policy.writes } } : tool;
  });
}
