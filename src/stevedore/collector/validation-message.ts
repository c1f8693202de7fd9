import { INSTANCE_NAME_RULE } from '../../common/instance-name.js';
import { SERVICE_NAME_RULE } from '../../common/service-name.js';

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const RULES: Record<string, string> = {
  service: `must be ${SERVICE_NAME_RULE}`,
  hostname: `must be ${INSTANCE_NAME_RULE} (it indexes the SNMP instance table)`,
  signal: 'must be a signal name such as SIGKILL, or null',
};

/** A schema violation in words that name the field: "hostname: must be 1 to 48 characters ...". */
export function validationMessage(errors: readonly AjvError[]): string {
  const first = errors[0];
  if (!first) return 'invalid report';
  if (first.keyword === 'required') return `'${String(first.params.missingProperty)}' is required`;
  const field = first.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'report';
  if (first.keyword === 'pattern' && RULES[field]) return `${field}: ${RULES[field]}`;
  return `${field}: ${first.message ?? 'is invalid'}`;
}
