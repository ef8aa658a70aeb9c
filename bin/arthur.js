#!/usr/bin/env node
// Arthur runs its TypeScript sources directly with Node's built-in type stripping (Node >= 22.18).
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `arthur: Node ${process.versions.node} is too old; Node 22.18 or newer is required (see .nvmrc).`,
  );
  process.exit(1);
}
const { main } = await import("../src/cli/main.ts");
await main(process.argv);
