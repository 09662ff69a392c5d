// A small hand-written SVG chart generator for the benchmark's charts (no dependencies): a
// horizontal grouped bar chart and a line chart with optional log axes. Output is plain SVG text
// that GitHub and browsers render; colours come from one fixed palette, with a legend.

const PALETTE = ["#9aa0a6", "#e8710a", "#1a73e8", "#188038", "#a142f4", "#d93025"];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (v) =>
  Number.isInteger(v) || v >= 100 ? Math.round(v).toLocaleString("en-US") : v >= 10 ? v.toFixed(1) : v.toFixed(2);

/** Legend items laid out left to right, each as wide as its label (about 7 px a character). */
function legend(series, x, y) {
  let lx = x;
  return series
    .map((s, i) => {
      const at = lx;
      lx += 34 + String(s).length * 7;
      return [at, s, i];
    })
    .map(([lx, s, i]) => {
      return `<rect x="${lx}" y="${y - 10}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>` +
        `<text x="${lx + 18}" y="${y}" font-size="12" ${FONT}>${esc(s)}</text>`;
    })
    .join("");
}

/**
 * Horizontal grouped bars. `groups`: [{ label, values: { [series]: number } }]; `series`: names in
 * legend order. Values are drawn to scale (linear) and printed at the end of each bar.
 */
export function barChart({ title, subtitle = "", unit, series, groups, width = 760 }) {
  const left = 170;
  const right = 90;
  const barH = 14;
  const gap = 10;
  const top = subtitle ? 78 : 62;
  const groupH = series.length * barH + gap;
  const height = top + groups.length * groupH + 40;
  const max = Math.max(...groups.flatMap((g) => series.map((s) => g.values[s] ?? 0)), 1e-9);
  const scale = (width - left - right) / max;
  let body = "";
  groups.forEach((g, gi) => {
    const y0 = top + gi * groupH;
    body += `<text x="${left - 8}" y="${y0 + (series.length * barH) / 2 + 4}" font-size="12" text-anchor="end" ${FONT}>${esc(g.label)}</text>`;
    series.forEach((s, si) => {
      const v = g.values[s];
      if (v === undefined || v === null) return;
      const w = Math.max(v * scale, 1);
      const y = y0 + si * barH;
      body += `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(`${g.label} — ${s}: ${fmt(v)} ${unit}`)}</title></rect>`;
      body += `<text x="${(left + w + 4).toFixed(1)}" y="${y + barH - 4}" font-size="10" ${FONT}>${fmt(v)}</text>`;
    });
  });
  const axisY = top + groups.length * groupH;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">
<rect width="100%" height="100%" fill="#fff"/>
<text x="16" y="24" font-size="15" font-weight="600" ${FONT}>${esc(title)}</text>
${subtitle ? `<text x="16" y="42" font-size="11" fill="#555" ${FONT}>${esc(subtitle)}</text>` : ""}
${legend(series, left, top - 14)}
${body}
<line x1="${left}" y1="${axisY}" x2="${width - right}" y2="${axisY}" stroke="#999"/>
<text x="${left}" y="${axisY + 16}" font-size="11" ${FONT}>0</text>
<text x="${width - right}" y="${axisY + 16}" font-size="11" text-anchor="end" ${FONT}>${fmt(max)} ${esc(unit)}</text>
</svg>
`;
}

function ticks(min, max, log) {
  if (log) {
    const out = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) out.push(10 ** e);
    return out;
  }
  const step = 10 ** Math.floor(Math.log10((max - min) / 4 || 1));
  const out = [];
  for (let v = Math.floor(min / step) * step; v <= max + step / 2; v += step) out.push(v);
  return out;
}

/** Lines with markers. `series`: [{ name, points: [[x, y], …] }]. */
export function lineChart({ title, subtitle = "", xLabel, yLabel, series, logX = false, logY = false, width = 760, height = 380 }) {
  const left = 70;
  const right = 30;
  const top = subtitle ? 78 : 60;
  const bottom = 50;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const xt = ticks(Math.min(...xs), Math.max(...xs), logX);
  const yt = ticks(logY ? Math.min(...ys) : 0, Math.max(...ys), logY);
  const [x0, x1] = logX ? [xt[0], xt.at(-1)] : [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [yt[0], yt.at(-1)];
  const tx = (v) => (logX ? Math.log10(v / x0) / Math.log10(x1 / x0) : (v - x0) / (x1 - x0 || 1));
  const ty = (v) => (logY ? Math.log10(v / y0) / Math.log10(y1 / y0) : (v - y0) / (y1 - y0 || 1));
  const px = (v) => left + tx(v) * (width - left - right);
  const py = (v) => height - bottom - ty(v) * (height - top - bottom);
  let grid = "";
  for (const v of yt) {
    grid += `<line x1="${left}" y1="${py(v).toFixed(1)}" x2="${width - right}" y2="${py(v).toFixed(1)}" stroke="#e5e5e5"/>`;
    grid += `<text x="${left - 6}" y="${(py(v) + 4).toFixed(1)}" font-size="11" text-anchor="end" ${FONT}>${fmt(v)}</text>`;
  }
  for (const v of xt) {
    grid += `<line x1="${px(v).toFixed(1)}" y1="${top}" x2="${px(v).toFixed(1)}" y2="${height - bottom}" stroke="#f0f0f0"/>`;
    grid += `<text x="${px(v).toFixed(1)}" y="${height - bottom + 16}" font-size="11" text-anchor="middle" ${FONT}>${fmt(v)}</text>`;
  }
  let lines = "";
  series.forEach((s, i) => {
    const c = PALETTE[(i + 1) % PALETTE.length];
    const d = s.points.map((p, k) => `${k ? "L" : "M"}${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(" ");
    lines += `<path d="${d}" fill="none" stroke="${c}" stroke-width="2"/>`;
    for (const p of s.points) {
      lines += `<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="3.5" fill="${c}"><title>${esc(`${s.name}: ${fmt(p[0])} → ${fmt(p[1])}`)}</title></circle>`;
    }
  });
  let lx = left;
  const legendItems = series
    .map((s, i) => {
      const at = lx;
      lx += 34 + s.name.length * 7;
      const c = PALETTE[(i + 1) % PALETTE.length];
      return `<rect x="${at}" y="${top - 22}" width="12" height="12" fill="${c}"/><text x="${at + 18}" y="${top - 12}" font-size="12" ${FONT}>${esc(s.name)}</text>`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">
<rect width="100%" height="100%" fill="#fff"/>
<text x="16" y="24" font-size="15" font-weight="600" ${FONT}>${esc(title)}</text>
${subtitle ? `<text x="16" y="42" font-size="11" fill="#555" ${FONT}>${esc(subtitle)}</text>` : ""}
${legendItems}
${grid}
<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="#999"/>
<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="#999"/>
${lines}
<text x="${(left + width - right) / 2}" y="${height - 12}" font-size="12" text-anchor="middle" ${FONT}>${esc(xLabel)}</text>
<text x="16" y="${(top + height - bottom) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 16 ${(top + height - bottom) / 2})" ${FONT}>${esc(yLabel)}</text>
</svg>
`;
}
