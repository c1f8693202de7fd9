/**
 * The Prometheus text exposition format, version 0.0.4: `# HELP`, `# TYPE`, then one
 * `name{label="value"} number` line per series. Written by hand rather than through a client
 * library: every scrape is built from the registry as it is (nothing to keep in step), and it
 * costs less than the JSON of the same instances (bench/metrics, decisions.md).
 */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Label values escape backslash, double quote and line feed. */
export function labelValue(text: string): string {
  return /[\\"\n]/.test(text) ? text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : text;
}

/** A number as the format writes it: integers plainly, NaN and infinities by name. */
export function sampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** Appends a metric family's header lines. HELP text escapes backslash and line feed. */
export function family(lines: string[], name: string, type: 'gauge' | 'counter', help: string): void {
  lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`);
}
