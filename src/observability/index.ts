export { createLogger, type Logger } from "./logger.ts";
export { createGatewayMetrics, type GatewayMetrics } from "./metrics.ts";
