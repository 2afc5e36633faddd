// What the dashboard's pages add to the report's stylesheet and the control room's (src/web/styles.ts).

export const DASHBOARD_CSS = `
.run-pill { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 650; border: 1px solid; white-space: nowrap; }
.run-pill.tone-held { color: var(--held); background: var(--held-bg); } .run-pill.tone-violated { color: var(--violated); background: var(--violated-bg); }
.run-pill.tone-aborted { color: var(--aborted); background: var(--aborted-bg); } .run-pill.tone-error { color: var(--error); background: var(--error-bg); }
.run-pill.tone-invalid, .run-pill.tone-unknown { color: var(--invalid); background: var(--invalid-bg); }
.run-pill.tone-live { color: #0b5e55; background: #e3f4f1; }
.now { display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: baseline; }
.now .phase { font-size: 22px; font-weight: 650; }
.now .step { font-size: 15px; color: var(--muted); overflow-wrap: anywhere; }
.state { font-weight: 650; white-space: nowrap; }
.state.ok { color: var(--held); } .state.fail { color: var(--aborted); } .state.none { color: var(--invalid); }
.lever-pulled { color: #5b2a86; font-weight: 650; } .lever-reset { color: var(--muted); }
.journal { max-height: 520px; overflow: auto; }
.chart { min-height: 200px; margin: 0 0 14px; }
.grid-half { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; align-items: start; margin-top: 18px; }
.grid-half > section.card { margin-top: 0; }
@media (max-width: 860px) { .grid-half { grid-template-columns: 1fr; } }
.chart-title { font-weight: 650; font-size: 14px; margin: 0 0 2px; }
.notice { padding: 10px 14px; border-radius: 8px; border: 1px solid var(--line); background: #f6f8fa; margin-top: 14px; }
.notice.fail { border-color: var(--aborted); background: var(--aborted-bg); }
details.halt summary { cursor: pointer; font-weight: 650; color: var(--aborted); }
details.halt form { margin-top: 10px; }
.levers-form input[type="text"] { min-width: 16ch; }
.uplot { font-family: inherit; }
.u-legend { font-size: 12px; color: var(--muted); }
@media (prefers-reduced-motion: reduce) { * { transition: none !important; } }
`;
