import { descriptionJson, type ContainerDescription } from '../../../docker/container-description.js';
import type { InstanceView } from '../../registry/records.js';

/**
 * The value published for an ok instance, in checker's format: Docker's description of its
 * container when stevedore knows it, otherwise what the report says (IP: its source address,
 * Name: the hostname, no ports).
 */
export function discoveryValue(instance: InstanceView, container: ContainerDescription | null): string {
  return descriptionJson(container ?? { IP: instance.address, Name: instance.hostname, Ports: [] });
}
