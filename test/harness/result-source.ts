import type { ResultSource } from '../../src/stevedore/registry/ports.js';
import type { ContainerRef } from '../../src/stevedore/registry/records.js';

/** Where a test's result comes from: a report over HTTP from `address`. */
export const reportFrom = (address: string, container: ContainerRef | null = null): ResultSource => ({ origin: 'report', address, container });
