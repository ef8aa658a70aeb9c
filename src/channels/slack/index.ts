export { createSlackApp, deliveryKeys, type SlackApp, type SlackAppDeps } from "./app.ts";
export { type Delivery, SlackPoster } from "./poster.ts";
export {
  decideRole,
  type RoleDecision,
  RoleDirectory,
  type RolePolicy,
  type RoleSource,
  type StoredRole,
  type TeamRoleLookup,
} from "./roles.ts";
export { SlackStore } from "./store.ts";
