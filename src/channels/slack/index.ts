export { createSlackApp, deliveryKeys, type SlackApp, type SlackAppDeps } from "./app.ts";
export { type Delivery, SlackPoster } from "./poster.ts";
export {
  decideRole,
  type RoleDecision,
  RoleDirectory,
  type RolePolicy,
  type RoleSource,
  type StoredRole,
} from "./roles.ts";
export { checkSlackSignature, type SignatureCheck, SLACK_SIGNATURE_WINDOW_SECONDS } from "./signature.ts";
export { SlackStore } from "./store.ts";
