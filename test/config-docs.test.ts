import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { knownVariables, loadConfig } from "../src/config/index.ts";

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");

describe("configuration documentation matches the configuration schema", () => {
  it(".env.example documents every variable and only those, with values that load", () => {
    const documented = [...read(".env.example").matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect([...new Set(documented)].sort()).toEqual([...knownVariables].sort());
    const active = Object.fromEntries(
      [...read(".env.example").matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]),
    );
    expect(() => loadConfig(active, { dotEnvPath: null })).not.toThrow();
  });

  it("the README's configuration table lists every variable", () => {
    const readme = read("README.md");
    const listed = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect([...listed].sort()).toEqual([...knownVariables].sort());
  });

  it("the README starts with the two commands", () => {
    const top = read("README.md").split("\n").slice(0, 12).join("\n");
    expect(top).toContain("npm install && npm start");
    expect(top).toContain("npm test");
  });
});
