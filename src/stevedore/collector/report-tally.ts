import type { RegistryReader } from '../registry/ports.js';

/** One counter of tallyman_reports_total. */
export interface ReportCount {
  service: string;
  /** `accepted`, or the refusal's code (refusal.ts). */
  result: string;
  count: number;
}

/**
 * Reports by service and result, for /metrics. Only declared services get their own label (a
 * name a sender made up would grow the series without bound); the rest, and refusals before
 * the body names a service, count under service "".
 */
export class ReportTally {
  private readonly counts = new Map<string, Map<string, number>>();

  constructor(private readonly registry: RegistryReader) {}

  count(service: unknown, result: string): void {
    const label = typeof service === 'string' && this.registry.service(service) !== undefined ? service : '';
    let results = this.counts.get(label);
    if (results === undefined) this.counts.set(label, (results = new Map()));
    results.set(result, (results.get(result) ?? 0) + 1);
  }

  *entries(): IterableIterator<ReportCount> {
    for (const [service, results] of this.counts) for (const [result, count] of results) yield { service, result, count };
  }
}
