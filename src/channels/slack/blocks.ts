import type { types } from "@slack/bolt";
import type { PendingApproval } from "../../assistant/index.ts";
import { type AnyTool, DOMAINS, type Domain, type Role } from "../../catalog/index.ts";

/** Button action ids; the listeners match on them. */
export const ACTIONS = {
  approve: "arthur_approval_confirm",
  cancel: "arthur_approval_cancel",
  helpful: "arthur_feedback_up",
  unhelpful: "arthur_feedback_down",
} as const;

type KnownBlock = types.KnownBlock;

const DOMAIN_TITLES: Record<Domain, string> = {
  "data-read": "Events & data",
  "profile-integrity": "Artists & profiles",
  payments: "Artist payments",
  "growth-marketing": "Marketing & growth",
  "platform-db-edge": "Platform & troubleshooting",
  "eventbrite-charts": "Ticket sales & charts",
  memory: "Channel & tool memory",
  "slack-knowledge": "Slack history search",
};

/** Questions people ask in each area; the App Home and the Assistant panel offer those the role can use. */
export const EXAMPLE_QUESTIONS: Record<Domain, readonly string[]> = {
  "data-read": ["What's coming up in Toronto?", "Who won round 2 at AB4001?"],
  "profile-integrity": [
    "Pull up the artist profile for Priya Raman",
    "Are there duplicate profiles for Priya Raman?",
  ],
  payments: ["Who still needs to be paid for AB4001?", "Show Priya Raman's payment ledger"],
  "growth-marketing": ["How did the last SMS campaign do?", "Which cities have the most repeat buyers?"],
  "platform-db-edge": ["Why can't people see AB4023?", "Any recent errors from the Edge Functions?"],
  "eventbrite-charts": ["How are ticket sales going for AB4023?", "Chart ticket sales for AB4023"],
  memory: ["What do you remember about this channel?"],
  "slack-knowledge": ["What did we decide about the Sydney venue?"],
};

const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } });
const context = (text: string): KnownBlock => ({ type: "context", elements: [{ type: "mrkdwn", text }] });

/** One part of an answer; the last part carries the feedback buttons (their value: the session). */
export function answerBlocks(
  chunk: string,
  options: { sessionId: string | null; last: boolean },
): KnownBlock[] {
  const blocks: KnownBlock[] = [section(chunk)];
  if (options.last && options.sessionId) {
    blocks.push({
      type: "actions",
      block_id: "arthur_feedback",
      elements: [
        {
          type: "button",
          action_id: ACTIONS.helpful,
          text: { type: "plain_text", text: "👍 Helpful", emoji: true },
          value: options.sessionId,
        },
        {
          type: "button",
          action_id: ACTIONS.unhelpful,
          text: { type: "plain_text", text: "👎 Not helpful", emoji: true },
          value: options.sessionId,
        },
      ],
    });
  }
  return blocks;
}

/** The call exactly as it will run, for people to check before they approve it. */
function argumentsBlock(args: Record<string, unknown>): string {
  const json = JSON.stringify(args, null, 2).replace(/```/g, "'''");
  return `\`\`\`${json.length > 2800 ? `${json.slice(0, 2800)}\n…` : json}\`\`\``;
}

function expiryText(expiresAt: string | null): string {
  if (!expiresAt) return "";
  const seconds = Math.floor(new Date(expiresAt).getTime() / 1000);
  return ` · expires <!date^${seconds}^{time}|${expiresAt}>`;
}

/** A pending write: what will run, with which arguments, and the two buttons that decide it. */
export function approvalBlocks(
  approval: PendingApproval,
  options: { requesterId: string; title: string; approversConfigured: boolean },
): KnownBlock[] {
  const who = options.approversConfigured
    ? `<@${options.requesterId}> or an approver`
    : `<@${options.requesterId}>`;
  return [
    section(
      `:raised_hand: *Approval needed:* <@${options.requesterId}> asked to run *${options.title}* (\`${approval.tool}\`) with:`,
    ),
    section(argumentsBlock(approval.arguments)),
    {
      type: "actions",
      block_id: `arthur_approval`,
      elements: [
        {
          type: "button",
          action_id: ACTIONS.approve,
          style: "primary",
          text: { type: "plain_text", text: "Approve" },
          value: approval.approvalId,
        },
        {
          type: "button",
          action_id: ACTIONS.cancel,
          style: "danger",
          text: { type: "plain_text", text: "Cancel" },
          value: approval.approvalId,
        },
      ],
    },
    context(`Only ${who} can decide${expiryText(approval.expiresAt)}. Nothing changes until then.`),
  ];
}

/** The approval message once decided (or closed): the buttons go, the arguments stay on record. */
export function decidedApprovalBlocks(original: readonly KnownBlock[], outcome: string): KnownBlock[] {
  return [...original.filter((b) => b.type !== "actions" && b.type !== "context"), context(outcome)];
}

/** The App Home tab: what Arthur can do for this person's role, with examples. */
export function homeView(
  person: { userId: string; role: Role | null },
  tools: readonly AnyTool[],
  options: { command: string; writesEnabled: boolean },
): { type: "home"; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: "Arthur — Art Battle operations assistant" } },
  ];
  if (!person.role) {
    blocks.push(
      section(
        `Hi <@${person.userId}>. You don't have an Arthur role yet, so I can't look anything up for you. ` +
          `Ask an Arthur admin to give you one (\`arthur roles set ${person.userId} <role>\`).`,
      ),
    );
    return { type: "home", blocks };
  }
  const writes = tools.filter((t) => t.policy.writes);
  blocks.push(
    section(
      `Hi <@${person.userId}> — you act as *${person.role}*: ${tools.length} tools are yours to use. ` +
        `Mention me in a channel (I answer in the thread), DM me, open my Assistant panel, or use \`${options.command}\` for an answer only you see.`,
    ),
    { type: "divider" },
  );
  for (const domain of DOMAINS) {
    const mine = tools.filter((t) => t.domain === domain);
    if (mine.length === 0) continue;
    const titles = mine
      .slice(0, 6)
      .map((t) => t.title)
      .join(", ");
    const more = mine.length > 6 ? ` and ${mine.length - 6} more` : "";
    const examples = EXAMPLE_QUESTIONS[domain].map((q) => `• _${q}_`).join("\n");
    blocks.push(section(`*${DOMAIN_TITLES[domain]}* — ${titles}${more}\n${examples}`));
  }
  blocks.push({ type: "divider" });
  const approvals =
    writes.length && options.writesEnabled
      ? "Changes (payments, invitations, schedules) wait for your *Approve* click and run once. "
      : "";
  blocks.push(
    context(`${approvals}React to my answers (👍, 👎, 🐛) or use their buttons to tell us how I did.`),
  );
  return { type: "home", blocks };
}

/** Up to four prompts for the Assistant panel, from the areas this role can use. */
export function suggestedPrompts(tools: readonly AnyTool[]): { title: string; message: string }[] {
  const domains = DOMAINS.filter((d) => tools.some((t) => t.domain === d));
  return domains.slice(0, 4).map((d) => {
    const message = EXAMPLE_QUESTIONS[d][0] ?? "";
    return { title: DOMAIN_TITLES[d], message };
  });
}
