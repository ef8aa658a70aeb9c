import { createHash } from "node:crypto";
import { Cron } from "croner";

/**
 * The Kubernetes objects a team gets, built as plain wire JSON (what `kubectl get -o json` shows),
 * with no I/O. Names carry a hash of the raw ids, so two teams never share an object however
 * their ids are truncated or cleaned up (the original cut org and team to 20 and 30 characters
 * and teams collided).
 */

export interface TeamSchedule {
  name: string;
  /** Five fields, minute first, read in UTC (the CronJob sets timeZone Etc/UTC). */
  cron: string;
  /** What the job runs, as `arthur` CLI args. */
  args: string[];
}

export interface TeamWorkload {
  orgId: string;
  teamId: string;
  namespace: string;
  image: string;
  schedules: TeamSchedule[];
  deploymentMode: "shared" | "dedicated";
  /** The dedicated runner's `arthur` CLI args; default `["assistant"]`, which serves /healthz on PORT. */
  runnerArgs?: string[];
  /** A Secret in the namespace whose keys become every container's environment (DATABASE_URL, …). */
  secretName?: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

export const MANAGED_BY = "arthur-control-plane";
/** Pods with this app.kubernetes.io/name are the only ones a dedicated runner accepts traffic from. */
export const CONTROL_PLANE_APP = "arthur-control-plane";
export const RUNNER_PORT = 8080;

export const LABELS = {
  name: "app.kubernetes.io/name",
  component: "app.kubernetes.io/component",
  partOf: "app.kubernetes.io/part-of",
  managedBy: "app.kubernetes.io/managed-by",
  org: "arthur.dev/org",
  team: "arthur.dev/team",
} as const;

export const ANNOTATIONS = {
  orgId: "arthur.dev/org-id",
  teamId: "arthur.dev/team-id",
  schedule: "arthur.dev/schedule",
} as const;

const DNS_LABEL_MAX = 63;
/** The CronJob controller appends an 11-character suffix to Job names, so the API caps CronJob names at 52. */
export const CRONJOB_NAME_MAX = 52;
const HASH_CHARS = 8;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function shortHash(parts: readonly (string | null)[]): string {
  // JSON keeps ("a-b", "c") apart from ("a", "b-c"); a plain join would not.
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, HASH_CHARS);
}

/** Lowercase ASCII letters, digits and single dashes; accents folded ("Montréal" → "montreal"). */
function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Split `budget` characters so short parts stay whole and the long ones share what is left. */
function fairShares(lengths: readonly number[], budget: number): number[] {
  const shares = lengths.map(() => 0);
  const order = lengths.map((_, i) => i).sort((a, b) => (lengths[a] ?? 0) - (lengths[b] ?? 0));
  let left = Math.max(0, budget);
  order.forEach((index, position) => {
    const share = Math.min(lengths[index] ?? 0, Math.floor(left / (order.length - position)));
    shares[index] = share;
    left -= share;
  });
  return shares;
}

/**
 * A DNS-1123 label (≤ maxLength, [a-z0-9-], starting and ending with a letter or digit):
 * `prefix-org-team[-extra]-hash`, where hash is 8 hex characters of SHA-256 over the raw
 * (org, team, extra). The readable parts are cleaned and shortened as needed; the hash alone
 * keeps teams apart, so ids that clean up alike ("Ops Team" and "ops-team") or share a long
 * prefix still get different names.
 *
 * @param prefix a short fixed word such as "arthur-runner" (already a valid label, never cut)
 * @param maxLength 63 for most objects; CRONJOB_NAME_MAX for CronJobs
 */
export function resourceName(
  prefix: string,
  orgId: string,
  teamId: string,
  extra?: string,
  maxLength: number = DNS_LABEL_MAX,
): string {
  if (!DNS_LABEL.test(prefix) || !/^[a-z]/.test(prefix)) {
    throw new Error(`resource name prefix "${prefix}" must be lowercase letters, digits and dashes`);
  }
  const limit = Math.min(maxLength, DNS_LABEL_MAX);
  const fixed = prefix.length + 1 + HASH_CHARS;
  if (fixed > limit)
    throw new Error(`resource name prefix "${prefix}" leaves no room in ${limit} characters`);
  const hash = shortHash([orgId, teamId, extra ?? null]);
  const parts = [orgId, teamId, ...(extra === undefined ? [] : [extra])].map(slug).filter((p) => p !== "");
  // Each readable part costs its length plus the dash before the next part.
  const shares = fairShares(
    parts.map((p) => p.length),
    limit - fixed - parts.length,
  );
  const readable = parts.map((p, i) => p.slice(0, shares[i]).replace(/-+$/, "")).filter((p) => p !== "");
  return [prefix, ...readable, hash].join("-");
}

/**
 * A valid label value for a raw id: the id itself when it already is one, else a cleaned,
 * shortened form plus a hash of the raw id, so two ids never share a value (selectors match on
 * these, and a shared value would let one team's Service reach another team's pods).
 */
export function labelValue(raw: string): string {
  if (raw.length <= DNS_LABEL_MAX && LABEL_VALUE.test(raw)) return raw;
  const cleaned = raw
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .slice(0, DNS_LABEL_MAX - HASH_CHARS - 1)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  const hash = shortHash([raw]);
  return cleaned === "" ? hash : `${cleaned}-${hash}`;
}

/** The labels that pick out one team's objects (both ids: team ids are unique only within an org). */
export function teamSelector(orgId: string, teamId: string): Record<string, string> {
  return { [LABELS.org]: labelValue(orgId), [LABELS.team]: labelValue(teamId) };
}

export const runnerName = (orgId: string, teamId: string) => resourceName("arthur-runner", orgId, teamId);
export const serviceAccountName = (orgId: string, teamId: string) =>
  resourceName("arthur-team", orgId, teamId);
export const cronJobName = (orgId: string, teamId: string, schedule: string) =>
  resourceName("arthur-sched", orgId, teamId, schedule, CRONJOB_NAME_MAX);

/** Where the control plane reaches a dedicated runner (to store as the team's runner URL). */
export function runnerServiceUrl(orgId: string, teamId: string, namespace: string): string {
  return `http://${runnerName(orgId, teamId)}.${namespace}.svc.cluster.local:${RUNNER_PORT}`;
}

const MONTHS = /JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC/gi;
const WEEKDAYS = /SUN|MON|TUE|WED|THU|FRI|SAT/gi;

/**
 * null when `expr` is a five-field cron expression a Kubernetes CronJob accepts and that fires
 * at some point; otherwise why not. Croner checks ranges and finds the next run; the checks
 * before it turn away croner's extensions (L, W, #, @daily, weekday 7) that Kubernetes' parser
 * (robfig/cron) rejects, because the API server would answer 422 only at provisioning time.
 */
export function validateCron(expr: string): string | null {
  const text = expr.trim();
  if (text.startsWith("@"))
    return `use five fields instead of "${text}" (e.g. "0 2 * * *" for daily at 02:00)`;
  if (/^(CRON_)?TZ=/i.test(text)) return "leave the time zone out: schedules run in UTC";
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    return `needs five fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  }
  const [minute = "", hour = "", dom = "", month = "", dow = ""] = fields;
  const plain = /^[0-9*?,/-]+$/;
  if (!plain.test(minute) || !plain.test(hour) || !plain.test(dom)) {
    return "minute, hour and day-of-month take only digits and * , - / (no L, W or #)";
  }
  if (!plain.test(month.replace(MONTHS, "1"))) return "month takes 1-12 or JAN-DEC with * , - /";
  if (!plain.test(dow.replace(WEEKDAYS, "1")))
    return "day-of-week takes 0-6 or SUN-SAT with * , - / (no L or #)";
  if ((dow.match(/\d+/g) ?? []).some((n) => Number(n) > 6 && !dow.includes(`/${n}`))) {
    return "day-of-week runs 0-6 (Sunday is 0; Kubernetes does not accept 7)";
  }
  let next: Date | null;
  try {
    next = new Cron(text, {
      paused: true,
      mode: "5-part",
      sloppyRanges: true,
      timezone: "Etc/UTC",
    }).nextRun();
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, "");
  }
  return next === null ? "never fires (no date matches it)" : null;
}

/** Every problem with a workload, or [] (teamObjects refuses a workload with any). */
export function validateWorkload(workload: TeamWorkload): string[] {
  const problems: string[] = [];
  if (workload.orgId.trim() === "") problems.push("orgId is empty");
  if (workload.teamId.trim() === "") problems.push("teamId is empty");
  if (!DNS_LABEL.test(workload.namespace) || workload.namespace.length > DNS_LABEL_MAX) {
    problems.push(`namespace "${workload.namespace}" is not a valid Kubernetes namespace name`);
  }
  if (workload.image.trim() === "" || /\s/.test(workload.image)) {
    problems.push(`image "${workload.image}" is not an image reference`);
  }
  if (workload.secretName !== undefined && !DNS_LABEL.test(workload.secretName)) {
    problems.push(`secretName "${workload.secretName}" is not a valid Secret name`);
  }
  const seen = new Set<string>();
  for (const schedule of workload.schedules) {
    if (schedule.name.trim() === "") problems.push("a schedule has an empty name");
    if (seen.has(schedule.name)) problems.push(`schedule "${schedule.name}" appears twice`);
    seen.add(schedule.name);
    const cron = validateCron(schedule.cron);
    if (cron !== null) problems.push(`schedule "${schedule.name}": cron "${schedule.cron}" ${cron}`);
  }
  return problems;
}

interface Names {
  serviceAccount: string;
  runner: string;
}

function meta(
  workload: TeamWorkload,
  name: string,
  app: string,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): KubeObject["metadata"] {
  return {
    name,
    namespace: workload.namespace,
    labels: { ...teamLabels(workload, app), ...extra.labels },
    annotations: {
      [ANNOTATIONS.orgId]: workload.orgId,
      [ANNOTATIONS.teamId]: workload.teamId,
      ...extra.annotations,
    },
  };
}

function teamLabels(workload: TeamWorkload, app: string): Record<string, string> {
  return {
    [LABELS.name]: app,
    [LABELS.partOf]: "arthur",
    [LABELS.managedBy]: MANAGED_BY,
    ...teamSelector(workload.orgId, workload.teamId),
  };
}

/** Node images run as user "node" (1000); runAsNonRoot alone cannot check a user given by name. */
const podSecurity = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  seccompProfile: { type: "RuntimeDefault" },
};

const containerSecurity = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

/** The root filesystem is read-only; Node and Arthur still need somewhere for temp files. */
const tmpVolume = { name: "tmp", emptyDir: { sizeLimit: "256Mi" } };
const tmpMount = { name: "tmp", mountPath: "/tmp" };

function container(
  workload: TeamWorkload,
  name: string,
  args: readonly string[],
  env: Record<string, string>,
): Record<string, unknown> {
  return {
    name,
    image: workload.image,
    command: ["node", "bin/arthur.js", ...args],
    env: Object.entries({ ARTHUR_ORG_ID: workload.orgId, ARTHUR_TEAM_ID: workload.teamId, ...env }).map(
      ([key, value]) => ({ name: key, value }),
    ),
    ...(workload.secretName ? { envFrom: [{ secretRef: { name: workload.secretName } }] } : {}),
    securityContext: containerSecurity,
    volumeMounts: [tmpMount],
  };
}

function serviceAccount(workload: TeamWorkload, names: Names): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: meta(workload, names.serviceAccount, "arthur-team"),
    // Team pods never call the Kubernetes API; no token in them means none to steal.
    automountServiceAccountToken: false,
  };
}

function networkPolicy(workload: TeamWorkload, names: Names, selector: Record<string, string>): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(workload, names.runner, "arthur-runner"),
    spec: {
      podSelector: { matchLabels: selector },
      policyTypes: ["Ingress"],
      ingress: [
        {
          // A podSelector without a namespaceSelector means pods in this namespace only.
          from: [{ podSelector: { matchLabels: { [LABELS.name]: CONTROL_PLANE_APP } } }],
          ports: [{ protocol: "TCP", port: RUNNER_PORT }],
        },
      ],
    },
  };
}

function deployment(workload: TeamWorkload, names: Names, selector: Record<string, string>): KubeObject {
  const probe = (initialDelaySeconds: number, periodSeconds: number) => ({
    httpGet: { path: "/healthz", port: "http" },
    initialDelaySeconds,
    periodSeconds,
    timeoutSeconds: 3,
    failureThreshold: 3,
  });
  const runner = container(workload, "runner", workload.runnerArgs ?? ["assistant"], {
    PORT: String(RUNNER_PORT),
    // Arthur binds 127.0.0.1 by default, which neither the Service nor the kubelet's probes reach.
    ASSISTANT_HOST: "0.0.0.0",
  });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(workload, names.runner, "arthur-runner"),
    spec: {
      replicas: 1,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: teamLabels(workload, "arthur-runner") },
        spec: {
          serviceAccountName: names.serviceAccount,
          automountServiceAccountToken: false,
          securityContext: podSecurity,
          containers: [
            {
              ...runner,
              ports: [{ name: "http", containerPort: RUNNER_PORT, protocol: "TCP" }],
              readinessProbe: probe(5, 10),
              livenessProbe: probe(20, 20),
              resources: {
                requests: { cpu: "250m", memory: "256Mi" },
                limits: { cpu: "1", memory: "1Gi" },
              },
            },
          ],
          volumes: [tmpVolume],
        },
      },
    },
  };
}

function service(workload: TeamWorkload, names: Names, selector: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(workload, names.runner, "arthur-runner"),
    spec: {
      type: "ClusterIP",
      selector,
      ports: [{ name: "http", protocol: "TCP", port: RUNNER_PORT, targetPort: "http" }],
    },
  };
}

function cronJob(workload: TeamWorkload, names: Names, schedule: TeamSchedule): KubeObject {
  const labels = teamLabels(workload, "arthur-schedule");
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: meta(workload, cronJobName(workload.orgId, workload.teamId, schedule.name), "arthur-schedule", {
      annotations: { [ANNOTATIONS.schedule]: schedule.name },
    }),
    spec: {
      schedule: schedule.cron.trim(),
      // Without it the schedule follows kube-controller-manager's local zone, which varies by cluster.
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: 2,
          ttlSecondsAfterFinished: 86_400,
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: names.serviceAccount,
              automountServiceAccountToken: false,
              restartPolicy: "Never",
              securityContext: podSecurity,
              containers: [
                {
                  ...container(workload, "job", schedule.args, {}),
                  resources: {
                    requests: { cpu: "100m", memory: "256Mi" },
                    limits: { cpu: "1", memory: "512Mi" },
                  },
                },
              ],
              volumes: [tmpVolume],
            },
          },
        },
      },
    },
  };
}

/**
 * Everything a team needs, in the order to create it: the ServiceAccount the pods run as; when
 * dedicated, the NetworkPolicy, Deployment and Service of its runner (the policy first, so no
 * runner pod ever starts open to the whole cluster); then one CronJob per schedule. Delete in
 * reverse order.
 *
 * @throws Error listing every problem validateWorkload finds
 */
export function teamObjects(workload: TeamWorkload): KubeObject[] {
  const problems = validateWorkload(workload);
  if (problems.length > 0) throw new Error(`invalid team workload: ${problems.join("; ")}`);
  const names: Names = {
    serviceAccount: serviceAccountName(workload.orgId, workload.teamId),
    runner: runnerName(workload.orgId, workload.teamId),
  };
  const selector = {
    [LABELS.name]: "arthur-runner",
    ...teamSelector(workload.orgId, workload.teamId),
  };
  const runner =
    workload.deploymentMode === "dedicated"
      ? [
          networkPolicy(workload, names, selector),
          deployment(workload, names, selector),
          service(workload, names, selector),
        ]
      : [];
  return [
    serviceAccount(workload, names),
    ...runner,
    ...workload.schedules.map((schedule) => cronJob(workload, names, schedule)),
  ];
}

/**
 * The namespaced Role (and its binding to the control plane's ServiceAccount) that lets the
 * control plane do exactly what cluster.ts does with teamObjects: get, create, update (replace)
 * and delete these five kinds. The original chart granted nothing, so every call was refused.
 * API discovery (/api/v1, /apis/...) needs no grant: every authenticated user may read it.
 */
export function controlPlaneRbac(options: { namespace: string; serviceAccountName: string }): KubeObject[] {
  const name = "arthur-control-plane-provisioner";
  const labels = {
    [LABELS.name]: CONTROL_PLANE_APP,
    [LABELS.partOf]: "arthur",
    [LABELS.managedBy]: MANAGED_BY,
  };
  const verbs = ["get", "create", "update", "delete"];
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name, namespace: options.namespace, labels },
      rules: [
        { apiGroups: [""], resources: ["serviceaccounts", "services"], verbs },
        { apiGroups: ["apps"], resources: ["deployments"], verbs },
        { apiGroups: ["batch"], resources: ["cronjobs"], verbs },
        { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name, namespace: options.namespace, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name: options.serviceAccountName, namespace: options.namespace }],
    },
  ];
}
