import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import * as vegaLite from "vega-lite";

/** One line of a ticket-pace chart: cumulative tickets sold by days before the event. */
export interface PaceSeries {
  /** Legend text, e.g. "AB4125 San Francisco (this event)". */
  label: string;
  /** The event the chart is about (drawn thicker); the others are comparators. */
  isTarget: boolean;
  points: readonly { daysBefore: number; tickets: number }[];
}

export interface PaceChart {
  title: string;
  subtitle?: string;
  series: readonly PaceSeries[];
  /** Where "today" falls for the target event, in days before it; null once it has happened. */
  todayDaysBefore: number | null;
}

export interface RenderedChart {
  png: Buffer;
  svg: string;
  width: number;
  height: number;
}

const FONT_FAMILY = "DejaVu Sans";

/** One layer of a layered Vega-Lite spec (the package does not export the type by name). */
type Layer = Extract<vegaLite.TopLevelSpec, { layer: unknown }>["layer"][number];

let bundledFonts: string[] | undefined;

/** The bundled font files (the `dejavu-fonts-ttf` package), so text renders on any machine; resolved once. */
function fontFiles(): string[] {
  if (!bundledFonts) {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
    bundledFonts = [join(dir, "DejaVuSans.ttf"), join(dir, "DejaVuSans-Bold.ttf")];
  }
  return bundledFonts;
}

function paceSpec(chart: PaceChart, width: number, height: number): vegaLite.TopLevelSpec {
  const rows = chart.series.flatMap((s) =>
    s.points.map((p) => ({
      series: s.label,
      target: s.isTarget,
      days_before: p.daysBefore,
      tickets: p.tickets,
    })),
  );
  const layers: Layer[] = [
    {
      data: { values: rows },
      mark: { type: "line", interpolate: "monotone" },
      encoding: {
        x: {
          field: "days_before",
          type: "quantitative",
          title: "Days before the event",
          // Time runs left to right: far from the event on the left, the event day at the right.
          scale: { reverse: true, zero: true },
        },
        y: { field: "tickets", type: "quantitative", title: "Tickets sold (cumulative)" },
        color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom", columns: 2 } },
        strokeWidth: { condition: { test: "datum.target", value: 4 }, value: 2 },
        strokeDash: { condition: { test: "datum.target", value: [1, 0] }, value: [6, 3] },
      },
    },
  ];
  if (chart.todayDaysBefore !== null) {
    const today = { days_before: chart.todayDaysBefore, label: "today" };
    layers.push(
      {
        data: { values: [today] },
        mark: { type: "rule", color: "#b91c1c", strokeWidth: 2 },
        encoding: { x: { field: "days_before", type: "quantitative" } },
      },
      {
        data: { values: [today] },
        mark: { type: "text", color: "#b91c1c", align: "left", dx: 4, dy: -4, baseline: "top", y: 0 },
        encoding: { x: { field: "days_before", type: "quantitative" }, text: { field: "label" } },
      },
    );
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width,
    height,
    background: "white",
    padding: 16,
    title: {
      text: chart.title,
      ...(chart.subtitle ? { subtitle: chart.subtitle } : {}),
      anchor: "start",
      fontSize: 18,
    },
    config: {
      font: FONT_FAMILY,
      axis: { labelFontSize: 12, titleFontSize: 13 },
      legend: { labelFontSize: 12, labelLimit: 360 },
    },
    layer: layers,
  };
}

/**
 * Render a ticket-pace chart server-side: Vega-Lite → SVG (Vega's own renderer, no browser) → PNG
 * (resvg, with the bundled DejaVu font). `width`/`height` are the plot area; the image adds the
 * title, axes and legend around it.
 */
export async function renderPaceChart(
  chart: PaceChart,
  options: { width?: number; height?: number } = {},
): Promise<RenderedChart> {
  const spec = vegaLite.compile(paceSpec(chart, options.width ?? 720, options.height ?? 360)).spec;
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  const image = new Resvg(svg, {
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    background: "white",
  }).render();
  return { png: image.asPng(), svg, width: image.width, height: image.height };
}
