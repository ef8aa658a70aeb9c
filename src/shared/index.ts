export { freePort, processIsAlive } from "./process.ts";
