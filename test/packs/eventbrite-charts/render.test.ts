import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { type PaceChart, renderPaceChart } from "../../../src/packs/eventbrite-charts/index.ts";

/** A cumulative curve: `total` tickets sold over `days` days, most of them near the event. */
function curve(days: number, total: number) {
  return Array.from({ length: days + 1 }, (_, i) => {
    const daysBefore = days - i;
    return { daysBefore, tickets: Math.round(total * (i / days) ** 2) };
  });
}

const chart: PaceChart = {
  title: "AB4125 San Francisco — ticket pace",
  subtitle: "Cumulative tickets sold vs days before the event",
  series: [
    { label: "AB4125 San Francisco (this event)", isTarget: true, points: curve(30, 180).slice(0, 20) },
    { label: "AB3980 San Francisco", isTarget: false, points: curve(45, 260) },
    { label: "AB3901 Oakland", isTarget: false, points: curve(45, 210) },
  ],
  todayDaysBefore: 11,
};

function decode(png: Buffer) {
  const image = PNG.sync.read(png);
  const pixel = (x: number, y: number): [number, number, number] => {
    const i = (y * image.width + x) * 4;
    return [image.data[i] ?? 0, image.data[i + 1] ?? 0, image.data[i + 2] ?? 0];
  };
  return { image, pixel };
}

describe("renderPaceChart", () => {
  it("renders a PNG a person would accept: sized, mostly white, with coloured lines and dark text", async () => {
    const rendered = await renderPaceChart(chart);
    const { image, pixel } = decode(rendered.png);
    expect([image.width, image.height]).toEqual([rendered.width, rendered.height]);
    expect(image.width).toBeGreaterThan(720);
    expect(image.height).toBeGreaterThan(360);
    let white = 0;
    let dark = 0;
    const colours = new Set<string>();
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const [r, g, b] = pixel(x, y);
        if (r > 245 && g > 245 && b > 245) white++;
        else if (r < 80 && g < 80 && b < 80) dark++;
        // Saturated pixels: series lines and the today marker.
        if (Math.max(r, g, b) - Math.min(r, g, b) > 90) colours.add(`${r >> 5},${g >> 5},${b >> 5}`);
      }
    }
    const total = image.width * image.height;
    expect(white / total).toBeGreaterThan(0.6);
    expect(dark).toBeGreaterThan(500);
    // Three series and the red "today" rule in clearly different hues.
    expect(colours.size).toBeGreaterThanOrEqual(4);
  });

  it("draws the title, axis titles and legend as text with the bundled font", async () => {
    const rendered = await renderPaceChart(chart);
    for (const text of [
      "AB4125 San Francisco — ticket pace",
      "Days before the event",
      "AB3901 Oakland",
      "today",
    ]) {
      expect(rendered.svg).toContain(text);
    }
    // The title band holds dark glyph pixels: text was rasterised, not dropped for want of a font.
    const { image, pixel } = decode(rendered.png);
    let glyphs = 0;
    for (let y = 0; y < 40; y++) {
      for (let x = 0; x < image.width; x++) {
        const [r, g, b] = pixel(x, y);
        if (r < 100 && g < 100 && b < 100) glyphs++;
      }
    }
    expect(glyphs).toBeGreaterThan(200);
  });

  it("leaves the today marker out once the event has happened", async () => {
    const past = await renderPaceChart({ ...chart, todayDaysBefore: null });
    expect(past.svg).not.toContain(">today<");
  });
});
