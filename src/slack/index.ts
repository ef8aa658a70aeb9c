export {
  type ChartUpload,
  createSlackClient,
  type PostedMessage,
  SlackApiError,
  type SlackClient,
  type SlackClientOptions,
  type UploadedFile,
} from "./client.ts";
