/** The etcd key of a healthy container: PREFIX/IMAGENAME/CONTAINERID (the full 64-character id). */
export function discoveryKey(prefix: string, imageName: string, containerId: string): string {
  return `${prefix.replace(/\/+$/, '')}/${imageName}/${containerId}`;
}

/** The lease TTL for a check period: two periods and a second, so one late check loses nothing. */
export function leaseTtlSeconds(periodSeconds: number): number {
  return 2 * periodSeconds + 1;
}
