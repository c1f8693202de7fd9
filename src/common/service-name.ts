/**
 * A service name, as declared in stevedore.conf and named by tallyman's SRVID:
 * 1 to 64 characters of [A-Za-z0-9_.-]. It is also the SNMP table index
 * (tallymanServiceName, DisplayString SIZE (1..64)), so the bound is the MIB's.
 */
export const SERVICE_NAME_PATTERN = '^[A-Za-z0-9_.-]{1,64}$';

const serviceName = new RegExp(SERVICE_NAME_PATTERN);

export function isServiceName(name: string): boolean {
  return serviceName.test(name);
}

export const SERVICE_NAME_RULE = '1 to 64 characters of A-Z a-z 0-9 _ . -';
