import { z } from "zod";
import { DOMAINS, ROLES } from "../catalog/index.ts";
import type { Sql } from "../db/index.ts";
import type { Logger } from "../observability/index.ts";
import { scheduleSchema, slug, type TenantConfig } from "./config.ts";
import { ControlPlaneError } from "./errors.ts";
import {
  type Cluster,
  KubernetesError,
  type ObjectRef,
  refOf,
  teamObjects,
  validateCron,
} from "./k8s/index.ts";
import { checked, type TeamRef, type Tenants } from "./tenants.ts";

export const provisionRequestSchema = z
  .object({
    org_id: slug,
    team_id: slug,
    team_name: z.string().trim().min(1).max(200).optional(),
    slack_channel_ids: z
      .array(z.string().regex(/^[CG][A-Z0-9]{2,}$/, "must be a Slack channel id such as C0123ABCD"))
      .max(50)
      .default([]),
    domains: z.array(z.enum(DOMAINS)).min(1).optional(),
    role_map: z
      .record(z.string().regex(/^[UW][A-Z0-9]{2,}$/, "must be a Slack user id"), z.enum(ROLES))
      .optional(),
    schedules: z.array(scheduleSchema).max(20).default([]),
    deployment_mode: z.enum(["shared", "dedicated"]).default("shared"),
    idempotency_key: z.string().trim().min(1).max(128).optional(),
  })
  .strict()
  .superRefine((request, ctx) => {
    for (const [i, schedule] of request.schedules.entries()) {
      const problem = validateCron(schedule.cron);
      if (problem) ctx.addIssue({ code: "custom", path: ["schedules", i, "cron"], message: problem });
    }
    const names = request.schedules.map((s) => s.name);
    if (new Set(names).size !== names.length) {
      ctx.addIssue({ code: "custom", path: ["schedules"], message: "schedule names must be unique" });
    }
  });
export type ProvisionRequest = z.output<typeof provisionRequestSchema>;

export interface Step {
  name: string;
  status: "done" | "skipped" | "failed" | "compensated";
  detail?: string;
  object?: ObjectRef;
  /** For Kubernetes objects: created by this run (a compensating delete removes it) or replaced. */
  created?: boolean;
}

export interface ProvisionRun {
  id: string;
  org_id: string;
  team_id: string;
  status: "running" | "succeeded" | "failed";
  steps: Step[];
  error: string | null;
  created_at: Date;
  updated_at: Date;
  /** This answer is an earlier run under the same idempotency key; nothing was done again. */
  reused: boolean;
  /** A team token minted by this run: shown once, here. */
  team_token?: string;
  /** Why it failed, as an HTTP status: 409 for a routing conflict, 502 when Kubernetes refused. */
  failure_status?: 409 | 502 | 500;
}

interface RunRow {
  id: string;
  org_id: string;
  team_id: string;
  status: ProvisionRun["status"];
  steps: Step[];
  error: string | null;
  created_at: Date;
  updated_at: Date;
}

/** What deprovisioning removed (objects missing already are listed, not errors). */
export interface Deprovisioned {
  deleted: ObjectRef[];
  not_found: ObjectRef[];
  /** No cluster configured: no Kubernetes object was touched. */
  skipped: boolean;
  routes_removed: number;
  tokens_revoked: number;
}

export interface ProvisionerDeps {
  sql: Sql;
  tenants: Tenants;
  /** Null: no kubeconfig or in-cluster configuration; Kubernetes steps are recorded as skipped. */
  cluster: Cluster | null;
  namespace: string;
  image: string;
  /** The Secret team pods take their environment from (K8S_ENV_SECRET); absent: none. */
  envSecret?: string;
  /** How long a provision waits for another one of the same team to finish. */
  lockTimeoutMs?: number;
  logger: Logger;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The team's own settings from the request, on top of what the team already has. */
function requestedConfig(current: TenantConfig, request: ProvisionRequest): TenantConfig {
  return checked({
    ...current,
    ...(request.domains ? { domains: request.domains } : {}),
    ...(request.role_map ? { role_map: { ...(current.role_map ?? {}), ...request.role_map } } : {}),
    schedules: request.schedules,
    ...(current.default_channel_id || !request.slack_channel_ids[0]
      ? {}
      : { default_channel_id: request.slack_channel_ids[0] }),
  });
}

/**
 * Sets a team up end to end — team row, configuration, routing, a team token, and its Kubernetes
 * objects — as one unit: serialised per team by an advisory lock (with a timeout), idempotent by
 * key (a failed run is retried under the same key), every step recorded in its run row, and on a
 * failure the objects this run created are deleted again and the database changes rolled back.
 */
export class Provisioner {
  readonly requestSchema = provisionRequestSchema;
  readonly #deps: ProvisionerDeps;

  constructor(deps: ProvisionerDeps) {
    this.#deps = deps;
  }

  async run(id: string): Promise<ProvisionRun | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
    const [row] = await this.#deps.sql<RunRow[]>`
      select id, org_id, team_id, status, steps, error, created_at, updated_at from arthur_provisioning_runs where id = ${id}`;
    return row ? { ...row, reused: false } : null;
  }

  async provision(request: ProvisionRequest, requestedBy: string): Promise<ProvisionRun> {
    const team = { orgId: request.org_id, teamId: request.team_id };
    if (!(await this.#deps.tenants.orgExists(team.orgId))) {
      throw new ControlPlaneError("not_found", `No org ${team.orgId}: create it first`);
    }
    return this.#locked(team, async (sql) => {
      const earlier = request.idempotency_key
        ? (
            await sql<RunRow[]>`
              select id, org_id, team_id, status, steps, error, created_at, updated_at from arthur_provisioning_runs
              where org_id = ${team.orgId} and team_id = ${team.teamId} and idempotency_key = ${request.idempotency_key}`
          )[0]
        : undefined;
      if (earlier?.status === "succeeded") return { ...earlier, reused: true };
      // A failed run (or one a crash left running — we hold the team's lock, so it is not) is retried in place.
      const [row] = earlier
        ? await sql<{ id: string }[]>`
            update arthur_provisioning_runs set status = 'running', steps = '[]', error = null, request = ${sql.json(request as never)},
              requested_by = ${requestedBy}, updated_at = now()
            where id = ${earlier.id} returning id`
        : await sql<{ id: string }[]>`
            insert into arthur_provisioning_runs (org_id, team_id, idempotency_key, request, requested_by)
            values (${team.orgId}, ${team.teamId}, ${request.idempotency_key ?? null}, ${sql.json(request as never)}, ${requestedBy})
            returning id`;
      const runId = row?.id ?? "";
      const steps: Step[] = [];
      const save = () =>
        this.#deps
          .sql`update arthur_provisioning_runs set steps = ${this.#deps.sql.json(steps as never)}, updated_at = now() where id = ${runId}`;
      let teamToken: string | undefined;
      let error: string | null = null;
      let failureStatus: ProvisionRun["failure_status"];
      try {
        teamToken = await this.#apply(sql, team, request, steps, save);
      } catch (failure) {
        error = failure instanceof Error ? failure.message : String(failure);
        failureStatus =
          failure instanceof ControlPlaneError && failure.code === "conflict"
            ? 409
            : failure instanceof KubernetesError
              ? 502
              : 500;
        this.#deps.logger.warn(
          { runId, ...team, err: error },
          "provisioning failed; what this run created was undone",
        );
      }
      const [done] = await this.#deps.sql<RunRow[]>`
        update arthur_provisioning_runs
        set status = ${error ? "failed" : "succeeded"}, steps = ${this.#deps.sql.json(steps as never)}, error = ${error}, updated_at = now()
        where id = ${runId}
        returning id, org_id, team_id, status, steps, error, created_at, updated_at`;
      if (!done) throw new Error("provisioning run row vanished");
      return {
        ...done,
        reused: false,
        ...(teamToken && !error ? { team_token: teamToken } : {}),
        ...(failureStatus ? { failure_status: failureStatus } : {}),
      };
    });
  }

  /**
   * The database steps in one transaction, the Kubernetes steps inside it: a failure anywhere rolls
   * the transaction back and deletes the objects this run created, so nothing half-made is left.
   */
  async #apply(
    sql: Sql,
    team: TeamRef,
    request: ProvisionRequest,
    steps: Step[],
    save: () => Promise<unknown>,
  ): Promise<string | undefined> {
    const { tenants, cluster } = this.#deps;
    const created: ObjectRef[] = [];
    // The reserved connection holds the team's lock; the transaction runs on it too.
    const tx = sql;
    await tx`begin`;
    try {
      const token = await (async () => {
        const [existing] = await tx<{ config: TenantConfig }[]>`
          select config from arthur_teams where org_id = ${team.orgId} and id = ${team.teamId} for update`;
        if (!existing) {
          await tx`insert into arthur_teams (org_id, id, name) values (${team.orgId}, ${team.teamId}, ${request.team_name ?? team.teamId})`;
        }
        steps.push({ name: "team", status: "done", detail: existing ? "existing team" : "created" });
        const config = requestedConfig(existing?.config ?? {}, request);
        await tx`update arthur_teams set config = ${tx.json(config as never)}, updated_at = now()
                 where org_id = ${team.orgId} and id = ${team.teamId}`;
        steps.push({ name: "config", status: "done" });
        await tenants.addRoutes(
          team,
          request.slack_channel_ids.map((value) => ({ kind: "slack_channel" as const, value })),
          tx,
        );
        steps.push({
          name: "routes",
          status: "done",
          detail: `${request.slack_channel_ids.length} Slack channel(s)`,
        });
        const [active] = await tx`
          select 1 from arthur_cp_tokens where kind = 'team' and org_id = ${team.orgId} and team_id = ${team.teamId}
            and revoked_at is null and (expires_at is null or expires_at > now())`;
        const token = active
          ? undefined
          : (
              await tenants.issueToken(
                {
                  kind: "team",
                  orgId: team.orgId,
                  teamId: team.teamId,
                  scopes: ["team:read"],
                  label: "provisioned",
                },
                tx,
              )
            ).token;
        steps.push({
          name: "team_token",
          status: "done",
          detail: token ? "minted" : "an active token exists",
        });
        await save();

        const objects = teamObjects({
          orgId: team.orgId,
          teamId: team.teamId,
          namespace: this.#deps.namespace,
          image: this.#deps.image,
          ...(this.#deps.envSecret ? { secretName: this.#deps.envSecret } : {}),
          schedules: request.schedules,
          deploymentMode: request.deployment_mode,
        });
        if (!cluster) {
          for (const object of objects) {
            steps.push({
              name: `k8s ${object.kind}`,
              status: "skipped",
              detail: "no kubeconfig or in-cluster configuration",
              object: refOf(object),
            });
          }
          return token;
        }
        for (const object of objects) {
          try {
            const applied = await cluster.apply(object);
            if (applied.created) created.push(applied.ref);
            steps.push({
              name: `k8s ${object.kind}`,
              status: "done",
              object: applied.ref,
              created: applied.created,
            });
          } catch (failure) {
            const detail = failure instanceof Error ? failure.message : String(failure);
            steps.push({ name: `k8s ${object.kind}`, status: "failed", detail, object: refOf(object) });
            throw failure;
          }
          await save();
        }
        return token;
      })();
      await tx`commit`;
      return token;
    } catch (failure) {
      await tx`rollback`.catch(() => {});
      await this.#compensate(created, steps);
      throw failure;
    }
  }

  /** Delete, newest first, what this run created; what it only replaced is left (it existed before). */
  async #compensate(created: ObjectRef[], steps: Step[]): Promise<void> {
    const { cluster } = this.#deps;
    if (!cluster) return;
    for (const ref of [...created].reverse()) {
      try {
        await cluster.delete(ref);
        steps.push({ name: `undo k8s ${ref.kind}`, status: "compensated", object: ref });
      } catch (failure) {
        const detail = failure instanceof Error ? failure.message : String(failure);
        steps.push({ name: `undo k8s ${ref.kind}`, status: "failed", object: ref, detail });
      }
    }
  }

  /**
   * Take the team down: its Kubernetes objects (every shape any of its runs asked for), its routing
   * and its tokens. The team row and its history stay.
   */
  async deprovision(team: TeamRef): Promise<Deprovisioned> {
    return this.#locked(team, async (sql) => {
      const requests = await sql<{ request: ProvisionRequest }[]>`
        select request from arthur_provisioning_runs where org_id = ${team.orgId} and team_id = ${team.teamId}`;
      if (requests.length === 0 && !(await this.#deps.tenants.team(team))) {
        throw new ControlPlaneError("not_found", `No team ${team.orgId}/${team.teamId}`);
      }
      const refs = new Map<string, ObjectRef>();
      for (const { request } of requests) {
        for (const mode of ["shared", "dedicated"] as const) {
          for (const object of teamObjects({
            orgId: team.orgId,
            teamId: team.teamId,
            namespace: this.#deps.namespace,
            image: this.#deps.image,
            ...(this.#deps.envSecret ? { secretName: this.#deps.envSecret } : {}),
            schedules: request.schedules ?? [],
            deploymentMode: mode,
          })) {
            const ref = refOf(object);
            refs.set(`${ref.kind}/${ref.namespace}/${ref.name}`, ref);
          }
        }
      }
      const deleted: ObjectRef[] = [];
      const notFound: ObjectRef[] = [];
      const { cluster } = this.#deps;
      if (cluster) {
        for (const ref of [...refs.values()].reverse()) {
          ((await cluster.delete(ref)) === "deleted" ? deleted : notFound).push(ref);
        }
      }
      const routes =
        await sql`delete from arthur_routes where org_id = ${team.orgId} and team_id = ${team.teamId} returning 1`;
      const tokens = await sql`
        update arthur_cp_tokens set revoked_at = now()
        where org_id = ${team.orgId} and team_id = ${team.teamId} and revoked_at is null returning 1`;
      return {
        deleted,
        not_found: notFound,
        skipped: !cluster,
        routes_removed: routes.length,
        tokens_revoked: tokens.length,
      };
    });
  }

  /**
   * Run `body` holding the team's advisory lock on one reserved connection; waits up to the lock
   * timeout for a provision of the same team in another request or replica, then gives up (409).
   */
  async #locked<T>(team: TeamRef, body: (sql: Sql) => Promise<T>): Promise<T> {
    const reserved = await this.#deps.sql.reserve();
    const key = `${team.orgId}/${team.teamId}`;
    const deadline = Date.now() + (this.#deps.lockTimeoutMs ?? 15_000);
    try {
      for (;;) {
        const [got] = await reserved<{ locked: boolean }[]>`
          select pg_try_advisory_lock(hashtext('arthur-provision'), hashtext(${key})) as locked`;
        if (got?.locked) break;
        if (Date.now() >= deadline) {
          throw new ControlPlaneError(
            "lock_timeout",
            `Team ${key} is being provisioned by another request; try again`,
          );
        }
        await sleep(50);
      }
      try {
        return await body(reserved as unknown as Sql);
      } finally {
        await reserved`select pg_advisory_unlock(hashtext('arthur-provision'), hashtext(${key}))`;
      }
    } finally {
      reserved.release();
    }
  }
}
