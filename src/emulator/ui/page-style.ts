/** The dashboard's stylesheet (`/emulator/ui/app.css`): plain CSS, system fonts, nothing fetched. */
export const PAGE_CSS = `
:root { --fg: #1d2330; --muted: #6b7385; --line: #d9dde6; --bg: #f6f7fa; --card: #fff; --accent: #1f6feb;
  --ok: #1a7f37; --idle: #8c959f; --warn: #bf8700; --bad: #cf222e; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
body { margin: 0; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 16px; align-items: center; padding: 10px 20px; background: #1d2330; color: #fff; }
header h1 { font-size: 17px; margin: 0; }
header #engines { color: #b8c0cc; font-size: 12px; }
header button { margin-left: auto; }
.live { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #444c5c; }
.live.on { background: var(--ok); }
main { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; padding: 16px 20px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; min-width: 0; overflow-x: auto; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 15px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 12px 0 4px; }
h3 .muted { font-weight: normal; }
form#login { max-width: 520px; margin: 48px auto; background: var(--card); padding: 20px; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { color: var(--muted); font-weight: 600; }
td.path { white-space: normal; word-break: break-all; font-family: ui-monospace, monospace; font-size: 12px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px; max-height: 320px; overflow: auto; }
.muted { color: var(--muted); }
.error { color: var(--bad); }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 600; color: #fff; background: var(--idle); }
.badge.ACTIVE, .badge.done, .badge.s2 { background: var(--ok); }
.badge.WAKING, .badge.INIT, .badge.running, .badge.s4 { background: var(--warn); }
.badge.DISABLED, .badge.failed, .badge.s5 { background: var(--bad); }
button { font: inherit; font-size: 12px; padding: 2px 8px; border: 1px solid var(--line); border-radius: 5px; background: #fff; cursor: pointer; }
button:hover { border-color: var(--accent); }
#knobs form { margin: 0 0 8px; }
#knobs input[type=number] { width: 70px; }
svg.tree { display: block; margin: 4px 0 8px; }
svg.tree .node rect { fill: #fff; stroke: #9aa4b5; stroke-width: 1.5; }
svg.tree .node.default rect { stroke: var(--accent); stroke-width: 2.5; }
svg.tree .node.protected rect { fill: #fff8e6; }
svg.tree .node.expiring rect { stroke-dasharray: 5 3; }
svg.tree .node.selected rect { fill: #e8f0fe; }
svg.tree .node { cursor: pointer; }
svg.tree .node .id { font-weight: 700; font-size: 13px; fill: var(--fg); }
svg.tree .node .marks { font-size: 11px; fill: var(--muted); }
svg.tree .edge { fill: none; stroke: #9aa4b5; stroke-width: 1.5; }
svg.tree .fork { font-size: 10px; fill: var(--muted); font-family: ui-monospace, monospace; }
svg.tree circle { stroke: #fff; stroke-width: 1; fill: var(--idle); }
svg.tree circle.ACTIVE { fill: var(--ok); }
svg.tree circle.WAKING, svg.tree circle.INIT { fill: var(--warn); }
svg.tree circle.DISABLED { fill: var(--bad); }
.timeline .op { display: grid; grid-template-columns: 70px 150px minmax(160px, 1fr) 150px 2fr; gap: 8px; align-items: center; padding: 3px 0; border-bottom: 1px solid var(--line); font-size: 13px; }
.timeline .track { position: relative; height: 10px; background: var(--bg); border-radius: 5px; }
.timeline .bar { position: absolute; top: 0; height: 10px; min-width: 3px; border-radius: 5px; background: var(--ok); }
.timeline .bar.running { background: var(--warn); }
.timeline .bar.failed { background: var(--bad); }
.timeline .err { grid-column: 2 / -1; color: var(--bad); font-size: 12px; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
`;
