export {
  decideRole,
  type RoleDecision,
  RoleDirectory,
  type RolePolicy,
  type RoleSource,
  type StoredRole,
} from "./roles.ts";
