import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Fake language-model servers on 127.0.0.1 speaking two real wire formats: OpenAI chat completions
 * (`POST /v1/chat/completions`) and Anthropic messages (`POST /v1/messages`), non-streaming. A test
 * scripts the model's turns; every request is recorded exactly as it arrived, so a test can check
 * what was sent to the model (tools shown, tool results, masked data).
 */

export type LlmWireFormat = "openai" | "anthropic";

/** What the scripted model answers to one request. */
export interface ModelTurn {
  text?: string;
  toolCalls?: { name: string; args: Record<string, unknown> }[];
  usage?: { input: number; output: number };
  /** Answer only after this long (a slow or hung provider). */
  delayMs?: number;
  /** Fail with this HTTP status and the format's error body. */
  error?: { status: number; message: string };
}

/** One request as the model saw it, with the parts tests look at pulled out. */
export interface ModelRequest {
  path: string;
  headers: IncomingMessage["headers"];
  /** The JSON body exactly as sent. */
  body: Record<string, unknown>;
  /** The raw body text: what a redaction check must search. */
  raw: string;
  /** Names of the tools offered in this request. */
  tools: string[];
  /** Tool results in this request, in order, as the text the model reads. */
  toolResults: { callId: string; content: string }[];
  /** The system prompt (instructions). */
  system: string;
}

export type ModelScript = (request: ModelRequest, index: number) => ModelTurn | Promise<ModelTurn>;

export interface FakeLlm {
  readonly format: LlmWireFormat;
  /** Base URL for LLM_BASE_URL (ends in /v1). */
  readonly baseUrl: string;
  readonly requests: ModelRequest[];
  close(): Promise<void>;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part) => (part as { text?: string }).text ?? "").join("");
  }
  return "";
}

function parseOpenAi(body: Record<string, unknown>): Pick<ModelRequest, "tools" | "toolResults" | "system"> {
  const messages = (body.messages ?? []) as { role: string; content: unknown; tool_call_id?: string }[];
  const tools = ((body.tools ?? []) as { function: { name: string } }[]).map((t) => t.function.name);
  return {
    tools,
    toolResults: messages
      .filter((m) => m.role === "tool")
      .map((m) => ({ callId: m.tool_call_id ?? "", content: textOf(m.content) })),
    system: messages
      .filter((m) => m.role === "system" || m.role === "developer")
      .map((m) => textOf(m.content))
      .join("\n"),
  };
}

function parseAnthropic(
  body: Record<string, unknown>,
): Pick<ModelRequest, "tools" | "toolResults" | "system"> {
  const messages = (body.messages ?? []) as { role: string; content: unknown }[];
  const tools = ((body.tools ?? []) as { name: string }[]).map((t) => t.name);
  const toolResults: ModelRequest["toolResults"] = [];
  for (const message of messages) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content as { type: string; tool_use_id?: string; content?: unknown }[]) {
      if (block.type === "tool_result") {
        toolResults.push({ callId: block.tool_use_id ?? "", content: textOf(block.content) });
      }
    }
  }
  return { tools, toolResults, system: textOf(body.system) };
}

let callCounter = 0;

function openAiReply(turn: ModelTurn, model: string): unknown {
  const toolCalls = (turn.toolCalls ?? []).map((call) => ({
    id: `call_${++callCounter}`,
    type: "function",
    function: { name: call.name, arguments: JSON.stringify(call.args) },
  }));
  const usage = turn.usage ?? { input: 100, output: 20 };
  return {
    id: `chatcmpl-${callCounter}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: turn.text ?? null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: toolCalls.length ? "tool_calls" : "stop",
      },
    ],
    usage: {
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
      total_tokens: usage.input + usage.output,
    },
  };
}

function anthropicReply(turn: ModelTurn, model: string): unknown {
  const content: unknown[] = [];
  if (turn.text) content.push({ type: "text", text: turn.text });
  for (const call of turn.toolCalls ?? []) {
    content.push({ type: "tool_use", id: `toolu_${++callCounter}`, name: call.name, input: call.args });
  }
  const usage = turn.usage ?? { input: 100, output: 20 };
  return {
    id: `msg_${++callCounter}`,
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: turn.toolCalls?.length ? "tool_use" : "end_turn",
    stop_sequence: null,
    usage: { input_tokens: usage.input, output_tokens: usage.output },
  };
}

function errorBody(format: LlmWireFormat, status: number, message: string): unknown {
  return format === "openai"
    ? { error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", code: null } }
    : { type: "error", error: { type: status >= 500 ? "api_error" : "invalid_request_error", message } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export async function startFakeLlm(format: LlmWireFormat, script: ModelScript): Promise<FakeLlm> {
  const requests: ModelRequest[] = [];
  const expectedPath = format === "openai" ? "/v1/chat/completions" : "/v1/messages";
  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    if (req.method !== "POST" || req.url !== expectedPath) {
      send(res, 404, errorBody(format, 404, `no route ${req.method} ${req.url}`));
      return;
    }
    const authorized =
      format === "openai"
        ? /^Bearer \S+/.test(req.headers.authorization ?? "")
        : typeof req.headers["x-api-key"] === "string" &&
          typeof req.headers["anthropic-version"] === "string";
    if (!authorized) {
      send(res, 401, errorBody(format, 401, "missing API key"));
      return;
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    const parsed = format === "openai" ? parseOpenAi(body) : parseAnthropic(body);
    const request: ModelRequest = { path: req.url, headers: req.headers, body, raw, ...parsed };
    requests.push(request);
    const turn = await script(request, requests.length - 1);
    if (turn.delayMs) {
      const waited = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), turn.delayMs);
        res.on("close", () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      if (!waited) return;
    }
    if (turn.error) {
      send(res, turn.error.status, errorBody(format, turn.error.status, turn.error.message));
      return;
    }
    const model = String(body.model ?? "fake-model");
    send(res, 200, format === "openai" ? openAiReply(turn, model) : anthropicReply(turn, model));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    format,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
