import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import type { LlmConfig } from "../../config/index.ts";

/**
 * The configured model through the AI SDK. OpenAI is spoken through chat completions (not the
 * Responses API), the format every OpenAI-compatible server (Ollama, vLLM) also serves.
 */
export function createLanguageModel(config: LlmConfig): LanguageModel {
  const baseURL = config.baseUrl;
  switch (config.provider) {
    case "openai":
      return createOpenAI({ apiKey: config.apiKey, ...(baseURL ? { baseURL } : {}) }).chat(config.model);
    case "anthropic":
      return createAnthropic({ apiKey: config.apiKey, ...(baseURL ? { baseURL } : {}) })(config.model);
    case "openai-compatible":
      return createOpenAICompatible({
        name: "openai-compatible",
        baseURL: baseURL ?? "",
        ...(config.apiKey ? { apiKey: config.apiKey } : {}),
        includeUsage: true,
      }).chatModel(config.model);
  }
}
