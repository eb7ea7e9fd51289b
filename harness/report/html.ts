/** Escapes text for HTML element content and attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const PAGE_STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1180px; color: #1d2330; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #e3e6ec; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 6px 0; } th, td { border: 1px solid #dde1e8; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f4f6f9; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 10px; font-weight: 700; font-size: 12px; letter-spacing: .04em; }
.pass { background: #d7f5dd; color: #155724; } .fail { background: #fbd9d9; color: #8a1c1c; } .error { background: #ffe7c2; color: #7a4b00; } .not-applicable { background: #e8e8ee; color: #4a4a5a; }
.muted { color: #677084; } .diff { outline: 2px solid #d9822b; outline-offset: -2px; } code { background: #f4f6f9; padding: 0 3px; border-radius: 3px; }
svg text { font: 11px system-ui, sans-serif; fill: #4a5263; } .chart { margin: 8px 0 18px; }
`;

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${PAGE_STYLE}</style></head>
<body>
${body}
</body></html>
`;
}

export function badge(verdict: string): string {
  return `<span class="badge ${esc(verdict)}" data-verdict="${esc(verdict)}">${esc(verdict.toUpperCase())}</span>`;
}
