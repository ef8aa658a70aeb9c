import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Provisioner, Tenants } from "../../src/control-plane/index.ts";
import { clusterFromKubeConfig } from "../../src/control-plane/k8s/index.ts";
import { createLogger } from "../../src/observability/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { type FakeKubernetes, startFakeKubernetes } from "../helpers/fake-kubernetes.ts";

const db = useTestDatabase();
let k8s: FakeKubernetes;
let tenants: Tenants;
let provisioner: Provisioner;

const request = (teamId: string, extra: Record<string, unknown> = {}) =>
  provisioner.requestSchema.parse({
    org_id: "artbattle",
    team_id: teamId,
    slack_channel_ids: [`C0${teamId.toUpperCase().replace(/-/g, "")}`.slice(0, 11)],
    schedules: [{ name: "nightly-owed", cron: "0 6 * * *", args: ["ask", "who is owed money?"] }],
    deployment_mode: "dedicated",
    ...extra,
  });

/** Kubernetes objects of a team, by kind (what is left in the fake cluster). */
const objectsOf = (teamId: string) =>
  k8s
    .objects()
    .filter((o) => o.metadata.annotations?.["arthur.dev/team-id"] === teamId)
    .map((o) => o.kind)
    .sort();

beforeAll(async () => {
  k8s = await startFakeKubernetes();
  tenants = new Tenants(db.sql);
  await tenants.createOrg("artbattle", "Art Battle");
  provisioner = new Provisioner({
    sql: db.sql,
    tenants,
    cluster: clusterFromKubeConfig(k8s.kubeconfig({ namespace: "arthur" })),
    namespace: "arthur",
    image: "ghcr.io/arthur-ops/arthur:test",
    envSecret: "arthur-env",
    logger: createLogger("silent"),
    lockTimeoutMs: 2000,
  });
});

afterAll(() => k8s?.close());
beforeEach(() => {
  k8s.requests.length = 0;
});

describe("provisioning a team", () => {
  it("sets the team up end to end once per key: a repeat with the same key changes nothing", async () => {
    const first = await provisioner.provision(request("live-ops", { idempotency_key: "k-1" }), "test");
    expect(first.status).toBe("succeeded");
    expect(first.team_token).toMatch(/^arthur_team_/);
    expect(objectsOf("live-ops")).toEqual([
      "CronJob",
      "Deployment",
      "NetworkPolicy",
      "Service",
      "ServiceAccount",
    ]);
    expect(await tenants.route({ kind: "slack_channel", value: "C0LIVEOPS" })).toEqual({
      orgId: "artbattle",
      teamId: "live-ops",
    });
    expect(
      (await tenants.effectiveConfig({ orgId: "artbattle", teamId: "live-ops" })).default_channel_id,
    ).toBe("C0LIVEOPS");
    // The runner and the CronJob take their environment (DATABASE_URL…) from the configured Secret.
    const runner = k8s
      .objects()
      .find((o) => o.kind === "Deployment" && o.metadata.annotations?.["arthur.dev/team-id"] === "live-ops");
    expect(JSON.stringify(runner)).toContain('"envFrom":[{"secretRef":{"name":"arthur-env"}}]');
    const writes = k8s.requests.filter((r) => r.method !== "GET").length;
    expect(writes).toBe(5);

    const again = await provisioner.provision(request("live-ops", { idempotency_key: "k-1" }), "test");
    expect(again).toMatchObject({ id: first.id, status: "succeeded", reused: true });
    expect(again.team_token).toBeUndefined();
    expect(k8s.requests.filter((r) => r.method !== "GET")).toHaveLength(writes);
    expect(objectsOf("live-ops")).toHaveLength(5);
    // Without a key it applies again: the same objects, replaced, never a second set.
    const reapplied = await provisioner.provision(request("live-ops"), "test");
    expect(reapplied.status).toBe("succeeded");
    expect(reapplied.steps.filter((s) => s.name.startsWith("k8s")).every((s) => s.created === false)).toBe(
      true,
    );
    expect(objectsOf("live-ops")).toHaveLength(5);
  });

  it("undoes everything when Kubernetes fails mid-way, records why, and succeeds on a retry under the same key", async () => {
    k8s.failNext({
      method: "POST",
      kind: "Deployment",
      status: 500,
      reason: "InternalError",
      message: "etcd is unhappy",
    });
    const failed = await provisioner.provision(request("payments", { idempotency_key: "pay-1" }), "test");
    expect(failed.status).toBe("failed");
    expect(failed.failure_status).toBe(502);
    expect(failed.error).toContain("etcd is unhappy");
    // What the run had created before the failure was deleted again; nothing is left behind.
    expect(objectsOf("payments")).toEqual([]);
    expect(failed.steps.filter((s) => s.status === "compensated").map((s) => s.object?.kind)).toEqual([
      "NetworkPolicy",
      "ServiceAccount",
    ]);
    expect(await tenants.team({ orgId: "artbattle", teamId: "payments" })).toBeNull();
    expect(await tenants.route({ kind: "slack_channel", value: "C0PAYMENTS" })).toBeNull();
    const [stored] = await db.sql`select status, error from arthur_provisioning_runs where id = ${failed.id}`;
    expect(stored).toEqual({ status: "failed", error: failed.error });

    const retried = await provisioner.provision(request("payments", { idempotency_key: "pay-1" }), "test");
    expect(retried).toMatchObject({ id: failed.id, status: "succeeded", reused: false });
    expect(objectsOf("payments")).toHaveLength(5);
  });

  it("serialises two provisions of one team: one waits for the other, and one set of objects results", async () => {
    k8s.failNext({ method: "POST", kind: "ServiceAccount", delayMs: 300 });
    const [a, b] = await Promise.all([
      provisioner.provision(request("marketing"), "a"),
      provisioner.provision(request("marketing"), "b"),
    ]);
    expect([a.status, b.status]).toEqual(["succeeded", "succeeded"]);
    const rows = await db.sql<{ created_at: Date; updated_at: Date }[]>`
      select created_at, updated_at from arthur_provisioning_runs where team_id = 'marketing' order by created_at`;
    // The second run began after the first had finished.
    expect(rows[1]?.created_at.getTime()).toBeGreaterThanOrEqual(rows[0]?.updated_at.getTime() ?? Infinity);
    expect(objectsOf("marketing")).toHaveLength(5);
    expect(k8s.requests.filter((r) => r.method === "POST" && r.kind === "ServiceAccount")).toHaveLength(2);
  });

  it("gives up with lock_timeout while another replica holds the team", async () => {
    const holder = await db.sql.reserve();
    try {
      await holder`select pg_advisory_lock(hashtext('arthur-provision'), hashtext('artbattle/busy'))`;
      await expect(provisioner.provision(request("busy"), "test")).rejects.toMatchObject({
        code: "lock_timeout",
      });
    } finally {
      await holder`select pg_advisory_unlock(hashtext('arthur-provision'), hashtext('artbattle/busy'))`;
      holder.release();
    }
  });

  it("fails a run that claims another team's channel with 409, leaving nothing", async () => {
    const taken = await provisioner.provision(request("thief", { slack_channel_ids: ["C0LIVEOPS"] }), "test");
    expect(taken).toMatchObject({ status: "failed", failure_status: 409 });
    expect(taken.error).toContain("artbattle/live-ops");
    expect(objectsOf("thief")).toEqual([]);
  });

  it("refuses a bad cron or duplicate schedule names before anything runs", () => {
    const bad = provisioner.requestSchema.safeParse({
      org_id: "artbattle",
      team_id: "x",
      schedules: [
        { name: "a", cron: "61 * * * *", args: ["ask", "x"] },
        { name: "a", cron: "0 6 * * *", args: ["ask", "x"] },
      ],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["schedules.0.cron", "schedules"]));
  });

  it("deprovisions: the team's objects, routes and tokens go; the team's history stays", async () => {
    const done = await provisioner.deprovision({ orgId: "artbattle", teamId: "live-ops" });
    expect(done.deleted.map((r) => r.kind).sort()).toEqual([
      "CronJob",
      "Deployment",
      "NetworkPolicy",
      "Service",
      "ServiceAccount",
    ]);
    expect(objectsOf("live-ops")).toEqual([]);
    expect(done.routes_removed).toBe(1);
    expect(done.tokens_revoked).toBeGreaterThanOrEqual(1);
    expect(await tenants.route({ kind: "slack_channel", value: "C0LIVEOPS" })).toBeNull();
    expect(await tenants.team({ orgId: "artbattle", teamId: "live-ops" })).not.toBeNull();
    const again = await provisioner.deprovision({ orgId: "artbattle", teamId: "live-ops" });
    expect(again.deleted).toEqual([]);
  });
});
