import { existsSync, readFileSync } from "node:fs";
import { isIPv6 } from "node:net";
import { delimiter, join } from "node:path";
import {
  ApiException,
  type Cluster as ClusterEntry,
  type Context as ContextEntry,
  createConfiguration,
  dumpYaml,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  loadYaml,
  type Middleware,
  ServerConfiguration,
  type User as UserEntry,
} from "@kubernetes/client-node";
import { parse as parseYaml } from "yaml";
import { ANNOTATIONS, type KubeObject } from "./manifests.ts";

/**
 * One Kubernetes API server, reached through @kubernetes/client-node's generic
 * KubernetesObjectApi (discovery maps a kind to its REST path, so any kind works). Every failure
 * is a KubernetesError that names the object; nothing is retried except apply's own
 * read-then-replace when someone else changed the object in between.
 */

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface Cluster {
  /** e.g. "kubeconfig context kind-arthur (namespace arthur)" or "in-cluster (namespace arthur)". */
  readonly description: string;
  /** The current context's namespace ("default" when it names none). */
  readonly namespace: string;
  /**
   * Create the object, or replace it when one of that name exists: never two objects. Refuses
   * (KubernetesError) to replace an object that is being deleted, or one annotated as another
   * team's. Returns whether it was created now.
   */
  apply(object: KubeObject): Promise<{ ref: ObjectRef; created: boolean }>;
  /** Delete with Foreground propagation; "not_found" is fine (idempotent). */
  delete(ref: ObjectRef): Promise<"deleted" | "not_found">;
  /** Whether it exists (an object still being deleted does). */
  exists(ref: ObjectRef): Promise<boolean>;
}

/**
 * A Kubernetes call that failed. `status` and `reason` are the API server's HTTP status and
 * Status.reason ("AlreadyExists", "Forbidden", "Invalid", …); both null when no answer came.
 * Client-side refusals use reasons of their own: "Timeout" (no answer in time), "Terminating",
 * "OwnedByAnotherTeam", "UnknownKind" and "NotSerializable".
 */
export class KubernetesError extends Error {
  readonly status: number | null;
  readonly reason: string | null;
  readonly ref: ObjectRef;

  constructor(
    message: string,
    details: { status: number | null; reason: string | null; ref: ObjectRef; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "KubernetesError";
    this.status = details.status;
    this.reason = details.reason;
    this.ref = details.ref;
  }
}

export interface ClusterOptions {
  /** Replaces the generated description. */
  description?: string;
  /** Per HTTP request; default 30 s. */
  requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Rounds of read-then-replace when the object keeps changing (409 Conflict) under us. */
const APPLY_ATTEMPTS = 3;
/** Longest piece of the API server's own message carried into ours. */
const SAID_CHARS = 300;

const describeRef = (ref: ObjectRef) => `${ref.kind} ${ref.namespace}/${ref.name}`;

/** Where an object lives: what apply, delete and provisioning steps name. */
export function refOf(object: KubeObject): ObjectRef {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: object.metadata.namespace,
    name: object.metadata.name,
  };
}

function header(ref: ObjectRef) {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace },
  };
}

/** The Status body of a failed call; the generic API hands it over as unparsed text. */
function statusOf(body: unknown): { reason: string | null; message: string | null } {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return { reason: null, message: body.trim().slice(0, SAID_CHARS) || null };
    }
  }
  if (typeof value !== "object" || value === null) return { reason: null, message: null };
  const status = value as { reason?: unknown; message?: unknown };
  return {
    reason: typeof status.reason === "string" && status.reason !== "" ? status.reason : null,
    message: typeof status.message === "string" ? status.message.slice(0, SAID_CHARS) : null,
  };
}

function failure(action: string, ref: ObjectRef, error: unknown, timeoutMs: number): KubernetesError {
  if (error instanceof KubernetesError) return error;
  const what = `${action} ${describeRef(ref)}`;
  if (error instanceof ApiException) {
    const code = error.code as number;
    const { reason, message } = statusOf(error.body);
    const said = [reason, message].filter((s) => s !== null).join(": ") || "no Status body";
    return new KubernetesError(`${what}: HTTP ${code} ${said}`, { status: code, reason, ref, cause: error });
  }
  const name = error instanceof Error ? error.name : "";
  if (name === "AbortError" || name === "TimeoutError") {
    return new KubernetesError(`${what}: no answer within ${timeoutMs} ms`, {
      status: null,
      reason: "Timeout",
      ref,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new KubernetesError(`${what}: ${message}`, { status: null, reason: null, ref, cause: error });
}

/** Where two JSON values first differ ("spec.ingress[0].from"), or null when they are equal. */
function firstDifference(expected: unknown, actual: unknown, path = ""): string | null {
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return path || "(root)";
    const length = Math.max(expected.length, actual.length);
    for (let i = 0; i < length; i++) {
      const found = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof expected === "object" && expected !== null && typeof actual === "object" && actual !== null) {
    const a = expected as Record<string, unknown>;
    const b = actual as Record<string, unknown>;
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference(a[key], b[key], path ? `${path}.${key}` : key);
      if (found !== null) return found;
    }
    return null;
  }
  return Object.is(expected, actual) ? null : path || "(root)";
}

/**
 * The object in the client's model form. KubernetesObjectApi serialises known kinds through
 * its generated models, which read model property names: wire JSON in, `from` (a NetworkPolicy
 * peer list, `_from` in the model) and any field the models lack would be silently dropped, and
 * an ingress rule without `from` admits every pod in the cluster. So: convert with the
 * library's own loader, check that serialising gives back exactly what we meant, and refuse
 * otherwise.
 */
function clientModel(object: KubeObject, ref: ObjectRef): KubernetesObject {
  const model = loadYaml<KubernetesObject>(JSON.stringify(object));
  const lost = firstDifference(object, parseYaml(dumpYaml(model)));
  if (lost !== null) {
    throw new KubernetesError(
      `apply ${describeRef(ref)}: the client library would not send ${lost} as given (unknown field?)`,
      { status: null, reason: "NotSerializable", ref },
    );
  }
  return model;
}

/** Whose object this is, by the annotations teamObjects writes; null when unannotated. */
function owner(annotations: Record<string, string> | undefined): string | null {
  const org = annotations?.[ANNOTATIONS.orgId];
  const team = annotations?.[ANNOTATIONS.teamId];
  return org === undefined || team === undefined ? null : JSON.stringify([org, team]);
}

/** Discovery is protected in the client; the cached kind lookup is exactly what #resolve needs. */
class ObjectApi extends KubernetesObjectApi {
  discover(apiVersion: string, kind: string) {
    return this.resource(apiVersion, kind);
  }
}

class KubeCluster implements Cluster {
  readonly description: string;
  readonly namespace: string;
  readonly #api: ObjectApi;
  readonly #timeoutMs: number;

  constructor(kc: KubeConfig, options: ClusterOptions) {
    const contextName = kc.getCurrentContext();
    const context = contextName ? kc.getContextObject(contextName) : null;
    const cluster = kc.getCurrentCluster();
    if (!context || !cluster) {
      throw new Error(
        contextName
          ? `kubeconfig context "${contextName}" or its cluster is missing`
          : "kubeconfig has no current context",
      );
    }
    this.namespace = context.namespace || "default";
    this.description =
      options.description ?? `kubeconfig context ${contextName} (namespace ${this.namespace})`;
    this.#timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    // As kc.makeApiClient(KubernetesObjectApi) builds it, plus a deadline: the client sets none,
    // and a stalled API server would otherwise hold a provisioning run (and its lock) forever.
    const timeoutMs = this.#timeoutMs;
    const deadline: Middleware = {
      pre: async (context) => {
        context.setSignal(AbortSignal.timeout(timeoutMs));
        return context;
      },
      post: async (context) => context,
    };
    this.#api = new ObjectApi(
      createConfiguration({
        baseServer: new ServerConfiguration(cluster.server, {}),
        authMethods: { default: kc },
        promiseMiddleware: [deadline],
      }),
    );
  }

  async apply(object: KubeObject): Promise<{ ref: ObjectRef; created: boolean }> {
    const ref = refOf(object);
    const model = clientModel(object, ref);
    await this.#resolve(ref);
    for (let attempt = 1; attempt <= APPLY_ATTEMPTS; attempt++) {
      const current = attempt === 1 ? null : await this.#read(ref);
      if (current === null) {
        // Create first: it is atomic, so two control planes racing still end with one object.
        try {
          await this.#api.create(structuredClone(model));
          return { ref, created: true };
        } catch (error) {
          const failed = failure("create", ref, error, this.#timeoutMs);
          if (failed.status !== 409 || (failed.reason !== null && failed.reason !== "AlreadyExists"))
            throw failed;
          continue;
        }
      }
      this.#checkReplaceable(object, current, ref);
      try {
        // resourceVersion makes the replace conditional: a concurrent change answers 409 Conflict
        // and we read again, instead of silently overwriting it.
        const replacement = structuredClone(model);
        replacement.metadata = {
          ...replacement.metadata,
          resourceVersion: current.metadata?.resourceVersion,
        };
        await this.#api.replace(replacement);
        return { ref, created: false };
      } catch (error) {
        const failed = failure("replace", ref, error, this.#timeoutMs);
        if (failed.status !== 409 || failed.reason !== "Conflict") throw failed;
      }
    }
    throw new KubernetesError(`apply ${describeRef(ref)}: it kept changing under us; try again`, {
      status: 409,
      reason: "Conflict",
      ref,
    });
  }

  async delete(ref: ObjectRef): Promise<"deleted" | "not_found"> {
    await this.#resolve(ref);
    try {
      // Foreground: the Deployment goes only after its ReplicaSets and pods, so "deleted"
      // never leaves a runner behind that is still serving.
      await this.#api.delete(header(ref), undefined, undefined, undefined, undefined, undefined, {
        apiVersion: "v1",
        kind: "DeleteOptions",
        propagationPolicy: "Foreground",
      });
      return "deleted";
    } catch (error) {
      const failed = failure("delete", ref, error, this.#timeoutMs);
      if (failed.status === 404) return "not_found";
      throw failed;
    }
  }

  async exists(ref: ObjectRef): Promise<boolean> {
    await this.#resolve(ref);
    return (await this.#read(ref)) !== null;
  }

  /**
   * Look the kind up in discovery (cached by the client) before touching the object, so a
   * missing API group fails as itself rather than as a 404 that exists/delete would take for
   * "no such object".
   */
  async #resolve(ref: ObjectRef): Promise<void> {
    let resource: unknown;
    try {
      resource = await this.#api.discover(ref.apiVersion, ref.kind);
    } catch (error) {
      throw failure("discover the API for", ref, error, this.#timeoutMs);
    }
    if (resource === undefined) {
      throw new KubernetesError(
        `${describeRef(ref)}: the API server does not serve ${ref.kind} in ${ref.apiVersion}`,
        {
          status: null,
          reason: "UnknownKind",
          ref,
        },
      );
    }
  }

  async #read(ref: ObjectRef): Promise<KubernetesObject | null> {
    try {
      return await this.#api.read(header(ref));
    } catch (error) {
      const failed = failure("read", ref, error, this.#timeoutMs);
      if (failed.status === 404) return null;
      throw failed;
    }
  }

  #checkReplaceable(object: KubeObject, current: KubernetesObject, ref: ObjectRef): void {
    if (current.metadata?.deletionTimestamp) {
      // Replacing it would "succeed" and then the object would vanish when deletion completes.
      throw new KubernetesError(`apply ${describeRef(ref)}: it is being deleted; try again once it is gone`, {
        status: 409,
        reason: "Terminating",
        ref,
      });
    }
    const theirs = owner(current.metadata?.annotations);
    const ours = owner(object.metadata.annotations);
    if (theirs !== null && ours !== null && theirs !== ours) {
      throw new KubernetesError(`apply ${describeRef(ref)}: it belongs to another team (${theirs})`, {
        status: 409,
        reason: "OwnedByAnotherTeam",
        ref,
      });
    }
  }
}

/** A Cluster for the kubeconfig's current context. */
export function clusterFromKubeConfig(kc: KubeConfig, options: ClusterOptions = {}): Cluster {
  return new KubeCluster(kc, options);
}

export interface LoadClusterOptions {
  /** A kubeconfig file (or several, joined as in KUBECONFIG); must exist. Wins over everything else. */
  kubeconfigPath?: string;
  /** true: only the pod's in-cluster configuration; false: never it; absent: after KUBECONFIG. */
  inCluster?: boolean;
  /** Where the pod's service-account files are (tests point it elsewhere). */
  serviceAccountDir?: string;
  requestTimeoutMs?: number;
}

export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

const pathList = (list: string) => list.split(delimiter).filter((file) => file !== "");

/** Files listed like KUBECONFIG, merged as kubectl does: the first definition of a name wins. */
function kubeConfigFromFiles(files: readonly string[], source: string): KubeConfig {
  const present = files.filter((file) => existsSync(file));
  if (present.length === 0)
    throw new Error(`${source} names no kubeconfig file that exists (${files.join(", ")})`);
  const clusters = new Map<string, ClusterEntry>();
  const users = new Map<string, UserEntry>();
  const contexts = new Map<string, ContextEntry>();
  let currentContext: string | undefined;
  for (const file of present) {
    const kc = new KubeConfig();
    kc.loadFromFile(file);
    for (const entry of kc.getClusters()) if (!clusters.has(entry.name)) clusters.set(entry.name, entry);
    for (const entry of kc.getUsers()) if (!users.has(entry.name)) users.set(entry.name, entry);
    for (const entry of kc.getContexts()) if (!contexts.has(entry.name)) contexts.set(entry.name, entry);
    currentContext ||= kc.getCurrentContext();
  }
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  return merged;
}

/**
 * The pod's own API access, built here rather than by KubeConfig.loadFromCluster, which reads
 * process.env itself. The token is named by file, not copied: the client re-reads it every
 * minute, and Kubernetes rotates projected tokens.
 */
function inClusterConfig(env: Readonly<Record<string, string | undefined>>, dir: string): KubeConfig | null {
  const host = env.KUBERNETES_SERVICE_HOST?.trim();
  const tokenFile = join(dir, "token");
  if (!host || !existsSync(tokenFile)) return null;
  const port = env.KUBERNETES_SERVICE_PORT?.trim() || "443";
  const caFile = join(dir, "ca.crt");
  const namespaceFile = join(dir, "namespace");
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, "utf8").trim() : undefined;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: "in-cluster",
        server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
        skipTLSVerify: false,
        ...(existsSync(caFile) ? { caFile } : {}),
      },
    ],
    users: [{ name: "in-cluster", authProvider: { name: "tokenFile", config: { tokenFile } } }],
    contexts: [{ name: "in-cluster", cluster: "in-cluster", user: "in-cluster", namespace }],
    currentContext: "in-cluster",
  });
  return kc;
}

/**
 * The cluster to provision in, or null when there is none to use (the caller records its
 * Kubernetes steps as skipped). Looks, in order, at options.kubeconfigPath, KUBECONFIG, the pod's
 * in-cluster configuration (KUBERNETES_SERVICE_HOST and the service-account token file), then
 * ~/.kube/config, as controller-runtime does. A kubeconfig that is named but missing or
 * unreadable throws: it is a mistake to report, not an absence.
 *
 * @param env the environment to read; only this function reads it
 */
export function loadCluster(
  options: LoadClusterOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): Cluster | null {
  const clusterOptions =
    options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs };
  if (options.kubeconfigPath) {
    return clusterFromKubeConfig(
      kubeConfigFromFiles(pathList(options.kubeconfigPath), "kubeconfigPath"),
      clusterOptions,
    );
  }
  if (options.inCluster !== true && env.KUBECONFIG) {
    return clusterFromKubeConfig(kubeConfigFromFiles(pathList(env.KUBECONFIG), "KUBECONFIG"), clusterOptions);
  }
  if (options.inCluster !== false) {
    const kc = inClusterConfig(env, options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
    if (kc !== null) {
      const namespace = kc.getContextObject("in-cluster")?.namespace || "default";
      return clusterFromKubeConfig(kc, {
        ...clusterOptions,
        description: `in-cluster (namespace ${namespace})`,
      });
    }
    if (options.inCluster === true) return null;
  }
  const home = env.HOME || env.USERPROFILE;
  const homeConfig = home ? join(home, ".kube", "config") : null;
  if (homeConfig !== null && existsSync(homeConfig)) {
    return clusterFromKubeConfig(kubeConfigFromFiles([homeConfig], "~/.kube/config"), clusterOptions);
  }
  return null;
}
