import type { ContainerInspect } from './engine-types.js';
import { isUnspecifiedHost } from '../common/host-port.js';

/** One port as service discovery publishes it: connect to `IP || the container's IP` at PublicPort. */
export interface PortDescription {
  IP: string;
  PrivatePort: number;
  PublicPort: number;
  Type: string;
}

/** A container as service discovery publishes it (the shape registrator's consumers read). */
export interface ContainerDescription {
  IP: string;
  Name: string;
  Ports: PortDescription[];
}

/** Docker leaves HostIp empty, or gives 0.0.0.0 or ::, for a port published on every address. */
const onEveryAddress = (hostIp: string): boolean => hostIp === '' || isUnspecifiedHost(hostIp);

/** The container's address on its network: the default bridge's, or its first network's. */
export function containerAddress(inspect: ContainerInspect): string {
  const settings = inspect.NetworkSettings;
  if (settings?.IPAddress) return settings.IPAddress;
  const networks = Object.keys(settings?.Networks ?? {}).sort();
  for (const name of networks) {
    const address = settings?.Networks?.[name]?.IPAddress;
    if (address) return address;
  }
  return '';
}

/**
 * From GET /containers/{id}/json. A published port: IP is the host address it is published on
 * (hostIp standing in for 0.0.0.0 and ::), PrivatePort the container's port, PublicPort the
 * host's. A port only exposed: IP "", PrivatePort 0, PublicPort the container's port. Ports
 * are sorted by type, then the container's port; a binding repeated once for IPv4 and once for IPv6 appears once.
 */
export function describeContainer(inspect: ContainerInspect, hostIp: string): ContainerDescription {
  const ports: PortDescription[] = [];
  const seen = new Set<string>();
  const add = (port: PortDescription): void => {
    const key = `${port.IP}|${port.PrivatePort}|${port.PublicPort}|${port.Type}`;
    if (seen.has(key)) return;
    seen.add(key);
    ports.push(port);
  };
  for (const [spec, bindings] of Object.entries(inspect.NetworkSettings?.Ports ?? {})) {
    const [number, type = 'tcp'] = spec.split('/');
    const containerPort = Number(number);
    if (!Number.isInteger(containerPort)) continue;
    if (!bindings || bindings.length === 0) {
      add({ IP: '', PrivatePort: 0, PublicPort: containerPort, Type: type });
      continue;
    }
    for (const binding of bindings) {
      const hostPort = Number(binding.HostPort);
      if (!Number.isInteger(hostPort) || hostPort === 0) continue;
      add({ IP: onEveryAddress(binding.HostIp ?? '') ? hostIp : (binding.HostIp as string), PrivatePort: containerPort, PublicPort: hostPort, Type: type });
    }
  }
  const containerPort = (p: PortDescription): number => p.PrivatePort || p.PublicPort;
  ports.sort((a, b) => a.Type.localeCompare(b.Type) || containerPort(a) - containerPort(b) || a.PublicPort - b.PublicPort || a.IP.localeCompare(b.IP));
  return { IP: containerAddress(inspect), Name: inspect.Name ?? '', Ports: ports };
}

/** The value written to etcd: the description as JSON, keys in the documented order. */
export function descriptionJson(description: ContainerDescription): string {
  return JSON.stringify({
    IP: description.IP,
    Name: description.Name,
    Ports: description.Ports.map((p) => ({ IP: p.IP, PrivatePort: p.PrivatePort, PublicPort: p.PublicPort, Type: p.Type })),
  });
}
