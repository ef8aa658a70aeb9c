export { type Config, ConfigError, loadConfig } from "./load.ts";
export { knownVariables } from "./schema.ts";
