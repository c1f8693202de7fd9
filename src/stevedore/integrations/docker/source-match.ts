import { networkInterfaces } from 'node:os';
import type { ContainerInfo } from './container-info.js';

/** This host's own addresses: where a container on the host network reports from. */
function hostAddresses(): Set<string> {
  const addresses = new Set<string>(['127.0.0.1', '::1']);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) addresses.add(a.address);
  return addresses;
}

/** Whether a report from `address` can come from `container`. */
export function fromContainer(address: string, container: ContainerInfo): boolean {
  if (container.networkMode === 'host') return hostAddresses().has(address);
  return container.ipAddresses.includes(address);
}
