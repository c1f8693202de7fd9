import type { ContainerRef } from '../../registry/records.js';

/** What stevedore knows of a container: enough to check a report's source and to enrich it. */
export interface ContainerInfo extends ContainerRef {
  /** Config.Hostname: what tallyman reports as, unless told otherwise. */
  hostname: string;
  networkMode: string;
  running: boolean;
}

interface InspectJson {
  Id?: string;
  Name?: string;
  Config?: { Hostname?: string; Image?: string };
  State?: { Running?: boolean };
  HostConfig?: { NetworkMode?: string };
  NetworkSettings?: {
    Networks?: Record<string, { IPAddress?: string; GlobalIPv6Address?: string }> | null;
    Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
  };
}

/** 0.0.0.0:8080->80/tcp, as `docker ps` shows a published port; "80/tcp" when not published. */
function ports(bindings: NonNullable<InspectJson['NetworkSettings']>['Ports']): string[] {
  const out: string[] = [];
  for (const [port, published] of Object.entries(bindings ?? {})) {
    if (!published || published.length === 0) out.push(port);
    else for (const b of published) out.push(`${b.HostIp || '0.0.0.0'}:${b.HostPort}->${port}`);
  }
  return out.sort();
}

/** From GET /containers/{id}/json. */
export function containerFromInspect(json: InspectJson): ContainerInfo {
  const id = json.Id ?? '';
  const addresses = Object.values(json.NetworkSettings?.Networks ?? {}).flatMap((n) => [n.IPAddress, n.GlobalIPv6Address]);
  return {
    id,
    name: (json.Name ?? '').replace(/^\//, ''),
    image: json.Config?.Image ?? '',
    hostname: json.Config?.Hostname ?? id.slice(0, 12),
    ipAddresses: addresses.filter((a): a is string => typeof a === 'string' && a !== ''),
    ports: ports(json.NetworkSettings?.Ports),
    networkMode: json.HostConfig?.NetworkMode ?? '',
    running: json.State?.Running ?? false,
  };
}

/** A report's hostname names a container when it is its configured hostname or (12 characters or more of) its id. */
export function namesContainer(hostname: string, container: ContainerInfo): boolean {
  return container.hostname === hostname || (hostname.length >= 12 && container.id.startsWith(hostname));
}

export function toRef(container: ContainerInfo): ContainerRef {
  return { id: container.id, name: container.name, image: container.image, ipAddresses: [...container.ipAddresses], ports: [...container.ports] };
}
