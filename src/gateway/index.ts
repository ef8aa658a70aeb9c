export { createGatewayApp, type GatewayDeps, listen, type RunningServer } from "./http.ts";
