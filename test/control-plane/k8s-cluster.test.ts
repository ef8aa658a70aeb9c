import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { KubernetesObjectApi } from "@kubernetes/client-node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ANNOTATIONS,
  type Cluster,
  clusterFromKubeConfig,
  type KubeObject,
  KubernetesError,
  loadCluster,
  type ObjectRef,
  type TeamWorkload,
  teamObjects,
} from "../../src/control-plane/k8s/index.ts";
import { type FakeKubernetes, type StoredObject, startFakeKubernetes } from "../helpers/fake-kubernetes.ts";

const workload: TeamWorkload = {
  orgId: "Art Battle / Toronto_Ops.Team",
  teamId: "night-shift",
  namespace: "arthur",
  image: "ghcr.io/arthur-ops/arthur:1.2.3",
  schedules: [{ name: "nightly", cron: "0 2 * * *", args: ["digest", "--since", "24h"] }],
  deploymentMode: "dedicated",
};

const objects = teamObjects(workload);
const find = (kind: string): KubeObject => {
  const object = objects.find((o) => o.kind === kind);
  if (!object) throw new Error(`no ${kind}`);
  return object;
};
const refOf = (object: KubeObject): ObjectRef => ({
  apiVersion: object.apiVersion,
  kind: object.kind,
  namespace: object.metadata.namespace,
  name: object.metadata.name,
});

/** The fake's copy of an object, which the test expects to be there. */
function stored(fake: FakeKubernetes, kind: string, name: string): StoredObject {
  const object = fake.object(kind, "arthur", name);
  if (!object) throw new Error(`the fake holds no ${kind} ${name}`);
  return object;
}

/** The rejection, checked to be a KubernetesError. */
async function failure(promise: Promise<unknown>): Promise<KubernetesError> {
  const error = await promise.then(
    () => new Error("expected a rejection"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KubernetesError);
  return error as KubernetesError;
}

describe("Cluster against a Kubernetes API", () => {
  let fake: FakeKubernetes;
  let cluster: Cluster;

  beforeEach(async () => {
    fake = await startFakeKubernetes();
    cluster = clusterFromKubeConfig(fake.kubeconfig());
  });
  afterEach(async () => {
    await fake.close();
  });

  it("describes itself by context and namespace", () => {
    expect(cluster.description).toBe("kubeconfig context fake (namespace arthur)");
    expect(cluster.namespace).toBe("arthur");
  });

  it("apply creates the object, resolving its path through discovery", async () => {
    const account = find("ServiceAccount");
    await expect(cluster.apply(account)).resolves.toEqual({ ref: refOf(account), created: true });
    expect(fake.objects()).toHaveLength(1);
    expect(fake.object("ServiceAccount", "arthur", account.metadata.name)).toMatchObject(account);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /api/v1",
      "POST /api/v1/namespaces/arthur/serviceaccounts",
    ]);
    expect(fake.requests.every((r) => r.authorization === "Bearer fake-k8s-token")).toBe(true);
  });

  it("apply again replaces it in place: one object, created=false, conditional on its resourceVersion", async () => {
    const deployment = find("Deployment");
    await cluster.apply(deployment);
    const first = stored(fake, "Deployment", deployment.metadata.name);
    const changed = structuredClone(deployment);
    (changed.spec as { replicas: number }).replicas = 2;
    await expect(cluster.apply(changed)).resolves.toEqual({ ref: refOf(deployment), created: false });

    expect(fake.objects()).toHaveLength(1);
    const second = stored(fake, "Deployment", deployment.metadata.name);
    expect(second.metadata.uid).toBe(first.metadata.uid);
    expect(second.metadata.resourceVersion).not.toBe(first.metadata.resourceVersion);
    expect((second.spec as { replicas: number }).replicas).toBe(2);
    const put = fake.requests.find((r) => r.method === "PUT");
    expect(put?.path).toBe(`/apis/apps/v1/namespaces/arthur/deployments/${deployment.metadata.name}`);
    expect(put?.body).toMatchObject({ metadata: { resourceVersion: first.metadata.resourceVersion } });
  });

  it("sends every object exactly as built, NetworkPolicy `from` included", async () => {
    for (const object of objects) await cluster.apply(object);
    expect(fake.objects().map((o) => o.kind)).toEqual(objects.map((o) => o.kind));
    for (const object of objects) {
      expect(fake.object(object.kind, "arthur", object.metadata.name)).toMatchObject(object);
    }
    const policy = fake.object("NetworkPolicy", "arthur", find("NetworkPolicy").metadata.name);
    expect(policy?.spec).toMatchObject({ ingress: [{ from: [{ podSelector: expect.any(Object) }] }] });
  });

  it("(why apply converts first) the client's generic create drops a NetworkPolicy's `from` from wire JSON", async () => {
    const api = KubernetesObjectApi.makeApiClient(fake.kubeconfig());
    const policy = find("NetworkPolicy");
    await api.create(structuredClone(policy));
    // An ingress rule without `from` admits every source: this is the hole apply closes.
    expect(stored(fake, "NetworkPolicy", policy.metadata.name).spec).toEqual({
      ...(policy.spec as object),
      ingress: [{ ports: [{ protocol: "TCP", port: 8080 }] }],
    });
  });

  it("refuses to send a field the client library would drop", async () => {
    const deployment = structuredClone(find("Deployment"));
    (deployment.spec as Record<string, unknown>).replicaz = 3;
    const error = await failure(cluster.apply(deployment));
    expect(error.reason).toBe("NotSerializable");
    expect(error.message).toContain("spec.replicaz");
    expect(fake.requests).toEqual([]);
  });

  it("never makes two objects when two applies race", async () => {
    const service = find("Service");
    const results = await Promise.all([
      cluster.apply(service),
      cluster.apply(service),
      cluster.apply(service),
    ]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(fake.objects()).toHaveLength(1);
    // The replaced Service keeps the clusterIP the server allocated.
    expect(stored(fake, "Service", service.metadata.name).spec).toMatchObject({
      clusterIP: expect.stringMatching(/^10\.96\./),
    });
  });

  it("reads again and retries when the object changed between read and replace", async () => {
    const cron = find("CronJob");
    await cluster.apply(cron);
    fake.failNext({
      method: "PUT",
      kind: "CronJob",
      status: 409,
      reason: "Conflict",
      message: "the object has been modified",
    });
    await expect(cluster.apply(cron)).resolves.toMatchObject({ created: false });
    expect(fake.requests.filter((r) => r.method === "PUT")).toHaveLength(2);
    expect(fake.objects()).toHaveLength(1);
  });

  it("delete answers deleted (Foreground) and then not_found; exists follows", async () => {
    const service = find("Service");
    await cluster.apply(service);
    await expect(cluster.exists(refOf(service))).resolves.toBe(true);
    await expect(cluster.delete(refOf(service))).resolves.toBe("deleted");
    const deletion = fake.requests.find((r) => r.method === "DELETE");
    expect(deletion?.propagationPolicy).toBe("Foreground");
    expect(deletion?.path).toBe(`/api/v1/namespaces/arthur/services/${service.metadata.name}`);
    await expect(cluster.delete(refOf(service))).resolves.toBe("not_found");
    await expect(cluster.exists(refOf(service))).resolves.toBe(false);
    expect(fake.objects()).toEqual([]);
  });

  it("a 500 on create is a KubernetesError with the Status, and nothing is stored", async () => {
    const deployment = find("Deployment");
    fake.failNext({
      method: "POST",
      kind: "Deployment",
      status: 500,
      message: "etcdserver: request timed out",
    });
    const error = await failure(cluster.apply(deployment));
    expect(error.status).toBe(500);
    expect(error.reason).toBe("InternalError");
    expect(error.ref).toEqual(refOf(deployment));
    expect(error.message).toBe(
      `create Deployment arthur/${deployment.metadata.name}: HTTP 500 InternalError: etcdserver: request timed out`,
    );
    expect(fake.objects()).toEqual([]);
  });

  it("other failures are KubernetesErrors too: delete and exists do not take a 403 for absence", async () => {
    const ref = refOf(find("Service"));
    fake.failNext({ method: "DELETE", status: 403, message: 'services "x" is forbidden' });
    expect((await failure(cluster.delete(ref))).status).toBe(403);
    fake.failNext({ method: "GET", kind: "Service", status: 403 });
    expect((await failure(cluster.exists(ref))).reason).toBe("Forbidden");
  });

  it("without the token every call is a 401 KubernetesError", async () => {
    const anonymous = clusterFromKubeConfig(fake.kubeconfig({ token: null }));
    const error = await failure(anonymous.apply(find("ServiceAccount")));
    expect(error.status).toBe(401);
    expect(error.reason).toBe("Unauthorized");
    expect(fake.requests.every((r) => r.authorization === undefined)).toBe(true);
    const wrong = clusterFromKubeConfig(fake.kubeconfig({ token: "stolen" }));
    expect((await failure(wrong.exists(refOf(find("ServiceAccount"))))).status).toBe(401);
    expect(fake.objects()).toEqual([]);
  });

  it("refuses to replace another team's object of the same name", async () => {
    const account = find("ServiceAccount");
    fake.seed({
      ...structuredClone(account),
      metadata: {
        ...structuredClone(account.metadata),
        annotations: { [ANNOTATIONS.orgId]: "other-org", [ANNOTATIONS.teamId]: "other-team" },
      },
    });
    const error = await failure(cluster.apply(account));
    expect(error.reason).toBe("OwnedByAnotherTeam");
    expect(fake.requests.some((r) => r.method === "PUT")).toBe(false);
  });

  it("an unknown kind or API group fails as such, not as a missing object", async () => {
    const configMap: KubeObject = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "x", namespace: "arthur", labels: {} },
      data: { a: "b" },
    };
    expect((await failure(cluster.apply(configMap))).reason).toBe("UnknownKind");
    const role: ObjectRef = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      namespace: "arthur",
      name: "x",
    };
    const error = await failure(cluster.exists(role));
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/^discover the API for Role arthur\/x/);
  });

  it("gives up on a request the server does not answer in time", async () => {
    const impatient = clusterFromKubeConfig(fake.kubeconfig(), { requestTimeoutMs: 150 });
    fake.failNext({ method: "GET", kind: "Service", delayMs: 1_000 });
    const started = Date.now();
    const error = await failure(impatient.exists(refOf(find("Service"))));
    expect(error.reason).toBe("Timeout");
    expect(error.status).toBeNull();
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("an API server that is not there is a KubernetesError with no status", async () => {
    const kc = fake.kubeconfig();
    await fake.close();
    const error = await failure(clusterFromKubeConfig(kc).apply(find("ServiceAccount")));
    expect(error.status).toBeNull();
    expect(error.message).toMatch(/ECONNREFUSED/);
    fake = await startFakeKubernetes();
  });
});

describe("Cluster while an object is being deleted", () => {
  let fake: FakeKubernetes;
  beforeAll(async () => {
    fake = await startFakeKubernetes({ foregroundDeletion: "manual" });
  });
  afterAll(async () => {
    await fake.close();
  });

  it("refuses to replace a terminating object, and creates afresh once it is gone", async () => {
    const cluster = clusterFromKubeConfig(fake.kubeconfig());
    const deployment = find("Deployment");
    await cluster.apply(deployment);
    await expect(cluster.delete(refOf(deployment))).resolves.toBe("deleted");
    await expect(cluster.exists(refOf(deployment))).resolves.toBe(true);
    const error = await failure(cluster.apply(deployment));
    expect(error.reason).toBe("Terminating");
    fake.finishDeletions();
    await expect(cluster.exists(refOf(deployment))).resolves.toBe(false);
    await expect(cluster.apply(deployment)).resolves.toMatchObject({ created: true });
  });
});

describe("loadCluster", () => {
  let fake: FakeKubernetes;
  let dir: string;
  beforeAll(async () => {
    fake = await startFakeKubernetes();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "arthur-k8s-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const emptyServiceAccountDir = () => join(dir, "no-service-account");

  it("is null with an empty environment and no files", () => {
    expect(loadCluster({ serviceAccountDir: emptyServiceAccountDir() }, {})).toBeNull();
    expect(loadCluster({ serviceAccountDir: emptyServiceAccountDir() }, { HOME: dir })).toBeNull();
    expect(loadCluster({ inCluster: true, serviceAccountDir: emptyServiceAccountDir() }, {})).toBeNull();
  });

  it("uses a kubeconfig file, and the Cluster it gives works", async () => {
    const file = join(dir, "config");
    writeFileSync(file, fake.kubeconfigYaml({ context: "kind-arthur", namespace: "team-ns" }));
    const cluster = loadCluster({ kubeconfigPath: file }, {});
    expect(cluster?.description).toBe("kubeconfig context kind-arthur (namespace team-ns)");
    const account = find("ServiceAccount");
    await expect(cluster?.apply(account)).resolves.toMatchObject({ created: true });
    await expect(cluster?.delete(refOf(account))).resolves.toBe("deleted");
  });

  it("reads KUBECONFIG (skipping listed files that do not exist) and ~/.kube/config", () => {
    const file = join(dir, "config");
    writeFileSync(file, fake.kubeconfigYaml({ context: "from-env" }));
    const env = { KUBECONFIG: [join(dir, "missing"), file].join(delimiter) };
    expect(loadCluster({}, env)?.description).toMatch(/^kubeconfig context from-env /);
    mkdirSync(join(dir, ".kube"));
    writeFileSync(join(dir, ".kube", "config"), fake.kubeconfigYaml({ context: "from-home" }));
    const home = loadCluster({ serviceAccountDir: emptyServiceAccountDir() }, { HOME: dir });
    expect(home?.description).toMatch(/^kubeconfig context from-home /);
  });

  it("throws when a named kubeconfig is missing rather than skipping Kubernetes quietly", () => {
    expect(() => loadCluster({ kubeconfigPath: join(dir, "nope") }, {})).toThrow(
      /no kubeconfig file that exists/,
    );
    expect(() => loadCluster({}, { KUBECONFIG: join(dir, "nope") })).toThrow(/KUBECONFIG/);
  });

  it("uses the pod's service account when KUBERNETES_SERVICE_HOST is set and the token is there", () => {
    const accountDir = join(dir, "serviceaccount");
    mkdirSync(accountDir);
    writeFileSync(join(accountDir, "token"), "pod-token");
    writeFileSync(join(accountDir, "namespace"), "arthur-prod\n");
    const env = { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" };
    const cluster = loadCluster({ serviceAccountDir: accountDir }, env);
    expect(cluster?.description).toBe("in-cluster (namespace arthur-prod)");
    expect(cluster?.namespace).toBe("arthur-prod");
    expect(loadCluster({ serviceAccountDir: accountDir, inCluster: false }, env)).toBeNull();
    expect(
      loadCluster({ serviceAccountDir: accountDir }, { KUBERNETES_SERVICE_HOST: "10.96.0.1" }),
    ).not.toBeNull();
    // A kubeconfig named in KUBECONFIG wins over the pod's own configuration.
    const file = join(dir, "config");
    writeFileSync(file, fake.kubeconfigYaml({ context: "explicit" }));
    expect(loadCluster({ serviceAccountDir: accountDir }, { ...env, KUBECONFIG: file })?.description).toMatch(
      /explicit/,
    );
  });
});
