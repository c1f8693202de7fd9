/**
 * The Nagios plugin convention (Nagios Plugin Development Guidelines, "Plugin Return Codes"):
 * exit 0 OK, 2 CRITICAL, 3 UNKNOWN, and one line `NAME STATE - text` first on stdout.
 */
export type NagiosState = 'OK' | 'CRITICAL' | 'UNKNOWN';

export const NAGIOS_EXIT: Readonly<Record<NagiosState, number>> = { OK: 0, CRITICAL: 2, UNKNOWN: 3 };

export interface NagiosResult {
  state: NagiosState;
  text: string;
}

export function nagiosLine(result: NagiosResult): string {
  return `CHECKER ${result.state} - ${result.text.replace(/\n/g, ' ')}`;
}
