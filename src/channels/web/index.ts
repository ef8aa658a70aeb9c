export { answerJson, type ConsoleDeps, createConsoleApp, MAX_BODY_BYTES } from "./app.ts";
export { newConsoleToken, type RunningConsole, startConsole } from "./server.ts";
