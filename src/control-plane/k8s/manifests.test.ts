import { describe, expect, it } from "vitest";
import {
  ANNOTATIONS,
  CONTROL_PLANE_APP,
  controlPlaneRbac,
  type KubeObject,
  LABELS,
  labelValue,
  MANAGED_BY,
  resourceName,
  runnerServiceUrl,
  type TeamWorkload,
  teamObjects,
  validateCron,
  validateWorkload,
} from "./manifests.ts";

const DNS1123_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const workload = (overrides: Partial<TeamWorkload> = {}): TeamWorkload => ({
  orgId: "Art Battle / Toronto_Ops.Team",
  teamId: "Night Shift (Ops) — Montréal",
  namespace: "arthur",
  image: "ghcr.io/arthur-ops/arthur:1.2.3",
  schedules: [
    { name: "nightly-digest", cron: "0 2 * * *", args: ["digest", "--since", "24h"] },
    { name: "Weekly Report (Mondays)", cron: "30 7 * * MON", args: ["report", "weekly"] },
  ],
  deploymentMode: "dedicated",
  ...overrides,
});

const kinds = (objects: KubeObject[]) => objects.map((o) => o.kind);
const byKind = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);
// biome-ignore lint/suspicious/noExplicitAny: tests walk the wire JSON freely
const spec = (object: KubeObject | undefined): any => object?.spec;

describe("resourceName", () => {
  it("makes a valid DNS-1123 label of at most 63 characters from long, odd ids", () => {
    const ids = [
      ["Art Battle / Toronto_Ops.Team", "Night Shift (Ops)"],
      ["ORG".repeat(60), "team".repeat(60)],
      ["___", "..."],
      ["-leading-and-trailing-", "--"],
      ["Montréal Ünïcode", "東京チーム"],
      ["a", "b"],
    ] as const;
    for (const [org, team] of ids) {
      for (const name of [
        resourceName("arthur-runner", org, team),
        resourceName("arthur-x", org, team, "extra ✓"),
      ]) {
        expect(name.length).toBeLessThanOrEqual(63);
        expect(name).toMatch(DNS1123_LABEL);
      }
    }
    expect(resourceName("arthur-runner", "Art Battle / Toronto_Ops.Team", "Night Shift")).toMatch(
      /^arthur-runner-art-battle-toronto-ops-team-night-shift-[0-9a-f]{8}$/,
    );
  });

  it("keeps the prefix whole and shares the rest fairly between long parts", () => {
    const name = resourceName("arthur-runner", "o".repeat(100), "t".repeat(100));
    expect(name.length).toBe(63);
    expect(name.startsWith("arthur-runner-")).toBe(true);
    const [, org, team] = /^arthur-runner-(o+)-(t+)-[0-9a-f]{8}$/.exec(name) ?? [];
    expect(Math.abs((org?.length ?? 0) - (team?.length ?? 0))).toBeLessThanOrEqual(1);
    // A short part stays whole and the long one gets the rest.
    expect(resourceName("arthur-runner", "acme", "t".repeat(100))).toMatch(
      /^arthur-runner-acme-t{35}-[0-9a-f]{8}$/,
    );
  });

  it("gives different names to teams whose ids share a 40-character prefix, or clean up alike", () => {
    const prefix = "enterprise-customer-with-a-very-long-org";
    expect(prefix.length).toBe(40);
    const a = resourceName("arthur-runner", `${prefix}-alpha-division`, "platform-operations-team-one");
    const b = resourceName("arthur-runner", `${prefix}-bravo-division`, "platform-operations-team-one");
    const c = resourceName("arthur-runner", `${prefix}-alpha-division`, "platform-operations-team-two");
    expect(new Set([a, b, c]).size).toBe(3);
    expect(resourceName("arthur-runner", "Ops Team", "x")).not.toBe(
      resourceName("arthur-runner", "ops-team", "x"),
    );
    // (org, team) boundaries matter: "a-b"/"c" and "a"/"b-c" are different teams.
    expect(resourceName("arthur-runner", "a-b", "c")).not.toBe(resourceName("arthur-runner", "a", "b-c"));
    expect(resourceName("arthur-runner", "acme", "ops")).toBe(resourceName("arthur-runner", "acme", "ops"));
  });

  it("honours a shorter limit (CronJobs) and refuses a prefix that is not a label", () => {
    const name = resourceName("arthur-sched", "o".repeat(80), "t".repeat(80), "s".repeat(80), 52);
    expect(name.length).toBeLessThanOrEqual(52);
    expect(name).toMatch(DNS1123_LABEL);
    expect(() => resourceName("Arthur_Runner", "o", "t")).toThrow(/prefix/);
    expect(() => resourceName("a".repeat(60), "o", "t")).toThrow(/no room/);
  });
});

describe("labelValue", () => {
  it("keeps valid ids as they are and makes the rest valid, short and still distinct", () => {
    expect(labelValue("acme-prod")).toBe("acme-prod");
    expect(labelValue("Toronto_Ops.Team")).toBe("Toronto_Ops.Team");
    for (const raw of ["Art Battle / Toronto_Ops.Team", "x".repeat(200), "  ", "-_-", "Montréal"]) {
      const value = labelValue(raw);
      expect(value.length).toBeLessThanOrEqual(63);
      expect(value).toMatch(LABEL_VALUE);
      expect(value).not.toBe("");
    }
    expect(labelValue("Art Battle")).toMatch(/^Art-Battle-[0-9a-f]{8}$/);
    expect(labelValue("Art Battle")).not.toBe(labelValue("Art-Battle"));
    expect(labelValue(`${"x".repeat(100)}a`)).not.toBe(labelValue(`${"x".repeat(100)}b`));
  });
});

describe("teamObjects", () => {
  it("dedicated: ServiceAccount, NetworkPolicy, Deployment, Service, then one CronJob per schedule", () => {
    const objects = teamObjects(workload());
    expect(kinds(objects)).toEqual([
      "ServiceAccount",
      "NetworkPolicy",
      "Deployment",
      "Service",
      "CronJob",
      "CronJob",
    ]);
    expect(kinds(teamObjects(workload({ deploymentMode: "shared" })))).toEqual([
      "ServiceAccount",
      "CronJob",
      "CronJob",
    ]);
    expect(kinds(teamObjects(workload({ deploymentMode: "shared", schedules: [] })))).toEqual([
      "ServiceAccount",
    ]);
  });

  it("labels and annotates every object, with valid names and label values", () => {
    for (const object of teamObjects(workload())) {
      const { name, namespace, labels, annotations } = object.metadata;
      expect(namespace).toBe("arthur");
      expect(name.length).toBeLessThanOrEqual(object.kind === "CronJob" ? 52 : 63);
      expect(name).toMatch(DNS1123_LABEL);
      expect(labels[LABELS.managedBy]).toBe(MANAGED_BY);
      expect(labels[LABELS.org]).toBe(labelValue("Art Battle / Toronto_Ops.Team"));
      expect(labels[LABELS.team]).toBe(labelValue("Night Shift (Ops) — Montréal"));
      for (const value of Object.values(labels)) {
        expect(value.length).toBeLessThanOrEqual(63);
        expect(value).toMatch(LABEL_VALUE);
      }
      expect(annotations?.[ANNOTATIONS.orgId]).toBe("Art Battle / Toronto_Ops.Team");
      expect(annotations?.[ANNOTATIONS.teamId]).toBe("Night Shift (Ops) — Montréal");
    }
  });

  it("builds CronJobs as specified: Forbid, history 3/3, TTL a day, two retries, the team's identity", () => {
    const objects = teamObjects(workload());
    const serviceAccount = byKind(objects, "ServiceAccount")[0];
    const [nightly, weekly] = byKind(objects, "CronJob");
    expect(nightly?.metadata.annotations?.[ANNOTATIONS.schedule]).toBe("nightly-digest");
    expect(weekly?.metadata.name).not.toBe(nightly?.metadata.name);
    const cron = spec(nightly);
    expect(cron).toMatchObject({
      schedule: "0 2 * * *",
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: { spec: { backoffLimit: 2, ttlSecondsAfterFinished: 86_400 } },
    });
    const pod = cron.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe("Never");
    expect(pod.serviceAccountName).toBe(serviceAccount?.metadata.name);
    const [container] = pod.containers;
    expect(container.image).toBe("ghcr.io/arthur-ops/arthur:1.2.3");
    expect(container.command).toEqual(["node", "bin/arthur.js", "digest", "--since", "24h"]);
    expect(container.env).toEqual([
      { name: "ARTHUR_ORG_ID", value: "Art Battle / Toronto_Ops.Team" },
      { name: "ARTHUR_TEAM_ID", value: "Night Shift (Ops) — Montréal" },
    ]);
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits).toBeDefined();
  });

  it("builds the runner: one hardened replica on 8080 behind a ClusterIP Service, reachable only from the control plane", () => {
    const objects = teamObjects(workload({ secretName: "arthur-team-env" }));
    const deployment = byKind(objects, "Deployment")[0];
    const service = byKind(objects, "Service")[0];
    const policy = byKind(objects, "NetworkPolicy")[0];
    const selector = spec(deployment).selector.matchLabels;
    expect(spec(deployment).replicas).toBe(1);
    expect(spec(deployment).template.metadata.labels).toMatchObject(selector);
    const pod = spec(deployment).template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    const [runner] = pod.containers;
    expect(runner.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    expect(runner.readinessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(runner.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(runner.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(runner.envFrom).toEqual([{ secretRef: { name: "arthur-team-env" } }]);
    expect(runner.command).toEqual(["node", "bin/arthur.js", "assistant"]);

    expect(spec(service)).toEqual({
      type: "ClusterIP",
      selector,
      ports: [{ name: "http", protocol: "TCP", port: 8080, targetPort: "http" }],
    });
    expect(service?.metadata.name).toBe(deployment?.metadata.name);
    expect(runnerServiceUrl(workload().orgId, workload().teamId, "arthur")).toBe(
      `http://${service?.metadata.name}.arthur.svc.cluster.local:8080`,
    );

    expect(spec(policy)).toEqual({
      podSelector: { matchLabels: selector },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { [LABELS.name]: CONTROL_PLANE_APP } } }],
          ports: [{ protocol: "TCP", port: 8080 }],
        },
      ],
    });
  });

  it("never labels a team's pods as the control plane (that label opens every runner)", () => {
    const pods = teamObjects(workload()).flatMap((o) => {
      const s = spec(o);
      return [s?.template?.metadata?.labels, s?.jobTemplate?.spec?.template?.metadata?.labels].filter(
        Boolean,
      );
    });
    expect(pods.length).toBe(3);
    for (const labels of pods) expect(labels[LABELS.name]).not.toBe(CONTROL_PLANE_APP);
  });

  it("keeps two teams' selectors apart even when their ids clean up to the same text", () => {
    const a = teamObjects(workload({ orgId: "acme", teamId: "Ops Team" }));
    const b = teamObjects(workload({ orgId: "acme", teamId: "Ops-Team" }));
    const selector = (objects: KubeObject[]) => spec(byKind(objects, "Deployment")[0]).selector.matchLabels;
    expect(selector(a)).not.toEqual(selector(b));
    const names = (objects: KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names(a).filter((n) => names(b).includes(n))).toEqual([]);
  });

  it("refuses an invalid workload, naming every problem", () => {
    expect(validateWorkload(workload())).toEqual([]);
    const bad = workload({
      orgId: " ",
      namespace: "Not_A_Namespace",
      schedules: [
        { name: "a", cron: "0 2 * *", args: [] },
        { name: "a", cron: "0 2 * * *", args: [] },
      ],
    });
    const problems = validateWorkload(bad);
    expect(problems).toEqual([
      "orgId is empty",
      'namespace "Not_A_Namespace" is not a valid Kubernetes namespace name',
      'schedule "a": cron "0 2 * *" needs five fields (minute hour day-of-month month day-of-week), got 4',
      'schedule "a" appears twice',
    ]);
    expect(() => teamObjects(bad)).toThrow(/invalid team workload: orgId is empty; namespace/);
  });
});

describe("validateCron", () => {
  it("accepts five-field expressions a CronJob takes", () => {
    for (const expr of [
      "0 2 * * *",
      "*/15 * * * *",
      "30 7 * * MON-FRI",
      "0 0 1 JAN,JUL *",
      "0 9-17/2 * * 1-5",
      " 5 4 * * 0 ",
    ]) {
      expect(validateCron(expr), expr).toBeNull();
    }
  });

  it("explains what is wrong with the rest", () => {
    expect(validateCron("0 2 * *")).toMatch(/five fields .* got 4/);
    expect(validateCron("0 0 2 * * *")).toMatch(/got 6/);
    expect(validateCron("@daily")).toMatch(/use five fields/);
    expect(validateCron("TZ=Europe/London 0 2 * * *")).toMatch(/UTC/);
    expect(validateCron("60 * * * *")).toMatch(/minute/);
    expect(validateCron("0 25 * * *")).toMatch(/hour/);
    expect(validateCron("0 0 L * *")).toMatch(/no L, W or #/);
    expect(validateCron("0 0 * * 5L")).toMatch(/day-of-week/);
    expect(validateCron("0 0 * * 1#2")).toMatch(/day-of-week/);
    expect(validateCron("0 0 * * 7")).toMatch(/Sunday is 0/);
    expect(validateCron("0 0 30 2 *")).toMatch(/never fires/);
    expect(validateCron("")).not.toBeNull();
  });
});

describe("controlPlaneRbac", () => {
  it("grants exactly the verbs the cluster client uses on every kind teamObjects makes", () => {
    const [role, binding] = controlPlaneRbac({
      namespace: "arthur",
      serviceAccountName: "arthur-control-plane",
    });
    // biome-ignore lint/suspicious/noExplicitAny: wire JSON
    const rules = (role as any).rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    const plural: Record<string, string> = {
      ServiceAccount: "serviceaccounts",
      Service: "services",
      Deployment: "deployments",
      CronJob: "cronjobs",
      NetworkPolicy: "networkpolicies",
    };
    for (const object of teamObjects(workload())) {
      const group = object.apiVersion.includes("/") ? object.apiVersion.split("/")[0] : "";
      const rule = rules.find(
        (r) => r.apiGroups.includes(group ?? "") && r.resources.includes(plural[object.kind] ?? ""),
      );
      expect(rule?.verbs.sort(), object.kind).toEqual(["create", "delete", "get", "update"]);
    }
    expect(binding).toMatchObject({
      kind: "RoleBinding",
      roleRef: { kind: "Role", name: role?.metadata.name },
      subjects: [{ kind: "ServiceAccount", name: "arthur-control-plane", namespace: "arthur" }],
    });
  });
});
