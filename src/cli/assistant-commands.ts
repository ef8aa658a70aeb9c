import type { Command } from "commander";
import {
  type Assistant,
  type AssistantAnswer,
  EvalCasesError,
  loadEvalCases,
  runEval,
} from "../assistant/index.ts";
import type { Caller, ToolRegistry } from "../catalog/index.ts";
import { type Database, migrateArthur } from "../db/index.ts";
import { withDatabase } from "./db-commands.ts";
import type { Runtime } from "./runtime.ts";
import { parseNumberOption, runCommand, UsageError } from "./runtime.ts";
import { buildAssistant, prepareDemo, startTools } from "./services.ts";
import { parseRole } from "./tools-command.ts";

/** The assistant over this database's gateway, in this process; `close` stops the tool service. */
async function withAssistant(
  body: (assistant: Assistant, registry: ToolRegistry, rt: Runtime) => Promise<void>,
  options: { rateLimits: boolean },
): Promise<void> {
  await withDatabase(async (db: Database, rt: Runtime) => {
    await migrateArthur(db.sql);
    if (db.embedded) await prepareDemo(db, rt);
    const service = startTools(db, rt);
    try {
      // The eval replays hundreds of questions as one user per role: neither limits nor session rows help there.
      const assistant = buildAssistant(db, rt, service, { interactive: options.rateLimits });
      await body(assistant, service.gateway.registry, rt);
    } finally {
      await service.close();
    }
  });
}

function answerJson(answer: AssistantAnswer) {
  return {
    answer: answer.text,
    plain: answer.plain,
    tools: answer.tools.map((t) => ({
      tool: t.tool,
      arguments: t.arguments,
      ok: t.ok,
      ...(t.pending ? { pending: true } : {}),
      ...(t.error ? { error: t.error } : {}),
      ...(t.images?.length ? { images: t.images } : {}),
    })),
    pending_approvals: answer.pendingApprovals,
    clarification: answer.clarification,
    denied: answer.denied,
    retrieved_tools: answer.retrieved,
    mode: answer.mode,
    model: answer.model,
    rounds: answer.rounds,
    ...(answer.modelError ? { model_error: answer.modelError } : {}),
    usage: answer.usage,
  };
}

async function ask(
  question: string,
  flags: { user: string; role: string; channel?: string; json?: boolean },
) {
  const role = parseRole(flags.role);
  if (!question.trim()) throw new UsageError("the question is empty");
  await withAssistant(
    async (assistant) => {
      const caller: Caller = {
        userId: flags.user,
        role,
        teamId: null,
        channelId: flags.channel ?? null,
        sessionId: null,
        via: "internal",
      };
      const answer = await assistant.answer({ message: question, context: [], caller, interaction: "cli" });
      if (flags.json) console.log(JSON.stringify(answerJson(answer), null, 2));
      else console.log(answer.plain);
    },
    { rateLimits: true },
  );
}

async function evaluate(flags: { cases: string; k: string; json?: boolean }) {
  const k = parseNumberOption(
    "--k",
    flags.k,
    (n) => Number.isInteger(n) && n >= 1 && n <= 67,
    "must be 1–67",
  );
  let cases: ReturnType<typeof loadEvalCases>;
  try {
    cases = loadEvalCases(flags.cases);
  } catch (error) {
    if (error instanceof EvalCasesError) throw new UsageError(error.message);
    throw error;
  }
  await withAssistant(
    async (assistant, registry, rt) => {
      const llmConfigured = rt.config.llm !== undefined;
      const report = await runEval(assistant, registry, cases, {
        k,
        mode: llmConfigured ? "llm" : "offline",
      });
      if (flags.json) {
        console.log(JSON.stringify(report, null, 2));
        return;
      }
      const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
      console.log(`eval — ${report.cases} cases, ${report.mode}, k=${report.k}`);
      console.log(`pass            ${report.passed}/${report.cases} (${pct(report.pass_rate)})`);
      console.log(`recall@${report.k}        ${pct(report.recall_at_k)}`);
      console.log(
        `tool tokens     ${report.mean_tool_tokens_shown} shown vs ${report.mean_tool_tokens_all} for every tool of the role (${pct(report.tool_token_ratio)}; ${report.tokenizer})`,
      );
      for (const [kind, { cases: n, passed }] of Object.entries(report.by_kind)) {
        console.log(`  ${kind.padEnd(14)} ${passed}/${n}`);
      }
      const failed = report.results.filter((r) => !r.pass);
      if (failed.length) {
        console.log("failed:");
        for (const r of failed.slice(0, 40)) {
          console.log(
            `  ${r.id}: called [${r.predicted_tools.join(", ")}]${r.clarified ? " (asked)" : ""}${r.denied ? " (denied)" : ""} ${JSON.stringify(r.predicted_args)}`,
          );
        }
      }
    },
    { rateLimits: false },
  );
}

export function registerAssistantCommands(program: Command): void {
  program
    .command("ask")
    .description("ask Arthur a question as a user and role (offline planner unless an LLM is configured)")
    .argument("<question>", "the question, in plain language")
    .requiredOption("--user <id>", "who is asking (a Slack user id or any name)")
    .requiredOption("--role <role>", "their role: ops, event-producer, finance, marketing, viewer")
    .option("--channel <id>", "the Slack channel the question comes from (channel memory, scoping)")
    .option("--json", "print the answer with the tools called and their arguments as JSON")
    .action((question: string, flags: { user: string; role: string; channel?: string; json?: boolean }) =>
      runCommand(() => ask(question, flags)),
    );

  program
    .command("eval")
    .description("score tool selection on a JSONL case file (format: shared/eval/README.md)")
    .requiredOption("--cases <file>", "the cases, one JSON object per line")
    .option("--k <n>", "how many retrieved tools count for recall", "8")
    .option("--json", "print the aggregate figures and one result per case as JSON")
    .action((flags: { cases: string; k: string; json?: boolean }) => runCommand(() => evaluate(flags)));
}
