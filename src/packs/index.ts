import type { AnyTool } from "../catalog/index.ts";
import { dataReadTools } from "./data-read/index.ts";

export { dataReadTools };

/** Every tool Arthur ships, pack by pack. */
export const allTools: AnyTool[] = [...dataReadTools];
