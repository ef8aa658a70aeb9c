import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";

/**
 * A local Kubernetes API server for tests: real HTTP on 127.0.0.1 answering the REST paths the
 * official client uses for ServiceAccounts, Services, Deployments, CronJobs and NetworkPolicies,
 * plus the discovery documents KubernetesObjectApi reads to map a kind to its path. Objects live
 * in memory with the fields the server sets (uid, resourceVersion, creationTimestamp,
 * generation, a Service's clusterIP); errors are Kubernetes Status objects; a bearer token is
 * required; every request is recorded; failures can be injected.
 *
 * What it checks as the real API server does: names (DNS-1123, a Service's DNS-1035, CronJobs ≤
 * 52 characters), label values, namespace and name agreeing with the URL, resourceVersion on
 * replace (optional, but a stale one is a 409 Conflict), and a Deployment's selector and a
 * Service's clusterIP staying as they were.
 */

export const FAKE_K8S_TOKEN = "fake-k8s-token";

export interface RecordedK8sRequest {
  method: string;
  /** Path without the query, e.g. "/apis/apps/v1/namespaces/arthur/deployments/x". */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  authorization: string | undefined;
  /** The object kind the path addresses ("Deployment"); absent for discovery and unknown paths. */
  kind?: string;
  namespace?: string;
  name?: string;
  /** DELETE only: from the DeleteOptions body or the query. */
  propagationPolicy?: string;
}

export interface K8sFailure {
  method: string;
  /** Only requests for this kind ("Deployment"); all kinds when absent. */
  kind?: string;
  name?: string;
  /** Answer with this status and a Status body; absent: only delay, then answer normally. */
  status?: number;
  reason?: string;
  message?: string;
  delayMs?: number;
  /** How many matching requests it applies to (default 1). */
  times?: number;
}

export interface FakeKubernetesOptions {
  /**
   * "immediate" (default): a Foreground delete answers with the object marked for deletion and
   * then removes it, as a cluster whose garbage collector is quick. "manual": the object stays,
   * with deletionTimestamp and the foregroundDeletion finalizer, until finishDeletions().
   */
  foregroundDeletion?: "immediate" | "manual";
}

export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    generation: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
    finalizers?: string[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface FakeKubernetes {
  url: string;
  requests: RecordedK8sRequest[];
  /** Copies of the stored objects, oldest first. */
  objects(): StoredObject[];
  object(kind: string, namespace: string, name: string): StoredObject | undefined;
  /** Store an object as if someone else had created it (server fields filled in when missing). */
  seed(object: Record<string, unknown>): StoredObject;
  failNext(failure: K8sFailure): void;
  /** Remove objects left terminating by a "manual" Foreground delete. */
  finishDeletions(): void;
  /** A KubeConfig pointing here; token null: a user with no credentials. */
  kubeconfig(options?: { token?: string | null; namespace?: string }): KubeConfig;
  /** The same as a kubeconfig file's YAML text. */
  kubeconfigYaml(options?: { token?: string | null; namespace?: string; context?: string }): string;
  close(): Promise<void>;
}

interface ResourceType {
  group: string;
  version: string;
  kind: string;
  /** Plural, as in the path. */
  resource: string;
  singular: string;
  shortNames: string[];
  /** The API server's limit for this kind's names. */
  nameRule: "subdomain" | "dns1035" | "cronjob";
}

const RESOURCES: readonly ResourceType[] = [
  {
    group: "",
    version: "v1",
    kind: "ServiceAccount",
    resource: "serviceaccounts",
    singular: "serviceaccount",
    shortNames: ["sa"],
    nameRule: "subdomain",
  },
  {
    group: "",
    version: "v1",
    kind: "Service",
    resource: "services",
    singular: "service",
    shortNames: ["svc"],
    nameRule: "dns1035",
  },
  {
    group: "apps",
    version: "v1",
    kind: "Deployment",
    resource: "deployments",
    singular: "deployment",
    shortNames: ["deploy"],
    nameRule: "subdomain",
  },
  {
    group: "batch",
    version: "v1",
    kind: "CronJob",
    resource: "cronjobs",
    singular: "cronjob",
    shortNames: ["cj"],
    nameRule: "cronjob",
  },
  {
    group: "networking.k8s.io",
    version: "v1",
    kind: "NetworkPolicy",
    resource: "networkpolicies",
    singular: "networkpolicy",
    shortNames: ["netpol"],
    nameRule: "subdomain",
  },
];

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** Subresources the real discovery documents list beside the main resources (same kind for /status). */
const SUBRESOURCES: Record<string, { name: string; kind: string; group?: string; version?: string }[]> = {
  serviceaccounts: [
    { name: "serviceaccounts/token", kind: "TokenRequest", group: "authentication.k8s.io", version: "v1" },
  ],
  services: [
    { name: "services/proxy", kind: "ServiceProxyOptions" },
    { name: "services/status", kind: "Service" },
  ],
  deployments: [
    { name: "deployments/scale", kind: "Scale", group: "autoscaling", version: "v1" },
    { name: "deployments/status", kind: "Deployment" },
  ],
  cronjobs: [{ name: "cronjobs/status", kind: "CronJob" }],
  networkpolicies: [],
};

const apiVersionOf = (type: ResourceType) => (type.group ? `${type.group}/${type.version}` : type.version);

const REASONS: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
  410: "Gone",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

class HttpStatus extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: number, message: string, reason?: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.reason = reason ?? REASONS[code] ?? "Unknown";
    this.details = details;
  }
}

function statusBody(code: number, message: string, reason: string, details?: Record<string, unknown>) {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** "deployments.apps" — how the API server names a resource in its messages. */
const qualified = (type: ResourceType) => (type.group ? `${type.resource}.${type.group}` : type.resource);
const details = (type: ResourceType, name: string) => ({
  name,
  ...(type.group ? { group: type.group } : {}),
  kind: type.resource,
});

function nameProblem(type: ResourceType, name: string): string | null {
  switch (type.nameRule) {
    case "dns1035":
      if (name.length > 63 || !DNS1035_LABEL.test(name)) {
        return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
      }
      return null;
    case "cronjob":
      if (name.length > 52) return "must be no more than 52 characters";
      return DNS1123_SUBDOMAIN.test(name)
        ? null
        : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'";
    case "subdomain":
      if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
        return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'";
      }
      return null;
  }
}

function labelProblems(labels: unknown, path: string): string[] {
  if (labels === undefined) return [];
  if (typeof labels !== "object" || labels === null) return [`${path}: Invalid value: must be a map`];
  return Object.entries(labels as Record<string, unknown>).flatMap(([key, value]) => {
    const problems: string[] = [];
    const keyName = key.includes("/") ? key.slice(key.indexOf("/") + 1) : key;
    if (keyName.length === 0 || keyName.length > 63 || !LABEL_VALUE.test(keyName)) {
      problems.push(`${path}: Invalid value: "${key}": name part must be a valid label key`);
    }
    if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value)) {
      problems.push(
        `${path}: Invalid value: "${String(value)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (max 63)`,
      );
    }
    return problems;
  });
}

const clone = <T>(value: T): T => structuredClone(value);
const stamp = () => `${new Date().toISOString().slice(0, 19)}Z`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

interface Route {
  type: ResourceType;
  namespace: string;
  name: string | undefined;
}

function route(path: string): Route | { discovery: string } | null {
  if (path === "/api/v1") return { discovery: "v1" };
  const group = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (group) return { discovery: `${group[1]}/${group[2]}` };
  const match =
    /^\/api\/(v1)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(path) ??
    /^\/apis\/([^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (!match) return null;
  const [, groupVersion, namespace, resource, name] = match;
  const type = RESOURCES.find((t) => apiVersionOf(t) === groupVersion && t.resource === resource);
  if (!type || namespace === undefined) return null;
  return {
    type,
    namespace: decodeURIComponent(namespace),
    name: name === undefined ? undefined : decodeURIComponent(name),
  };
}

function discoveryDocument(groupVersion: string) {
  const types = RESOURCES.filter((t) => apiVersionOf(t) === groupVersion);
  if (types.length === 0) return null;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion,
    resources: types.flatMap((t) => [
      {
        name: t.resource,
        singularName: t.singular,
        namespaced: true,
        kind: t.kind,
        verbs: VERBS,
        shortNames: t.shortNames,
        storageVersionHash: "fake",
      },
      ...(SUBRESOURCES[t.resource] ?? []).map((sub) => ({
        name: sub.name,
        singularName: "",
        namespaced: true,
        ...(sub.group ? { group: sub.group, version: sub.version } : {}),
        kind: sub.kind,
        verbs: ["get", "patch", "update"],
      })),
    ]),
  };
}

export async function startFakeKubernetes(options: FakeKubernetesOptions = {}): Promise<FakeKubernetes> {
  const foreground = options.foregroundDeletion ?? "immediate";
  const store = new Map<string, StoredObject>();
  const requests: RecordedK8sRequest[] = [];
  const failures: (K8sFailure & { left: number })[] = [];
  let resourceVersion = 1000;
  let nextClusterIp = 10;

  const keyOf = (type: ResourceType, namespace: string, name: string) =>
    `${apiVersionOf(type)}|${type.resource}|${namespace}|${name}`;
  const nextVersion = () => String(++resourceVersion);

  function fill(type: ResourceType, object: Record<string, unknown>, namespace: string): StoredObject {
    const stored = clone(object) as StoredObject;
    stored.metadata = {
      ...stored.metadata,
      namespace,
      uid: stored.metadata.uid ?? randomUUID(),
      resourceVersion: nextVersion(),
      creationTimestamp: stored.metadata.creationTimestamp ?? stamp(),
      generation: 1,
    };
    if (type.kind === "Service") {
      const spec = (stored.spec ?? {}) as Record<string, unknown>;
      if (!spec.clusterIP) {
        const ip = `10.96.0.${nextClusterIp++}`;
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
      }
      stored.spec = spec;
    }
    return stored;
  }

  function checkObject(
    type: ResourceType,
    body: unknown,
    namespace: string,
    urlName?: string,
  ): Record<string, unknown> {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new HttpStatus(400, "the body of the request was in an unknown format");
    }
    const object = body as Record<string, unknown>;
    if (object.kind !== type.kind || object.apiVersion !== apiVersionOf(type)) {
      throw new HttpStatus(
        400,
        `the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${apiVersionOf(type)}) or kind ${String(object.kind)} is not ${type.kind}`,
      );
    }
    const metadata = (object.metadata ?? {}) as Record<string, unknown>;
    if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
      throw new HttpStatus(
        400,
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    const name = metadata.name;
    if (typeof name !== "string" || name === "") {
      throw new HttpStatus(
        422,
        `${type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
      );
    }
    if (urlName !== undefined && name !== urlName) {
      throw new HttpStatus(
        400,
        `the name of the object (${name}) does not match the name on the URL (${urlName})`,
      );
    }
    const problems = [
      ...(nameProblem(type, name)
        ? [`metadata.name: Invalid value: "${name}": ${nameProblem(type, name)}`]
        : []),
      ...labelProblems(metadata.labels, "metadata.labels"),
    ];
    if (problems.length > 0) {
      throw new HttpStatus(
        422,
        `${type.kind}.${type.group || "core"} "${name}" is invalid: ${problems.join(", ")}`,
        "Invalid",
        {
          ...details(type, name),
          causes: problems.map((message) => ({ reason: "FieldValueInvalid", message })),
        },
      );
    }
    return object;
  }

  function create(type: ResourceType, namespace: string, body: unknown): [number, unknown] {
    const object = checkObject(type, body, namespace);
    const name = (object.metadata as { name: string }).name;
    const key = keyOf(type, namespace, name);
    if (store.has(key)) {
      throw new HttpStatus(
        409,
        `${qualified(type)} "${name}" already exists`,
        "AlreadyExists",
        details(type, name),
      );
    }
    const stored = fill(type, object, namespace);
    store.set(key, stored);
    return [201, stored];
  }

  function existing(type: ResourceType, namespace: string, name: string): StoredObject {
    const stored = store.get(keyOf(type, namespace, name));
    if (!stored)
      throw new HttpStatus(404, `${qualified(type)} "${name}" not found`, "NotFound", details(type, name));
    return stored;
  }

  function replace(type: ResourceType, namespace: string, name: string, body: unknown): [number, unknown] {
    const object = checkObject(type, body, namespace, name);
    const current = existing(type, namespace, name);
    const metadata = object.metadata as Record<string, unknown>;
    const conflict = () =>
      new HttpStatus(
        409,
        `Operation cannot be fulfilled on ${qualified(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        "Conflict",
        details(type, name),
      );
    if (
      metadata.resourceVersion !== undefined &&
      metadata.resourceVersion !== current.metadata.resourceVersion
    ) {
      throw conflict();
    }
    const spec = (object.spec ?? {}) as Record<string, unknown>;
    const oldSpec = (current.spec ?? {}) as Record<string, unknown>;
    if (type.kind === "Deployment" && JSON.stringify(spec.selector) !== JSON.stringify(oldSpec.selector)) {
      throw new HttpStatus(
        422,
        `Deployment.apps "${name}" is invalid: spec.selector: Invalid value: field is immutable`,
        "Invalid",
        details(type, name),
      );
    }
    if (type.kind === "Service") {
      // Since Kubernetes 1.20 an update that leaves clusterIP out keeps the allocated one.
      if (!spec.clusterIP) {
        spec.clusterIP = oldSpec.clusterIP;
        spec.clusterIPs = oldSpec.clusterIPs;
      } else if (spec.clusterIP !== oldSpec.clusterIP) {
        throw new HttpStatus(
          422,
          `Service "${name}" is invalid: spec.clusterIP: Invalid value: field is immutable`,
          "Invalid",
          details(type, name),
        );
      }
    }
    const replaced: StoredObject = {
      ...(clone(object) as StoredObject),
      spec,
      metadata: {
        ...clone(metadata),
        name,
        namespace,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        resourceVersion: nextVersion(),
        generation:
          JSON.stringify(spec) === JSON.stringify(oldSpec)
            ? current.metadata.generation
            : current.metadata.generation + 1,
        ...(current.metadata.deletionTimestamp
          ? { deletionTimestamp: current.metadata.deletionTimestamp, finalizers: current.metadata.finalizers }
          : {}),
      },
    };
    if (object.spec === undefined) delete replaced.spec;
    store.set(keyOf(type, namespace, name), replaced);
    return [200, replaced];
  }

  function remove(
    type: ResourceType,
    namespace: string,
    name: string,
    policy: string | undefined,
  ): [number, unknown] {
    const key = keyOf(type, namespace, name);
    const current = existing(type, namespace, name);
    if (policy === "Foreground") {
      // The API server answers with the object it marked; the garbage collector removes it later.
      current.metadata.deletionTimestamp ??= stamp();
      current.metadata.finalizers = [
        ...new Set([...(current.metadata.finalizers ?? []), "foregroundDeletion"]),
      ];
      current.metadata.resourceVersion = nextVersion();
      const answer = clone(current);
      if (foreground === "immediate") store.delete(key);
      return [200, answer];
    }
    store.delete(key);
    return [
      200,
      {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Success",
        details: { ...details(type, name), uid: current.metadata.uid },
      },
    ];
  }

  function list(type: ResourceType, namespace: string): [number, unknown] {
    return [
      200,
      {
        kind: `${type.kind}List`,
        apiVersion: apiVersionOf(type),
        metadata: { resourceVersion: String(resourceVersion) },
        items: [...store.values()].filter((o) => o.kind === type.kind && o.metadata.namespace === namespace),
      },
    ];
  }

  function takeFailure(method: string, target: Route): K8sFailure | undefined {
    const index = failures.findIndex(
      (f) =>
        f.method.toUpperCase() === method &&
        (f.kind === undefined || f.kind === target.type.kind) &&
        (f.name === undefined || f.name === target.name),
    );
    const failure = failures[index];
    if (!failure) return undefined;
    failure.left -= 1;
    if (failure.left <= 0) failures.splice(index, 1);
    return failure;
  }

  async function handle(
    req: IncomingMessage,
    record: RecordedK8sRequest,
    raw: string,
  ): Promise<[number, unknown]> {
    if (req.headers.authorization !== `Bearer ${FAKE_K8S_TOKEN}`) throw new HttpStatus(401, "Unauthorized");
    const target = route(record.path);
    if (target === null) throw new HttpStatus(404, "the server could not find the requested resource");
    if ("discovery" in target) {
      if (req.method !== "GET")
        throw new HttpStatus(405, `the server does not allow this method on the requested resource`);
      const document = discoveryDocument(target.discovery);
      if (!document) throw new HttpStatus(404, "the server could not find the requested resource");
      return [200, document];
    }
    const method = req.method ?? "GET";
    const failure = takeFailure(method, target);
    if (failure?.delayMs) await new Promise((resolve) => setTimeout(resolve, failure.delayMs));
    if (failure?.status !== undefined) {
      throw new HttpStatus(
        failure.status,
        failure.message ?? `injected failure (${failure.status})`,
        failure.reason ?? REASONS[failure.status] ?? "Unknown",
        target.name ? details(target.type, target.name) : undefined,
      );
    }
    let body: unknown;
    if (raw !== "") {
      try {
        body = JSON.parse(raw);
      } catch {
        throw new HttpStatus(400, "the body of the request was in an unknown format");
      }
    }
    const { type, namespace, name } = target;
    switch (method) {
      case "POST":
        if (name !== undefined) break;
        return create(type, namespace, body);
      case "GET":
        return name === undefined ? list(type, namespace) : [200, clone(existing(type, namespace, name))];
      case "PUT":
        if (name === undefined) break;
        return replace(type, namespace, name, body);
      case "DELETE":
        if (name === undefined) break;
        return remove(type, namespace, name, record.propagationPolicy);
    }
    throw new HttpStatus(405, `the server does not allow this method on the requested resource`);
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const raw = await readBody(req);
      let body: unknown;
      try {
        body = raw === "" ? undefined : JSON.parse(raw);
      } catch {
        body = raw;
      }
      const target = route(url.pathname);
      const record: RecordedK8sRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body,
        authorization: req.headers.authorization,
      };
      if (target && !("discovery" in target)) {
        record.kind = target.type.kind;
        record.namespace = target.namespace;
        if (target.name !== undefined) record.name = target.name;
      }
      if (record.method === "DELETE") {
        const fromBody = (body as { propagationPolicy?: unknown } | undefined)?.propagationPolicy;
        const policy = typeof fromBody === "string" ? fromBody : url.searchParams.get("propagationPolicy");
        if (policy) record.propagationPolicy = policy;
      }
      requests.push(record);
      let status: number;
      let answer: unknown;
      try {
        [status, answer] = await handle(req, record, raw);
      } catch (error) {
        const failed =
          error instanceof HttpStatus
            ? error
            : new HttpStatus(500, error instanceof Error ? error.message : String(error), "InternalError");
        status = failed.code;
        answer = statusBody(failed.code, failed.message, failed.reason, failed.details);
      }
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
    })();
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const kubeconfigParts = (options: { token?: string | null; namespace?: string; context?: string } = {}) => {
    const token = options.token === undefined ? FAKE_K8S_TOKEN : options.token;
    return {
      context: options.context ?? "fake",
      namespace: options.namespace ?? "arthur",
      user: token === null ? { name: "fake-user" } : { name: "fake-user", token },
    };
  };

  return {
    url,
    requests,
    objects: () => [...store.values()].map(clone),
    object: (kind, namespace, name) => {
      const type = RESOURCES.find((t) => t.kind === kind);
      const stored = type ? store.get(keyOf(type, namespace, name)) : undefined;
      return stored ? clone(stored) : undefined;
    },
    seed(object) {
      const type = RESOURCES.find((t) => t.kind === object.kind && apiVersionOf(t) === object.apiVersion);
      const metadata = object.metadata as { name?: string; namespace?: string } | undefined;
      if (!type || !metadata?.name || !metadata.namespace)
        throw new Error("seed: need a known kind, a name and a namespace");
      const stored = fill(type, object, metadata.namespace);
      Object.assign(stored.metadata, clone(metadata));
      store.set(keyOf(type, metadata.namespace, metadata.name), stored);
      return clone(stored);
    },
    failNext(failure) {
      failures.push({ ...failure, left: failure.times ?? 1 });
    },
    finishDeletions() {
      for (const [key, stored] of store) if (stored.metadata.deletionTimestamp) store.delete(key);
    },
    kubeconfig(options) {
      const { context, namespace, user } = kubeconfigParts(options);
      const kc = new KubeConfig();
      // The client refuses plain http unless skipTLSVerify is set (there is no TLS to verify).
      kc.loadFromOptions({
        clusters: [{ name: "fake", server: url, skipTLSVerify: true }],
        users: [user],
        contexts: [{ name: context, cluster: "fake", user: user.name, namespace }],
        currentContext: context,
      });
      return kc;
    },
    kubeconfigYaml(options) {
      const { context, namespace, user } = kubeconfigParts(options);
      return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "  - name: fake",
        "    cluster:",
        `      server: ${url}`,
        "      insecure-skip-tls-verify: true",
        "users:",
        `  - name: ${user.name}`,
        `    user: ${"token" in user ? `{ token: ${user.token} }` : "{}"}`,
        "contexts:",
        `  - name: ${context}`,
        "    context:",
        "      cluster: fake",
        `      user: ${user.name}`,
        `      namespace: ${namespace}`,
        `current-context: ${context}`,
        "",
      ].join("\n");
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
