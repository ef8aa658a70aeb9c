import type { AnyTool } from "../../catalog/index.ts";
import { getMemory } from "./get-memory.ts";
import { getMemoryVersions } from "./memory-versions.ts";
import { rollbackMemory } from "./rollback-memory.ts";
import { updateMemory } from "./update-memory.ts";

/** The memory tools (original-system.md §1.2 #62–#65), in the order of the policy table. */
export const memoryTools: AnyTool[] = [getMemory, updateMemory, rollbackMemory, getMemoryVersions];

export { getMemory, getMemoryVersions, rollbackMemory, updateMemory };
