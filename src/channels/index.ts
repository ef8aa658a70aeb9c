// Slack (the app, who acts in which role) and the web console.
export * from "./slack/index.ts";
export {
  answerJson,
  type ConsoleDeps,
  createAssistantWebApp,
  createConsoleApp,
  newConsoleToken,
  type RunningConsole,
  startConsole,
  startSlackServer,
} from "./web/index.ts";
