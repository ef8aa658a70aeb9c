export { type Config, ConfigError, type LlmConfig, loadConfig } from "./load.ts";
export { knownVariables } from "./schema.ts";
