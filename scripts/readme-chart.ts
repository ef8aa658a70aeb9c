// Renders the ticket-pace chart shown in the README from a demo database:
//   DATABASE_URL=$(npx arthur db url) node scripts/readme-chart.ts [EID]
import { writeFileSync } from "node:fs";
import { createSql } from "../src/db/index.ts";
import { buildPaceChart } from "../src/packs/eventbrite-charts/index.ts";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("set DATABASE_URL (e.g. $(npx arthur db url))");
const eid = process.argv[2] ?? "AB4125";
const sql = createSql(url, { maxConnections: 1 });
try {
  const chart = await buildPaceChart(sql, { eid, comparatorEids: null });
  if (!chart) throw new Error(`${eid} has no cached orders to draw`);
  writeFileSync(new URL("../docs/images/ticket-pace.png", import.meta.url), chart.png);
  console.log(
    `docs/images/ticket-pace.png: ${chart.width}×${chart.height}, ${chart.ticketCount} tickets, vs ${chart.comparators.join(", ")}`,
  );
} finally {
  await sql.end();
}
