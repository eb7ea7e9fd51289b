import { esc } from './html.js';

export interface Series {
  name: string;
  color: string;
  points: [number, number | null][];
}

export interface Window {
  from: number;
  to: number;
  label: string;
}

export interface Marker {
  at: number;
  label: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  yLabel: string;
  xDomain: [number, number];
  series: Series[];
  windows?: Window[];
  markers?: Marker[];
  width?: number;
  height?: number;
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** An inline SVG line chart (no scripts, no external files) with shaded fault windows. */
export function lineChart(spec: ChartSpec): string {
  const width = spec.width ?? 1100;
  const height = spec.height ?? 240;
  const m = { left: 56, right: 16, top: 26, bottom: 34 };
  const [x0, x1raw] = spec.xDomain;
  const x1 = x1raw > x0 ? x1raw : x0 + 1;
  const yMax = niceMax(Math.max(0, ...spec.series.flatMap((s) => s.points.map(([, y]) => y ?? 0))));
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0)) * (width - m.left - m.right);
  const sy = (y: number) => height - m.bottom - (y / yMax) * (height - m.top - m.bottom);
  const parts: string[] = [];
  parts.push(`<text x="${m.left}" y="16" font-weight="600">${esc(spec.title)}</text>`);
  for (const [i, w] of (spec.windows ?? []).entries()) {
    const a = sx(Math.max(x0, w.from));
    const b = sx(Math.min(x1, w.to));
    parts.push(
      `<rect class="fault-window" x="${a.toFixed(1)}" y="${m.top}" width="${Math.max(1, b - a).toFixed(1)}" height="${height - m.top - m.bottom}" fill="#e4572e" fill-opacity="0.13"><title>${esc(w.label)}</title></rect>`,
      `<text x="${(a + 3).toFixed(1)}" y="${m.top + 11 + (i % 4) * 12}" fill="#b0381a">${esc(w.label.length > 40 ? `${w.label.slice(0, 39)}…` : w.label)}</text>`,
    );
  }
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}" stroke="#e8ebf0"/>`);
    parts.push(`<text x="${m.left - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end">${Number(y.toPrecision(3))}</text>`);
  }
  const step = niceMax((x1 - x0) / 10);
  for (let x = Math.ceil(x0 / step) * step; x <= x1; x += step) {
    parts.push(`<text x="${sx(x).toFixed(1)}" y="${height - m.bottom + 16}" text-anchor="middle">${(x / 1000).toFixed(x % 1000 ? 1 : 0)}s</text>`);
  }
  for (const mk of spec.markers ?? []) {
    const x = sx(mk.at).toFixed(1);
    parts.push(
      `<line class="marker" x1="${x}" x2="${x}" y1="${m.top}" y2="${height - m.bottom}" stroke="#5b6b8c" stroke-dasharray="3,3"><title>${esc(mk.label)}</title></line>`,
    );
  }
  for (const s of spec.series) {
    let d = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (y === null) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`;
      pen = true;
    }
    parts.push(`<path class="series" data-series="${esc(s.name)}" d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"/>`);
  }
  spec.series.forEach((s, i) => {
    const x = width - m.right - 130 * (spec.series.length - i);
    parts.push(`<rect x="${x}" y="8" width="10" height="10" fill="${s.color}"/><text x="${x + 14}" y="17">${esc(s.name)}</text>`);
  });
  parts.push(`<text x="14" y="${height / 2}" transform="rotate(-90 14 ${height / 2})" text-anchor="middle">${esc(spec.yLabel)}</text>`);
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${height - m.bottom}" stroke="#9aa3b2"/>`);
  parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${height - m.bottom}" y2="${height - m.bottom}" stroke="#9aa3b2"/>`);
  return `<svg class="chart" id="${esc(spec.id)}" role="img" aria-label="${esc(spec.title)}" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}
