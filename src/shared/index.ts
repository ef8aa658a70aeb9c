export { freePort, processIsAlive } from "./process.ts";
export {
  DEFAULT_TOLERANCE_SECONDS,
  type Headers,
  type SignatureReason,
  type Verification,
  type VerifyInput,
  verifyGitHub,
  verifyIncidentIo,
  verifyPagerDuty,
  verifySlack,
  verifyWebhook,
  type WebhookSource,
} from "./signatures.ts";
