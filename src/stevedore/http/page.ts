import type { InstanceView, ServiceView } from '../registry/records.js';
import type { InstanceState, ServiceState } from '../registry/states.js';
import { output1Line } from '../../common/output-line.js';
import { pageScript } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

/** Worst first: the order of services and instances on the page. */
export const SERVICE_ORDER: Record<ServiceState, number> = { failing: 0, degraded: 1, stale: 2, unknown: 3, ok: 4 };
export const INSTANCE_ORDER: Record<InstanceState, number> = { failing: 0, stale: 1, starting: 2, ok: 3 };

/** What the page shows: `q` matches service and instance names, `state` an instance's or a service's state. */
export interface PageFilter {
  q: string;
  state: string;
}

/** Everything shown is text: instance output and names are not trusted. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const utc = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
const timeTag = (ms: number): string => `<time datetime="${new Date(ms).toISOString()}">${utc(ms)}</time>`;

function instanceRow(instance: InstanceView, shown: boolean): string {
  const name = escapeHtml(instance.hostname);
  return (
    `<tr data-instance="${name}" data-state="${instance.state}"${shown ? '' : ' hidden'}>` +
    `<td class="name" data-label="Instance">${name}</td>` +
    `<td data-label="State"><span class="state" data-state="${instance.state}">${instance.state}</span></td>` +
    `<td class="since" data-label="Since">${timeTag(instance.stateSince)}</td>` +
    `<td class="exit" data-label="Exit">${instance.report.exitCode}</td>` +
    `<td class="output" data-label="Output">${escapeHtml(output1Line(instance.report.stdout, instance.report.stderr))}</td></tr>`
  );
}

const matches = (text: string, q: string): boolean => q === '' || text.toLowerCase().includes(q.toLowerCase());

function serviceSection(service: ServiceView, filter: PageFilter): string {
  const instances = [...service.instances.values()].sort((a, b) => INSTANCE_ORDER[a.state] - INSTANCE_ORDER[b.state] || a.hostname.localeCompare(b.hostname));
  const nameMatches = matches(service.name, filter.q);
  const rowShown = (i: InstanceView): boolean => (nameMatches || matches(i.hostname, filter.q)) && (filter.state === '' || i.state === filter.state);
  const anyShown = instances.some(rowShown) || ((nameMatches) && (filter.state === '' || filter.state === service.state));
  const name = escapeHtml(service.name);
  return (
    `<section class="service" data-service="${name}" data-state="${service.state}"${anyShown ? '' : ' hidden'}>` +
    `<h2><span class="state" data-state="${service.state}">${service.state}</span> <span class="service-name">${name}</span>` +
    `${service.description ? ` <small>${escapeHtml(service.description)}</small>` : ''} <small class="since">since ${timeTag(service.stateSince)}</small></h2>` +
    `<table><thead><tr><th>Instance</th><th>State</th><th>Since</th><th>Exit</th><th>Last output</th></tr></thead><tbody>` +
    instances.map((i) => instanceRow(i, rowShown(i))).join('') +
    `</tbody></table><p class="none"${instances.length === 0 ? '' : ' hidden'}>no instances have reported</p></section>`
  );
}

/** The summary line; the page's script writes the same one (page-script.ts). Starting shows only when there is some. */
function summary(services: readonly ServiceView[]): string {
  const counts = { ok: 0, starting: 0, failing: 0, stale: 0 };
  for (const s of services) for (const state of Object.keys(counts) as (keyof typeof counts)[]) counts[state] += s.counts[state];
  const instances = counts.ok + counts.starting + counts.failing + counts.stale;
  const starting = counts.starting > 0 ? `, ${counts.starting} starting` : '';
  return `${services.length} services, ${instances} instances: ${counts.ok} ok${starting}, ${counts.failing} failing, ${counts.stale} stale`;
}

const STATE_CHOICES = ['', 'failing', 'stale', 'starting', 'ok', 'degraded', 'unknown'];

/**
 * The status page, rendered on the server so that it works without JavaScript; the inline
 * script then follows /v1/events from `lastEventId` and changes rows in place.
 */
export function renderPage(services: readonly ServiceView[], filter: PageFilter, lastEventId: string, now: number): string {
  const ordered = [...services].sort((a, b) => SERVICE_ORDER[a.state] - SERVICE_ORDER[b.state] || a.name.localeCompare(b.name));
  const failing = services.filter((s) => s.state === 'failing' || s.state === 'degraded').length;
  const options = STATE_CHOICES.map((s) => `<option value="${s}"${s === filter.state ? ' selected' : ''}>${s === '' ? 'every state' : s}</option>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${failing > 0 ? `(${failing}) ` : ''}stevedore</title><style>${PAGE_STYLE}</style></head>
<body data-last-event-id="${escapeHtml(lastEventId)}">
<header><h1>stevedore</h1><p class="summary" id="summary">${summary(services)}</p></header>
<form method="get" action="/" id="filter" role="search">
<input type="search" name="q" value="${escapeHtml(filter.q)}" placeholder="filter by service or instance name" aria-label="name">
<select name="state" aria-label="state">${options}</select><button type="submit">filter</button></form>
<main id="services">${ordered.map((s) => serviceSection(s, filter)).join('')}</main>
<footer>rendered ${utc(now)}; <span id="live">reload for news (live updates need JavaScript)</span></footer>
<script>${pageScript({ serviceOrder: SERVICE_ORDER, instanceOrder: INSTANCE_ORDER })}</script>
</body></html>
`;
}
