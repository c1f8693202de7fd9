import type { ResultOrigin } from './records.js';

/**
 * Whether the configuration has the source of `origin` on: tallyman's reports always are,
 * docker-health and docker-checks by their statements. A row from a source that is off has
 * nothing left to feed it and goes at once (cause `source off`), and is not restored.
 */
export function sourceOn(settings: { dockerHealth?: boolean; dockerChecks?: boolean }, origin: ResultOrigin): boolean {
  switch (origin) {
    case 'report':
      return true;
    case 'docker-health':
      return settings.dockerHealth === true;
    case 'checker':
      return settings.dockerChecks === true;
  }
}

/**
 * One row per container: a result of origin `report` for a container replaces the rows that
 * docker-health made for the same container under another name (cause `replaced`), since
 * tallyman's reports are the richer and the source stops feeding them.
 */
export const replacedBy = (origin: ResultOrigin): readonly ResultOrigin[] => (origin === 'report' ? ['docker-health'] : []);
