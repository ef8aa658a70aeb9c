export { answerJson, type ConsoleDeps, createConsoleApp, MAX_BODY_BYTES } from "./app.ts";
export {
  createAssistantWebApp,
  newConsoleToken,
  type RunningConsole,
  startConsole,
  startSlackServer,
} from "./server.ts";
