import type { ContainerRef } from '../registry/records.js';

/** What a report's container turned out to be: the container, and whether the source is its. */
export interface ContainerMatch {
  container: ContainerRef | null;
  /** false: no container, or a container was named but the report does not come from it. */
  sourceMatches: boolean;
  /** The name of the container the hostname names, for messages; null when none does. */
  named: string | null;
  /** dockerd could not be asked: nothing can be said of the source. */
  unavailable?: boolean;
}

/** How the collector finds a report's container (implemented by the Docker follower). */
export interface ContainerCheck {
  match(hostname: string, address: string): Promise<ContainerMatch>;
  /** verify-source: refuse a report that does not come from the container it names. */
  readonly verifySource: boolean;
}
