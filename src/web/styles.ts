// What the control room's pages add to the report's stylesheet (src/report/styles.ts): the navigation,
// the status colours, forms. Colours are never the only signal: every status is also written in words.

export const CONTROL_ROOM_CSS = `
:root { --operational: #1a7f37; --degraded: #9a6700; --partial: #bc4c00; --major: #c9252d; --nodata: #57606a; --focus: #0969da; }
.skip { position: absolute; left: -9999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 6px 10px; z-index: 100; }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
.cr-header { background: #1f2328; color: #f6f8fa; }
.cr-header nav { max-width: 1180px; margin: 0 auto; padding: 0 28px; display: flex; align-items: center; gap: 22px; min-height: 48px; }
.cr-brand { color: #fff; font-weight: 750; text-decoration: none; letter-spacing: .02em; }
.cr-header ul { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 0; padding: 0; }
.cr-header a { color: #d0d7de; text-decoration: none; }
.cr-header a:hover, .cr-header a[aria-current="page"] { color: #fff; text-decoration: underline; text-underline-offset: 4px; }
.status-operational { color: var(--operational); } .status-degraded_performance { color: var(--degraded); }
.status-partial_outage { color: var(--partial); } .status-major_outage { color: var(--major); } .status-no_data { color: var(--nodata); }
form.inline { display: inline-flex; flex-wrap: wrap; gap: 6px; align-items: center; }
label { font-size: 13px; color: var(--muted); }
input, select, textarea, button { font: inherit; }
input[type="text"], select, textarea { border: 1px solid #c4ccd5; border-radius: 6px; padding: 5px 8px; background: #fff; color: var(--fg); }
button { border: 1px solid #c4ccd5; border-radius: 6px; padding: 5px 12px; background: #f6f8fa; color: var(--fg); cursor: pointer; }
button.danger { background: #c9252d; border-color: #a31d24; color: #fff; }
`;
