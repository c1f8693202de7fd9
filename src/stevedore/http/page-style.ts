/** The status page's stylesheet, inline: the page fetches nothing else. Narrow screens get one instance per card. */
export const PAGE_STYLE = `
:root { color-scheme: light dark; --ok: #1a7f37; --failing: #cf222e; --stale: #9a6700; --degraded: #bc4c00; --starting: #0969da; --unknown: #6e7781;
  --bg: #f6f8fa; --card: #fff; --line: #d0d7de; --muted: #57606a; --text: #1f2328; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --card: #161b22; --line: #30363d; --muted: #8b949e; --text: #e6edf3;
  --ok: #3fb950; --failing: #f85149; --stale: #d29922; --degraded: #db6d28; --starting: #58a6ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); }
header, form, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 16px; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; padding-top: 16px; }
h1 { font-size: 22px; margin: 0; }
.summary { margin: 0; color: var(--muted); }
form { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px auto; }
input, select, button { font: inherit; padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--text); }
input { flex: 1 1 180px; min-width: 0; }
.service { background: var(--card); border: 1px solid var(--line); border-left: 6px solid var(--unknown); border-radius: 8px; margin: 0 0 12px; overflow: hidden; }
.service[data-state="ok"] { border-left-color: var(--ok); }
.service[data-state="failing"] { border-left-color: var(--failing); }
.service[data-state="stale"] { border-left-color: var(--stale); }
.service[data-state="degraded"] { border-left-color: var(--degraded); }
.service h2 { font-size: 17px; margin: 0; padding: 10px 12px; display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; }
.service h2 small { font-weight: normal; color: var(--muted); font-size: 13px; }
.state { display: inline-block; min-width: 64px; text-align: center; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600;
  text-transform: uppercase; letter-spacing: .03em; color: #fff; background: var(--unknown); }
.state[data-state="ok"] { background: var(--ok); }
.state[data-state="failing"] { background: var(--failing); }
.state[data-state="stale"] { background: var(--stale); }
.state[data-state="degraded"] { background: var(--degraded); }
.state[data-state="starting"] { background: var(--starting); }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
table:has(tbody:empty) { display: none; }
th:nth-child(1) { width: 22%; } th:nth-child(2) { width: 11%; } th:nth-child(3) { width: 21%; } th:nth-child(4) { width: 6%; }
th, td { text-align: left; padding: 6px 12px; border-top: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.output { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; word-break: break-word; white-space: pre-wrap; }
td.name { font-weight: 600; word-break: break-all; }
.none { padding: 8px 12px; color: var(--muted); border-top: 1px solid var(--line); margin: 0; }
tr.changed td { animation: flash 2s ease-out; }
@keyframes flash { from { background: rgba(255, 200, 0, .35); } to { background: transparent; } }
[hidden] { display: none !important; }
footer { color: var(--muted); font-size: 13px; padding-bottom: 24px; }
@media (max-width: 640px) {
  thead { display: none; }
  table, tbody, tr, td { display: block; width: 100%; }
  tr { border-top: 1px solid var(--line); padding: 6px 0; }
  td { border: 0; padding: 2px 12px; }
  td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font: 12px system-ui, sans-serif; }
  td.name::before { content: none; }
  td.name { font-size: 15px; }
}
`;
