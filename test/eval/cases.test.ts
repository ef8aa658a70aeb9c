// Checks the tool-selection eval sets (eval/cases.jsonl, and eval/holdout*.jsonl — each written blind, from the
// catalogue and the spec only, as a check on phrasings the planner was not built on) against the catalogue, without a database:
// the format of /work/shared/eval/README.md, tools and arguments that exist, roles that make sense
// for the kind of case, coverage of every tool, and the minimum size of each category.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type AnyTool, ROLES, type Role } from "../../src/catalog/index.ts";
import { allTools } from "../../src/packs/index.ts";

interface Turn {
  role: "user" | "assistant";
  content: string;
}

interface EvalCase {
  id: string;
  question: string;
  context?: Turn[];
  role: Role;
  expect_tools: string[];
  acceptable_tools?: string[];
  expect_args: Record<string, Record<string, unknown>>;
  expect_clarification: boolean;
  expect_denied: boolean;
  note?: string;
}

const FIELDS = new Set([
  "id",
  "question",
  "context",
  "role",
  "expect_tools",
  "acceptable_tools",
  "expect_args",
  "expect_clarification",
  "expect_denied",
  "note",
]);
const EID_ARGS = new Set(["eid", "related_eid"]);
const EID = /^AB\d+$/;
const LOOKS_LIKE_EID = /^ab[\s-]?\d+$/i;

const toolsByName = new Map<string, AnyTool>(allTools.map((tool) => [tool.name, tool]));
const allows = (toolName: string, role: Role): boolean =>
  toolsByName.get(toolName)?.policy.roles.includes(role) ?? false;

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string" && item !== "");
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Every problem with one parsed line's shape; empty when it matches the README's format. */
function shapeProblems(raw: Record<string, unknown>, prefix: string): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(raw)) if (!FIELDS.has(key)) problems.push(`unknown field ${key}`);
  if (typeof raw.id !== "string" || !new RegExp(`^${prefix}\\d{3,}$`).test(raw.id))
    problems.push(`id must look like ${prefix}001`);
  if (typeof raw.question !== "string" || raw.question.trim() === "") problems.push("question must be text");
  if (!ROLES.includes(raw.role as Role)) problems.push(`role must be one of ${ROLES.join(", ")}`);
  if (!isStringArray(raw.expect_tools)) problems.push("expect_tools must be a list of tool names");
  if (raw.acceptable_tools !== undefined && !isStringArray(raw.acceptable_tools))
    problems.push("acceptable_tools must be a list of tool names");
  if (!isPlainObject(raw.expect_args) || !Object.values(raw.expect_args).every(isPlainObject))
    problems.push("expect_args must map tool names to argument objects");
  if (typeof raw.expect_clarification !== "boolean") problems.push("expect_clarification must be a boolean");
  if (typeof raw.expect_denied !== "boolean") problems.push("expect_denied must be a boolean");
  if (raw.note !== undefined && typeof raw.note !== "string") problems.push("note must be text");
  if (raw.context !== undefined) {
    const turnsOk =
      Array.isArray(raw.context) &&
      raw.context.length > 0 &&
      raw.context.every(
        (turn) =>
          isPlainObject(turn) &&
          (turn.role === "user" || turn.role === "assistant") &&
          typeof turn.content === "string" &&
          turn.content.trim() !== "",
      );
    if (!turnsOk) problems.push("context must be a non-empty list of {role: user|assistant, content}");
  }
  return problems;
}

interface EvalSet {
  file: string;
  prefix: string;
  /** Least number of cases: in all, clarifications, denials, no-tool, follow-ups. */
  least: { total: number; clarification: number; denied: number; noTool: number; followUp: number };
  /** Least number of positive cases that expect each tool (0: only breadth is checked). */
  perTool: number;
  /** Every role is refused something somewhere in the set. */
  everyRoleRefused: boolean;
}

const SETS: EvalSet[] = [
  {
    file: "cases.jsonl",
    prefix: "c",
    least: { total: 260, clarification: 15, denied: 15, noTool: 10, followUp: 15 },
    perTool: 2,
    everyRoleRefused: true,
  },
  {
    file: "holdout.jsonl",
    prefix: "h",
    least: { total: 100, clarification: 5, denied: 5, noTool: 5, followUp: 5 },
    perTool: 0,
    everyRoleRefused: false,
  },
  {
    file: "holdout3.jsonl",
    prefix: "k",
    least: { total: 100, clarification: 3, denied: 3, noTool: 3, followUp: 3 },
    perTool: 0,
    everyRoleRefused: false,
  },
  {
    file: "holdout4.jsonl",
    prefix: "m",
    least: { total: 100, clarification: 3, denied: 3, noTool: 3, followUp: 3 },
    perTool: 0,
    everyRoleRefused: false,
  },
  {
    file: "holdout2.jsonl",
    prefix: "g",
    least: { total: 100, clarification: 5, denied: 5, noTool: 5, followUp: 5 },
    perTool: 0,
    everyRoleRefused: false,
  },
];

function loadSet(set: EvalSet) {
  const file = fileURLToPath(new URL(`../../eval/${set.file}`, import.meta.url));
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .map((text, index) => ({ text, line: index + 1 }))
    .filter(({ text }) => text.trim() !== "");
  const parsed = lines.map(({ text, line }) => {
    try {
      return { line, value: JSON.parse(text) as unknown };
    } catch (error) {
      return { line, error: (error as Error).message };
    }
  });
  const cases = parsed
    .map((entry) => entry.value)
    .filter(
      (value): value is EvalCase => isPlainObject(value) && shapeProblems(value, set.prefix).length === 0,
    );
  /** Collects "<id>: <problem>" lines so a failure names every bad case at once. */
  const problemsOf = (check: (c: EvalCase) => string[]): string[] =>
    cases.flatMap((c) => check(c).map((problem) => `${c.id}: ${problem}`));
  return { lines, parsed, cases, positives: cases.filter(isPositive), problemsOf };
}

const isPositive = (c: EvalCase) => !c.expect_denied && !c.expect_clarification;

describe.each(SETS)("eval/$file", (set) => {
  const { lines, parsed, cases, positives, problemsOf } = loadSet(set);

  it("parses line by line, in the README's format", () => {
    const unparsable = parsed.filter((entry) => "error" in entry).map((entry) => `line ${entry.line}`);
    expect(unparsable).toEqual([]);
    const malformed = parsed.flatMap((entry) =>
      isPlainObject(entry.value)
        ? shapeProblems(entry.value, set.prefix).map((problem) => `line ${entry.line}: ${problem}`)
        : "error" in entry
          ? []
          : [`line ${entry.line}: not an object`],
    );
    expect(malformed).toEqual([]);
    expect(cases).toHaveLength(lines.length);
  });

  it("numbers the cases 001, 002, … with unique ids", () => {
    const ids = cases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      ids.map((_, index) => `${set.prefix}${String(index + 1).padStart(3, "0")}`),
    );
  });

  it("names only tools that exist, and expects arguments only of expected tools", () => {
    const problems = problemsOf((c) => {
      const out: string[] = [];
      const named = [...c.expect_tools, ...(c.acceptable_tools ?? []), ...Object.keys(c.expect_args)];
      for (const name of named) if (!toolsByName.has(name)) out.push(`unknown tool ${name}`);
      for (const name of Object.keys(c.expect_args))
        if (!c.expect_tools.includes(name))
          out.push(`expect_args names ${name}, which is not in expect_tools`);
      if (new Set(c.expect_tools).size !== c.expect_tools.length) out.push("expect_tools repeats a tool");
      for (const name of c.acceptable_tools ?? [])
        if (c.expect_tools.includes(name)) out.push(`${name} is both expected and acceptable`);
      return out;
    });
    expect(problems).toEqual([]);
  });

  it("expects only argument names and values that the tool's input schema accepts", () => {
    const problems = problemsOf((c) =>
      Object.entries(c.expect_args).flatMap(([toolName, args]) => {
        const tool = toolsByName.get(toolName);
        if (!tool) return [];
        const shape = tool.input.shape as Record<string, { safeParse(value: unknown): { success: boolean } }>;
        return Object.entries(args).flatMap(([arg, value]) => {
          const field = shape[arg];
          if (!field) return [`${toolName} has no argument ${arg}`];
          const out: string[] = [];
          if (!field.safeParse(value).success)
            out.push(`${toolName}.${arg} rejects ${JSON.stringify(value)}`);
          const eidLike = EID_ARGS.has(arg) || (typeof value === "string" && LOOKS_LIKE_EID.test(value));
          if (eidLike && !(typeof value === "string" && EID.test(value)))
            out.push(`${toolName}.${arg} must be a normalised eid like AB4023, got ${JSON.stringify(value)}`);
          return out;
        });
      }),
    );
    expect(problems).toEqual([]);
  });

  it("keeps denial and clarification cases apart, each with the right shape", () => {
    const problems = problemsOf((c) => {
      const out: string[] = [];
      if (c.expect_denied && c.expect_clarification) out.push("both denied and clarification");
      if (c.expect_denied) {
        if (c.expect_tools.length === 0) out.push("a denial must name the tool the request maps to");
        if (!c.expect_tools.some((name) => !allows(name, c.role)))
          out.push(`role ${c.role} may call every expected tool, so nothing would be denied`);
      }
      if (c.expect_clarification && Object.keys(c.expect_args).length > 0)
        out.push("a clarification case expects no arguments");
      return out;
    });
    expect(problems).toEqual([]);
  });

  it("gives positive cases a role allowed for every expected and acceptable tool", () => {
    const problems = problemsOf((c) => {
      if (!isPositive(c)) return [];
      return [...c.expect_tools, ...(c.acceptable_tools ?? [])]
        .filter((name) => toolsByName.has(name) && !allows(name, c.role))
        .map((name) => `role ${c.role} may not call ${name}`);
    });
    expect(problems).toEqual([]);
  });

  it("covers the catalogue: every tool in enough positive cases, and most tools at all", () => {
    const uses = new Map<string, number>(allTools.map((tool) => [tool.name, 0]));
    for (const c of positives) for (const name of c.expect_tools) uses.set(name, (uses.get(name) ?? 0) + 1);
    const thin = [...uses]
      .filter(([, count]) => count < set.perTool)
      .map(([name, count]) => `${name}: ${count}`);
    expect(thin).toEqual([]);
    expect([...uses.values()].filter((count) => count > 0).length).toBeGreaterThanOrEqual(45);
  });

  it("is large enough in total and in each category", () => {
    const count = (keep: (c: EvalCase) => boolean) => cases.filter(keep).length;
    expect(cases.length).toBeGreaterThanOrEqual(set.least.total);
    expect(count((c) => c.expect_clarification)).toBeGreaterThanOrEqual(set.least.clarification);
    expect(count((c) => c.expect_denied)).toBeGreaterThanOrEqual(set.least.denied);
    expect(count((c) => isPositive(c) && c.expect_tools.length === 0)).toBeGreaterThanOrEqual(
      set.least.noTool,
    );
    expect(count((c) => (c.context?.length ?? 0) > 0)).toBeGreaterThanOrEqual(set.least.followUp);
    // Every role asks something, and every role is refused something.
    for (const role of ROLES) {
      expect(count((c) => c.role === role && isPositive(c) && c.expect_tools.length > 0)).toBeGreaterThan(0);
      if (set.everyRoleRefused && allTools.some((tool) => !tool.policy.roles.includes(role)))
        expect(count((c) => c.role === role && c.expect_denied)).toBeGreaterThan(0);
    }
  });
});
