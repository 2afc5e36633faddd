// The stylesheet of report.html, inline because the report must open offline. System fonts only: a
// report is read on every kind of laptop, and a web font would be a network request.

export const REPORT_CSS = `
:root {
  --fg: #1f2328; --muted: #5b6470; --faint: #8b949e; --line: #e2e6eb; --bg: #f5f6f8; --card: #fff;
  --held: #1a7f37; --held-bg: #eaf6ee; --violated: #b45309; --violated-bg: #fff5e1;
  --aborted: #c9252d; --aborted-bg: #fdeeee; --invalid: #57606a; --invalid-bg: #eff1f4;
  --error: #9a1750; --error-bg: #fbedf3; --fault: #e5484d; --step: #3b6fd4; --breach: #d1242f;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 28px 48px; }
h1 { font-size: 26px; line-height: 1.25; margin: 2px 0 6px; overflow-wrap: anywhere; font-weight: 650; }
h2 { font-size: 16px; margin: 0 0 12px; font-weight: 650; letter-spacing: .01em; }
code, .mono { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
.eyebrow { font-size: 12px; font-weight: 600; letter-spacing: .08em; text-transform: uppercase; color: var(--muted); }
.description { color: var(--muted); margin: 0 0 10px; max-width: 80ch; overflow-wrap: anywhere; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 0; padding: 0; color: var(--muted); font-size: 13px; }
.meta div { display: flex; gap: 6px; }
.meta dt { color: var(--faint); } .meta dd { margin: 0; color: var(--fg); overflow-wrap: anywhere; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin-top: 18px; }
.verdict { display: flex; align-items: center; gap: 22px; margin-top: 20px; padding: 18px 22px;
  border-radius: 10px; border: 1px solid; border-left-width: 8px; }
.verdict-word { font-size: 46px; font-weight: 800; letter-spacing: .03em; line-height: 1; }
.verdict-headline { font-size: 18px; font-weight: 650; margin: 0 0 2px; }
.verdict-reason { margin: 0; font-size: 15px; overflow-wrap: anywhere; }
.tone-held { background: var(--held-bg); border-color: var(--held); color: #0f4d22; } .tone-held .verdict-word { color: var(--held); }
.tone-violated { background: var(--violated-bg); border-color: #d99a1e; color: #5c3206; } .tone-violated .verdict-word { color: var(--violated); }
.tone-aborted { background: var(--aborted-bg); border-color: var(--aborted); color: #6e1016; } .tone-aborted .verdict-word { color: var(--aborted); }
.tone-invalid, .tone-unknown { background: var(--invalid-bg); border-color: var(--invalid); color: #2d333b; } .tone-invalid .verdict-word, .tone-unknown .verdict-word { color: var(--invalid); }
.tone-error { background: var(--error-bg); border-color: var(--error); color: #5c0d2f; } .tone-error .verdict-word { color: var(--error); }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 12px; margin-top: 18px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.tile-label { font-size: 12px; color: var(--muted); }
.tile-value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tile-note { font-size: 12px; color: var(--faint); }
.tile.alert .tile-value { color: var(--breach); }
.gd-figure { margin: 0 0 18px; position: relative; }
.gd-figure:last-child { margin-bottom: 0; }
.gd-figure figcaption { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; margin-bottom: 2px; }
.gd-title { font-weight: 650; font-size: 14px; }
.gd-unit { color: var(--faint); font-size: 12px; }
.gd-legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 0 0 0 auto; padding: 0; font-size: 12px; color: var(--muted); }
.gd-legend li { display: flex; align-items: center; gap: 6px; }
svg.gd-chart { display: block; width: 100%; height: auto; overflow: visible; font-family: inherit; }
.gd-grid { stroke: #edf0f3; stroke-width: 1; }
.gd-axis { stroke: #9aa4ae; stroke-width: 1; }
.gd-tick-mark { stroke: #9aa4ae; }
.gd-tick { fill: var(--muted); font-size: 11px; font-variant-numeric: tabular-nums; }
.gd-tick-y { text-anchor: end; } .gd-tick-x { text-anchor: middle; }
.gd-line { fill: none; stroke-width: 1.8; stroke-linejoin: round; stroke-linecap: round; }
.gd-dashed { stroke-dasharray: 4 3; stroke-width: 1.4; }
.gd-area { opacity: .07; stroke: none; }
.gd-band-fault { fill: var(--fault); fill-opacity: .10; }
.gd-band-step { fill: var(--step); fill-opacity: .06; }
rect.gd-band-fault { stroke: var(--fault); stroke-opacity: .35; stroke-width: .8; }
rect.gd-band-step { stroke: var(--step); stroke-opacity: .3; stroke-width: .8; stroke-dasharray: 3 3; }
.gd-swatch { stroke-dasharray: none; }
.gd-label text { font-size: 11px; }
.gd-label-phase rect { fill: #eef0f3; } .gd-label-phase text { fill: #4b535c; font-weight: 600; }
.gd-label-step rect { fill: #e6eefb; stroke: #b7cbef; stroke-width: .8; } .gd-label-step text { fill: #24457f; }
.gd-label-fault rect { fill: #fde6e6; stroke: #f1a9ab; stroke-width: .8; } .gd-label-fault text { fill: #8e1b20; font-weight: 600; }
.gd-breach line { stroke: var(--breach); stroke-width: 1.5; stroke-dasharray: 4 2; }
.gd-breach path { fill: var(--breach); }
.gd-cursor { stroke: #57606a; stroke-width: 1; stroke-dasharray: 2 2; pointer-events: none; }
.gd-hover-dot { stroke: #fff; stroke-width: 1.5; pointer-events: none; }
.gd-tooltip { position: absolute; z-index: 10; pointer-events: none; background: #1f2328; color: #f6f8fa;
  border-radius: 6px; padding: 7px 10px; font-size: 12px; line-height: 1.45; box-shadow: 0 4px 14px rgba(0,0,0,.18);
  font-variant-numeric: tabular-nums; max-width: 340px; }
.gd-tooltip .tt-time { color: #b7c0c9; margin-bottom: 2px; }
.gd-tooltip .tt-row { display: flex; align-items: center; gap: 6px; white-space: nowrap; }
.gd-tooltip .tt-key { width: 9px; height: 9px; border-radius: 2px; flex: none; }
.gd-tooltip .tt-band { color: #ffb4b4; }
.empty { padding: 26px; text-align: center; color: var(--muted); background: #fafbfc; border: 1px dashed var(--line); border-radius: 8px; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; border-bottom: 1px solid var(--line); padding: 6px 10px 6px 0; white-space: nowrap; }
td { border-bottom: 1px solid #f0f2f4; padding: 7px 10px 7px 0; vertical-align: top; overflow-wrap: anywhere; }
tr:last-child td { border-bottom: none; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
.result { font-weight: 650; white-space: nowrap; }
.result.ok { color: var(--held); } .result.fail { color: var(--aborted); }
tr.fail td { background: #fff8f8; }
.pill { display: inline-block; padding: 0 7px; border-radius: 999px; font-size: 11.5px; line-height: 19px; background: #eef0f3; color: #3d444d; white-space: nowrap; }
.pill.t-fault, .pill.t-guardrail, .pill.t-error, .pill.t-halt { background: #fde6e6; color: #8e1b20; }
.pill.t-step { background: #e6eefb; color: #24457f; }
.pill.t-load { background: #e3f4f1; color: #0b5e55; }
.pill.t-lever { background: #f1e9fb; color: #5b2a86; }
.pill.t-hypothesis { background: #fff3d6; color: #6f4a00; }
tr.breach td { background: #fff1f1; }
tr.routine td { color: var(--faint); } tr.routine .pill { opacity: .7; }
.data { color: var(--muted); font-size: 12px; }
.grid-2 { display: grid; grid-template-columns: 1fr 2fr; gap: 18px; align-items: start; margin-top: 18px; }
.grid-2 > section.card { margin-top: 0; }
@media (max-width: 860px) { .grid-2 { grid-template-columns: 1fr; } .verdict { flex-direction: column; align-items: flex-start; } }
.chips { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.chips li { padding: 6px 10px; background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; overflow-wrap: anywhere; }
.note { color: var(--faint); font-size: 12px; margin: 8px 0 0; }
footer { margin-top: 26px; color: var(--faint); font-size: 12px; text-align: center; }
@media print { body { background: #fff; } section.card, .tile { break-inside: avoid; } .gd-tooltip { display: none; } }
`;
