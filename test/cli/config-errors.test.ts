import { describe, expect, it } from "vitest";
import { cleanEnv, runArthur } from "../helpers/process.ts";

describe("arthur refuses bad configuration at start-up", () => {
  it("exits non-zero with one line naming the malformed variable", async () => {
    const result = await runArthur(["dev"], cleanEnv({ GATEWAY_PORT: "abc" }));
    expect(result.code).not.toBe(0);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toEqual(['arthur: Invalid configuration: GATEWAY_PORT must be a whole number (got "abc")']);
    expect(result.stdout).toBe("");
  });

  it("names an unknown value of an enumerated setting", async () => {
    const result = await runArthur(["db", "status"], cleanEnv({ LOG_LEVEL: "chatty" }));
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toMatch(
      /^arthur: Invalid configuration: LOG_LEVEL must be one of .*\(got "chatty"\)$/,
    );
  });

  it("rejects an unknown command option with usage help and exit code 2", async () => {
    const result = await runArthur(["db", "seed", "--scael", "1"], cleanEnv({}));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--scael'");
  });

  it("rejects a malformed --scale before touching any database", async () => {
    const result = await runArthur(
      ["db", "seed", "--scale", "lots"],
      cleanEnv({ DATABASE_URL: "postgres://u:p@127.0.0.1:1/x" }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('arthur: --scale must be a number above 0 and at most 10 (got "lots")');
  });
});
