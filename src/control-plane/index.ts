// The control plane: tenants and their tokens, signed webhook ingress and routing, alert runs,
// provisioning (with Kubernetes), and its HTTP server.
export { ADMIN_SCOPES, decideAccess, type Principal, type Scope, TEAM_SCOPES } from "./access.ts";
export {
  type AlertTrigger,
  extractEventIds,
  parseGitHub,
  parseIncidentIo,
  parsePagerDuty,
} from "./alerts.ts";
export { mergeConfig, type TenantConfig, tenantConfigSchema } from "./config.ts";
export { ControlPlaneError } from "./errors.ts";
export { createControlPlaneApp } from "./http.ts";
export { type Cluster, loadCluster } from "./k8s/index.ts";
export { Provisioner, type ProvisionRequest } from "./provision.ts";
export { diagnosisRequest, runAlert, teamCaller, teamToolFilter } from "./runs.ts";
export { ALERT_QUEUE, type RunningControlPlane, startControlPlane } from "./service.ts";
export { type TeamRef, Tenants } from "./tenants.ts";
export { type AlertJob, ingestWebhook } from "./webhooks.ts";
