export {
  type ConsoleDeps,
  createConsoleApp,
  newConsoleToken,
  type RunningConsole,
  startConsole,
} from "./web/index.ts";
