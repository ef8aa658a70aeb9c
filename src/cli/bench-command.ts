import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { benchControlPlane, printControlPlaneTable } from "./bench/control-plane.ts";
import { benchGateway, printGatewayTable } from "./bench/gateway.ts";
import { benchKnowledge, printKnowledgeTable } from "./bench/knowledge.ts";
import { benchSeed, printSeedTable } from "./bench/seed.ts";
import { benchStartup, printStartupTable } from "./bench/startup.ts";
import { parseNumberOption, runCommand, UsageError } from "./runtime.ts";

const SUITES = ["seed", "startup", "gateway", "knowledge", "control-plane"] as const;

function writeResult(name: string, result: { at: string }): void {
  const dir = resolve("bench/results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${result.at.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

export function registerBenchCommand(program: Command): void {
  program
    .command("bench")
    .description("performance benchmarks: each prints a table and writes JSON to bench/results/")
    .argument("[suite]", `which benchmark: ${SUITES.join(", ")} or all`, "all")
    .option("--scale <n>", "seed suite: data scale (1 = production volumes)", "1")
    .option("--seed <int>", "seed suite: random seed", "1")
    .option("--demo-scale <n>", "startup suite: demo scale seeded on the first start", "0.1")
    .option("--calls <n>", "gateway suite: sequential calls per latency measurement", "2000")
    .option("--seconds <n>", "gateway suite: seconds per load level", "10")
    .option("--messages <n>", "knowledge suite: messages in the synthetic Slack export", "200000")
    .option("--deliveries <n>", "control-plane suite: webhook deliveries per measurement", "1000")
    .action(
      (
        suite: string,
        flags: {
          scale: string;
          seed: string;
          demoScale: string;
          calls: string;
          seconds: string;
          messages: string;
          deliveries: string;
        },
      ) =>
        runCommand(async () => {
          if (suite !== "all" && !SUITES.includes(suite as (typeof SUITES)[number])) {
            throw new UsageError(`unknown benchmark "${suite}" (available: ${SUITES.join(", ")}, all)`);
          }
          const inRange = (n: number) => n > 0 && n <= 10;
          if (suite === "seed" || suite === "all") {
            const scale = parseNumberOption(
              "--scale",
              flags.scale,
              inRange,
              "must be above 0 and at most 10",
            );
            const seed = parseNumberOption("--seed", flags.seed, Number.isInteger, "must be a whole number");
            const result = await benchSeed(scale, seed);
            printSeedTable(result);
            writeResult("seed", result);
          }
          if (suite === "startup" || suite === "all") {
            const scale = parseNumberOption(
              "--demo-scale",
              flags.demoScale,
              inRange,
              "must be above 0 and at most 10",
            );
            const result = await benchStartup(scale);
            printStartupTable(result);
            writeResult("startup", result);
          }
          if (suite === "gateway" || suite === "all") {
            const scale = parseNumberOption(
              "--scale",
              flags.scale,
              inRange,
              "must be above 0 and at most 10",
            );
            const calls = parseNumberOption(
              "--calls",
              flags.calls,
              (n) => Number.isInteger(n) && n >= 10,
              "must be a whole number ≥ 10",
            );
            const seconds = parseNumberOption(
              "--seconds",
              flags.seconds,
              (n) => n >= 1 && n <= 120,
              "must be 1–120",
            );
            const result = await benchGateway(scale, { calls, seconds });
            printGatewayTable(result);
            writeResult("gateway", result);
          }
          if (suite === "knowledge" || suite === "all") {
            const messages = parseNumberOption(
              "--messages",
              flags.messages,
              (n) => Number.isInteger(n) && n >= 1000 && n <= 2_000_000,
              "must be a whole number from 1000 to 2000000",
            );
            const result = await benchKnowledge({ messages });
            printKnowledgeTable(result);
            writeResult("knowledge", result);
          }
          if (suite === "control-plane" || suite === "all") {
            const deliveries = parseNumberOption(
              "--deliveries",
              flags.deliveries,
              (n) => Number.isInteger(n) && n >= 50 && n <= 100_000,
              "must be a whole number from 50 to 100000",
            );
            const result = await benchControlPlane({ deliveries });
            printControlPlaneTable(result);
            writeResult("control-plane", result);
          }
        }),
    );
}
