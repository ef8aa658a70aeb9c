// Slack (who acts in which role) and the web console.
export * from "./slack/index.ts";
export {
  type ConsoleDeps,
  createConsoleApp,
  newConsoleToken,
  type RunningConsole,
  startConsole,
} from "./web/index.ts";
