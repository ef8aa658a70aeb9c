import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The gateway's Prometheus metrics, on their own registry so several gateways can share a process. */
export interface GatewayMetrics {
  registry: Registry;
  toolCalls: Counter<"tool" | "outcome">;
  toolDuration: Histogram<"tool">;
  auditBuffered: Gauge;
  auditDropped: Counter;
  auditWriteFailures: Counter;
}

export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  return {
    registry,
    toolCalls: new Counter({
      name: "arthur_tool_calls_total",
      help: "Tool calls by tool and outcome (ok or an error code)",
      labelNames: ["tool", "outcome"],
      registers: [registry],
    }),
    toolDuration: new Histogram({
      name: "arthur_tool_duration_seconds",
      help: "Tool call latency inside the gateway pipeline",
      labelNames: ["tool"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    auditBuffered: new Gauge({
      name: "arthur_audit_buffer_depth",
      help: "Audit rows waiting to be written",
      registers: [registry],
    }),
    auditDropped: new Counter({
      name: "arthur_audit_dropped_total",
      help: "Audit rows dropped because the buffer was full",
      registers: [registry],
    }),
    auditWriteFailures: new Counter({
      name: "arthur_audit_write_failures_total",
      help: "Failed audit batch writes (retried)",
      registers: [registry],
    }),
  };
}
