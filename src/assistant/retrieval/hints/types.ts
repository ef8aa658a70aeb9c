/** How people ask for a tool: phrasings to match against and words that point at it. */
export interface ToolHint {
  /** Questions an employee might type for this tool, Slack shorthand included. */
  examples: string[];
  /** Words and short phrases (synonyms, jargon) that point at this tool. */
  keywords: string[];
}

export type HintTable = Readonly<Record<string, ToolHint>>;
