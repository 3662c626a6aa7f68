import { type BenchResults, DORA_PUBLISHED, formatSize } from "./results.js";

interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  points: [number, number][];
}

/** Latency (p50, us) against payload size, log-log, one line per series. */
export function latencyChart(results: BenchResults): string {
  const series: Series[] = [];
  const add = (label: string, color: string, mode: "paced" | "pingpong", pick: "rivulet" | "raw", dashed = false): void => {
    const points = results.latency.filter((r) => r.mode === mode && r.transport === "unix").map((r) => [r.size, r[pick].p50] as [number, number]);
    if (points.length > 0) series.push({ label, color, dashed, points });
  };
  add("Rivulet unix, back to back", "#1f77b4", "pingpong", "rivulet");
  add("raw Unix socket, back to back", "#1f77b4", "pingpong", "raw", true);
  add("Rivulet unix, 20 ms period", "#d62728", "paced", "rivulet");
  add("raw Unix socket, 20 ms period", "#d62728", "paced", "raw", true);
  series.push({ label: "dora Rust (published avg, 20 ms)", color: "#7f7f7f", dashed: true, points: Object.entries(DORA_PUBLISHED).map(([s, v]) => [Number(s), v.rust]) });

  const width = 860;
  const height = 520;
  const pad = { left: 70, right: 250, top: 40, bottom: 60 };
  const all = series.flatMap((s) => s.points).filter(([, y]) => y > 0 && Number.isFinite(y));
  const [xMin, xMax] = [Math.log10(4), Math.log10(64 * 1024 * 1024)];
  const yMin = Math.floor(Math.log10(Math.min(...all.map(([, y]) => y))));
  const yMax = Math.ceil(Math.log10(Math.max(...all.map(([, y]) => y))));
  const x = (v: number): number => pad.left + ((Math.log10(v) - xMin) / (xMax - xMin)) * (width - pad.left - pad.right);
  const y = (v: number): number => height - pad.bottom - ((Math.log10(v) - yMin) / (yMax - yMin)) * (height - pad.top - pad.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${pad.left}" y="24" font-size="15">One-way latency (p50) against payload size — ${results.date.slice(0, 10)}, Node ${results.machine.node}</text>`,
  ];
  for (let e = yMin; e <= yMax; e++) {
    const yy = y(10 ** e);
    parts.push(`<line x1="${pad.left}" x2="${width - pad.right}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`);
    parts.push(`<text x="${pad.left - 8}" y="${yy + 4}" text-anchor="end">${10 ** e >= 1000 ? `${10 ** (e - 3)} ms` : `${10 ** e} us`}</text>`);
  }
  for (const size of [8, 64, 512, 4096, 40_960, 409_600, 4_194_304, 41_943_040]) {
    const xx = x(size);
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${pad.top}" y2="${height - pad.bottom}" stroke="#eee"/>`);
    parts.push(`<text x="${xx}" y="${height - pad.bottom + 18}" text-anchor="middle">${formatSize(size)}</text>`);
  }
  parts.push(`<text x="${(pad.left + width - pad.right) / 2}" y="${height - 15}" text-anchor="middle">payload size (log)</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter(([, v]) => v > 0 && Number.isFinite(v));
    const path = pts.map(([sx, sy], j) => `${j === 0 ? "M" : "L"}${x(sx).toFixed(1)},${y(sy).toFixed(1)}`).join(" ");
    parts.push(`<path d="${path}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6,4"' : ""}/>`);
    for (const [sx, sy] of pts) parts.push(`<circle cx="${x(sx).toFixed(1)}" cy="${y(sy).toFixed(1)}" r="3" fill="${s.color}"/>`);
    const ly = pad.top + 10 + i * 22;
    parts.push(`<line x1="${width - pad.right + 15}" x2="${width - pad.right + 45}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6,4"' : ""}/>`);
    parts.push(`<text x="${width - pad.right + 50}" y="${ly + 4}">${s.label}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
