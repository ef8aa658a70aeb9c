/** Slack's limit on the text of one section block. */
export const SLACK_SECTION_LIMIT = 3000;

const FENCE = "```";

/**
 * Converts the assistant's Markdown answer into Slack mrkdwn.
 *
 * Single-asterisk spans (`*x*`) are left alone on purpose: our tools already emit Slack-style bold
 * (`*Upcoming events* — 3 found`), so reading them as Markdown italics would undo the intended
 * emphasis. Italics survive only as `_x_`, which both dialects agree on.
 */
export function toMrkdwn(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? "";
    const fence = openingFence(line);
    if (fence) {
      const block = readCodeBlock(lines, index, fence);
      out.push(block.text);
      index = block.next;
      continue;
    }
    const tableEnd = tableRunEnd(lines, index);
    if (tableEnd - index >= 2) {
      out.push(renderTable(lines.slice(index, tableEnd)));
      index = tableEnd;
      continue;
    }
    out.push(convertLine(line));
    index += 1;
  }
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Code blocks

interface Fence {
  marker: "`" | "~";
  length: number;
  indent: number;
}

function openingFence(line: string): Fence | null {
  const match = /^([ \t]*)(`{3,}|~{3,})(.*)$/.exec(line);
  if (!match) return null;
  const [, indent = "", run = "", info = ""] = match;
  // "```code```" on one line is Slack's inline block, not an opening fence.
  if (run.startsWith("`") && info.includes("`")) return null;
  return { marker: run.startsWith("`") ? "`" : "~", length: run.length, indent: indent.length };
}

function closesFence(line: string, fence: Fence): boolean {
  const match = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(line);
  const run = match?.[1] ?? "";
  return run.startsWith(fence.marker) && run.length >= fence.length;
}

/** A fence indented inside a list item indents its content too; Slack would show that indent. */
function dedent(line: string, indent: number): string {
  let cut = 0;
  while (cut < indent && (line[cut] === " " || line[cut] === "\t")) cut += 1;
  return line.slice(cut);
}

function readCodeBlock(lines: string[], start: number, fence: Fence): { text: string; next: number } {
  const body: string[] = [];
  let index = start + 1;
  while (index < lines.length && !closesFence(lines[index] ?? "", fence)) {
    body.push(escapeText(dedent(lines[index] ?? "", fence.indent)));
    index += 1;
  }
  // An unclosed fence still gets closed, otherwise Slack leaves the rest of the message raw.
  const next = Math.min(index + 1, lines.length);
  return { text: [FENCE, ...body, FENCE].join("\n"), next };
}

// ---------------------------------------------------------------------------------------------
// Tables: Slack has no tables, so they become aligned monospace text.

function isTableLine(line: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= 2 && trimmed.startsWith("|") && trimmed.endsWith("|");
}

function tableRunEnd(lines: string[], start: number): number {
  let end = start;
  while (end < lines.length && isTableLine(lines[end] ?? "")) end += 1;
  return end;
}

function splitCells(line: string): string[] {
  return line
    .trim()
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replaceAll("\\|", "|"));
}

function isSeparatorRow(cells: string[]): boolean {
  return cells.every((cell) => /^:?-+:?$/.test(cell));
}

/** Markup means nothing inside a code block, so cells keep only their words. */
function plainCell(cell: string): string {
  return cell
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/!?\[([^\]\n]*)\]\(([^()\s]+)\)/g, (_match, label: string, url: string) =>
      label && label !== url ? `${label} (${url})` : url,
    )
    .replace(/\*\*|__|~~|`/g, "");
}

const displayWidth = (text: string): number => [...text].length;

function renderTable(lines: string[]): string {
  const rows = lines
    .map(splitCells)
    .filter((cells) => !isSeparatorRow(cells))
    .map((cells) => cells.map(plainCell));
  if (rows.length === 0) return "";
  const columns = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(...rows.map((row) => displayWidth(row[column] ?? ""))),
  );
  // Pad before escaping: "&amp;" shows as one character, so padding the escaped text would misalign.
  const body = rows.map((row) =>
    escapeText(
      widths
        .map((width, column) => {
          const cell = row[column] ?? "";
          return cell + " ".repeat(width - displayWidth(cell));
        })
        .join("  ")
        .trimEnd(),
    ),
  );
  return [FENCE, ...body, FENCE].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Lines

const HEADING = /^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const EMPTY_HEADING = /^[ \t]{0,3}#{1,6}[ \t]*$/;
const QUOTE = /^[ \t]*(?:>[ \t]?)+(.*)$/;
const RULE = /^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const BULLET = /^([ \t]*)[-*+][ \t]+(.*)$/;

function convertLine(line: string): string {
  // The quote marker must stay a raw ">": escaped, Slack would show "&gt;" text instead of a quote.
  const quote = QUOTE.exec(line);
  if (quote) return `> ${convertLine(quote[1] ?? "")}`.trimEnd();
  if (RULE.test(line)) return line.trim();
  if (EMPTY_HEADING.test(line)) return "";
  const heading = HEADING.exec(line);
  if (heading) return renderHeading(heading[1] ?? "");
  const bullet = BULLET.exec(line);
  if (bullet) return `${bullet[1] ?? ""}• ${convertInline(bullet[2] ?? "")}`;
  return convertInline(line);
}

function renderHeading(content: string): string {
  // The whole line becomes bold, so emphasis inside it would only nest asterisks.
  const plain = content.replaceAll("**", "").replace(/^\*(.+)\*$/, "$1");
  return plain.trim() ? `*${convertInline(plain)}*` : "";
}

// ---------------------------------------------------------------------------------------------
// Inline text

const INLINE_CODE = /(`+)(?!`)(.+?)(?<!`)\1(?!`)/g;
const SLACK_TOKEN =
  /<(?:[@#][A-Z0-9]+(?:\|[^<>\n]*)?|![a-z]+(?:\^[^<>|\n]*)?(?:\|[^<>\n]*)?|(?:https?|mailto):[^<>\s|]+(?:\|[^<>\n]*)?)>/g;
const MARKDOWN_LINK = /!?\[([^\]\n]*)\]\(\s*<?((?:[^()\s<>]|\([^()\s<>]*\))+)>?(?:\s+"[^"\n]*")?\s*\)/g;
const LINKABLE = /^(?:https?:\/\/|mailto:)/i;
// Trailing punctuation is usually the sentence's, not the URL's.
const BARE_URL = /\bhttps?:\/\/[^\s<>]*[^\s<>*_~.,;:!?)\]'"]/g;
// Private-use characters: the assistant's text has no reason to contain them.
const SLOT = /\uE000(\d+)\uE001/g;

/** Escapes the three characters Slack reads as control characters. */
function escapeText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function convertEmphasis(text: string): string {
  return text
    .replace(/\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*/g, "*_$1_*")
    .replace(/\*\*(?=\S)(.+?)(?<=\S)\*\*/g, "*$1*")
    .replace(/(?<![\p{L}\p{N}_])__(?=\S)(.+?)(?<=\S)__(?![\p{L}\p{N}_])/gu, "*$1*")
    .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, "~$1~");
}

/**
 * Code, Slack tokens, links and URLs are parked in numbered slots while the rest is escaped and
 * converted, so emphasis rules never reach inside them; slots may nest (code inside a link label).
 */
function convertInline(text: string): string {
  const parked: string[] = [];
  const park = (value: string): string => `\uE000${parked.push(value) - 1}\uE001`;
  const unpark = (value: string): string =>
    value.replace(SLOT, (_match, slot: string) => unpark(parked[Number(slot)] ?? ""));

  const converted = text
    .replace(INLINE_CODE, (code) => park(escapeText(code)))
    .replace(SLACK_TOKEN, (token) => park(token))
    .replace(MARKDOWN_LINK, (_match, label: string, url: string) => park(renderLink(label, url)))
    .replace(BARE_URL, (url) => park(escapeText(url)));
  return unpark(convertEmphasis(escapeText(converted)));
}

function renderLink(label: string, url: string): string {
  const text = label.trim();
  if (!LINKABLE.test(url)) return escapeText(text ? `${text} (${url})` : url);
  return text ? `<${escapeText(url)}|${escapeText(text)}>` : `<${escapeText(url)}>`;
}

// ---------------------------------------------------------------------------------------------
// Splitting

const REOPEN = `${FENCE}\n`;
const CLOSE = `\n${FENCE}`;
const MIN_SPLIT_LIMIT = REOPEN.length + CLOSE.length + 1;

interface Cut {
  at: number;
  /** What separated the two halves, dropped from the start of the remainder. */
  separator: RegExp;
}

/**
 * Splits mrkdwn into chunks of at most `limit` characters, breaking at a blank line, else a line
 * break, else a space, else mid-word; a code block cut in two is closed and reopened.
 */
export function splitForSlack(text: string, limit = SLACK_SECTION_LIMIT): string[] {
  if (!Number.isInteger(limit) || limit < MIN_SPLIT_LIMIT) {
    throw new RangeError(`splitForSlack: limit must be an integer of at least ${MIN_SPLIT_LIMIT}`);
  }
  if (text.trim() === "") return [];
  if (text.length <= limit) return [text];

  const chunks: string[] = [];
  let rest = text;
  let inFence = false;
  while (rest.trim() !== "") {
    const opener = inFence ? REOPEN : "";
    if (opener.length + rest.length <= limit) {
      chunks.push((opener + rest).trimEnd());
      break;
    }
    const step = takeChunk(rest, inFence, limit - opener.length - CLOSE.length);
    if (step.head.trim() !== "") chunks.push(opener + step.head + (step.open ? CLOSE : ""));
    rest = step.rest;
    inFence = step.open;
    // The next thing is the block's own closing fence: ours already closed it.
    if (inFence && rest.startsWith(FENCE)) {
      rest = rest.slice(FENCE.length).replace(/^[ \t]*\n?/, "");
      inFence = false;
    }
  }
  return chunks;
}

const countFences = (text: string): number => text.split(FENCE).length - 1;

function takeChunk(
  text: string,
  inFence: boolean,
  budget: number,
): { head: string; rest: string; open: boolean } {
  const cut = chooseCut(text, budget);
  let head = text.slice(0, cut.at).trimEnd();
  let rest = text.slice(cut.at).replace(cut.separator, "");
  let open = inFence !== (countFences(head) % 2 === 1);

  // A fence that opens on the chunk's last line would leave an empty block; move it to the next chunk.
  const lastLineStart = head.lastIndexOf("\n") + 1;
  if (open && lastLineStart > 0 && /^```[^`\s]*$/.test(head.slice(lastLineStart))) {
    const shorter = text.slice(0, lastLineStart).trimEnd();
    if (shorter.trim() !== "") {
      head = shorter;
      rest = text.slice(lastLineStart);
      open = !open;
    }
  }
  return { head, rest, open };
}

type BreakFinder = (text: string, budget: number) => Cut | null;

const paragraphBreak: BreakFinder = (text, budget) => {
  const at = text.lastIndexOf("\n\n", budget);
  return at > 0 ? { at, separator: /^\n+/ } : null;
};

const lineBreak: BreakFinder = (text, budget) => {
  const at = text.lastIndexOf("\n", budget);
  return at > 0 ? { at, separator: /^\n/ } : null;
};

const wordBreak: BreakFinder = (text, budget) => {
  const at = lastSpaceOutsideTokens(text, budget);
  return at > 0 ? { at, separator: /^[ \t]+/ } : null;
};

function chooseCut(text: string, budget: number): Cut {
  // A break in the first half would leave a needlessly short chunk, so a worse kind of break
  // further on wins over it; only when none exists there do early breaks count.
  const minimums = [Math.floor(budget / 2), 1];
  for (const minimum of minimums) {
    for (const find of [paragraphBreak, lineBreak, wordBreak]) {
      const cut = find(text, budget);
      if (cut && cut.at >= minimum) return cut;
    }
  }
  return { at: hardCut(text, budget), separator: /^/ };
}

/** Spaces inside `<url|label>` and friends would break the token in two. */
function lastSpaceOutsideTokens(text: string, budget: number): number {
  const tokens: Array<[number, number]> = [];
  for (const match of text.matchAll(/<[^<>\n]*>/g)) {
    if (match.index > budget) break;
    tokens.push([match.index, match.index + match[0].length]);
  }
  const insideToken = (at: number) => tokens.some(([start, end]) => at > start && at < end);
  for (let at = Math.min(budget, text.length - 1); at > 0; at -= 1) {
    const char = text[at];
    if ((char === " " || char === "\t") && !insideToken(at)) return at;
  }
  return -1;
}

/** A mid-word cut still avoids halving a surrogate pair, an entity or a run of backticks. */
function hardCut(text: string, budget: number): number {
  let at = budget;
  const entity = /&(?:amp|lt|gt);/y;
  for (let start = Math.max(0, at - 4); start < at; start += 1) {
    entity.lastIndex = start;
    if (text[start] === "&" && entity.test(text) && entity.lastIndex > at) {
      at = start;
      break;
    }
  }
  const code = text.charCodeAt(at);
  if (code >= 0xdc00 && code <= 0xdfff) at -= 1;
  while (at > 1 && text[at - 1] === "`" && text[at] === "`") at -= 1;
  return Math.max(at, 1);
}
