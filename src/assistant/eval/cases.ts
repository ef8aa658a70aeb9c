import { readFileSync } from "node:fs";
import { z } from "zod";
import { ROLES } from "../../catalog/index.ts";

/** One tool-selection case (format: shared/eval/README.md). */
export const evalCaseSchema = z.object({
  id: z.string().min(1),
  question: z.string().min(1),
  context: z.array(z.object({ role: z.enum(["user", "assistant"]), content: z.string() })).optional(),
  role: z.enum(ROLES),
  expect_tools: z.array(z.string()),
  acceptable_tools: z.array(z.string()).optional(),
  expect_args: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  expect_clarification: z.boolean().optional(),
  expect_denied: z.boolean().optional(),
  note: z.string().optional(),
});

export type EvalCase = z.infer<typeof evalCaseSchema>;

export class EvalCasesError extends Error {}

/** Read a JSONL file of cases; a bad line is reported with its number and the problem. */
export function loadEvalCases(path: string): EvalCase[] {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch {
    throw new EvalCasesError(`cannot read cases file ${path}`);
  }
  const cases: EvalCase[] = [];
  raw.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new EvalCasesError(`${path}:${i + 1}: not valid JSON`);
    }
    const parsed = evalCaseSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new EvalCasesError(`${path}:${i + 1}: ${issue?.path.join(".") || "case"}: ${issue?.message}`);
    }
    cases.push(parsed.data);
  });
  if (cases.length === 0) throw new EvalCasesError(`${path} holds no cases`);
  return cases;
}

export interface CaseOutcome {
  predictedTools: string[];
  predictedArgs: Record<string, Record<string, unknown>>;
  clarified: boolean;
  denied: boolean;
}

function sameValue(expected: unknown, actual: unknown): boolean {
  if (typeof expected === "string" && typeof actual === "string") {
    return expected.toLowerCase() === actual.toLowerCase();
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return expected.length === actual.length && expected.every((e, i) => sameValue(e, actual[i]));
  }
  return JSON.stringify(expected) === JSON.stringify(actual);
}

/** The pass rule of shared/eval/README.md. */
export function casePasses(c: EvalCase, o: CaseOutcome): boolean {
  if (c.expect_denied) return o.denied && o.predictedTools.length === 0;
  if (c.expect_clarification) return o.clarified;
  if (o.denied) return false;
  const allowed = new Set([...c.expect_tools, ...(c.acceptable_tools ?? [])]);
  if (!c.expect_tools.every((t) => o.predictedTools.includes(t))) return false;
  if (!o.predictedTools.every((t) => allowed.has(t))) return false;
  for (const [tool, args] of Object.entries(c.expect_args ?? {})) {
    for (const [name, value] of Object.entries(args)) {
      if (!sameValue(value, o.predictedArgs[tool]?.[name])) return false;
    }
  }
  return true;
}

/** Retrieval recall@k for one case: every expected tool is among the retrieved ones. */
export function recalled(c: EvalCase, retrieved: readonly string[]): boolean {
  return c.expect_tools.every((t) => retrieved.includes(t));
}
