import type { AnyTool } from "../../catalog/index.ts";
import { searchSlackKnowledge } from "./search-slack-knowledge.ts";
import { getSlackKnowledgeStats } from "./slack-knowledge-stats.ts";

/** The slack-knowledge tools (original-system.md §1.2 #66–#67), in the order of the policy table. */
export const slackKnowledgeTools: AnyTool[] = [searchSlackKnowledge, getSlackKnowledgeStats];

export { getSlackKnowledgeStats, searchSlackKnowledge };
