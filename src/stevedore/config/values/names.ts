/** Names and free text: service names, accounts, the SNMP community, syslog tags, the token. */
import { BEARER_TOKEN_RULE, isBearerToken } from '../../../common/bearer-token.js';
import { isHostName } from '../../../common/host-port.js';
import { isServiceName, SERVICE_NAME_RULE } from '../../../common/service-name.js';
import { invalid, valid, type Value } from './value.js';

export function parseServiceName(text: string): Value<string> {
  return isServiceName(text) ? valid(text) : invalid('CONFIG_BAD_NAME', `bad service name '${text}' (${SERVICE_NAME_RULE})`);
}

const ACCOUNT = /^(?:[A-Za-z_][A-Za-z0-9_.-]{0,31}|[0-9]{1,10})$/;

/** A user or group: a name as useradd(8) takes it, or a numeric id. */
export function parseAccount(text: string, what: 'user' | 'group'): Value<string> {
  return ACCOUNT.test(text) ? valid(text) : invalid('CONFIG_BAD_NAME', `bad ${what} '${text}' (a ${what} name or a numeric id)`);
}

const COMMUNITY = /^[\x21-\x7e]{1,64}$/;

/** A community, or none (null): the embedded agent then answers SNMPv3 alone. */
export function parseCommunity(text: string): Value<string | null> {
  if (text === 'none') return valid(null);
  // The community is a secret: the message does not repeat it.
  return COMMUNITY.test(text) ? valid(text) : invalid('CONFIG_BAD_NAME', "'snmp-community' takes NAME or none: its argument is not a community (1 to 64 visible ASCII characters)");
}

/** RFC 3164 section 4.1.3: the TAG is at most 32 alphanumeric characters. */
const SYSLOG_TAG = /^[A-Za-z0-9_.-]{1,32}$/;

export function parseSyslogTag(text: string): Value<string> {
  return SYSLOG_TAG.test(text) ? valid(text) : invalid('CONFIG_BAD_NAME', `bad syslog-tag '${text}' (1 to 32 characters of A-Z a-z 0-9 _ . -)`);
}


export function parseToken(text: string): Value<string> {
  // The token is a secret: messages do not repeat it.
  if (text === '') return invalid('CONFIG_BAD_TEXT', `bad token: it is empty (give a token of ${BEARER_TOKEN_RULE}, or leave the statement out for none)`);
  return isBearerToken(text) ? valid(text) : invalid('CONFIG_BAD_TEXT', `bad token: use ${BEARER_TOKEN_RULE} (a bearer token, as tallyman --token takes)`);
}

/** A name the read listener answers to (http-host): a DNS name, lower-cased, without a final dot. */
export function parseHttpHost(text: string): Value<string> {
  const name = text.toLowerCase().replace(/\.$/, '');
  return isHostName(name) ? valid(name) : invalid('CONFIG_BAD_NAME', `bad http-host '${text}' (a DNS name such as stevedore.example.net; addresses need no http-host)`);
}

/** tallymanServiceDescr is a DisplayString: at most 255 octets. */
const DESCRIPTION_MAX = 255;

export function parseDescription(text: string): Value<string> {
  return parseDisplayString('description', text);
}

/** A DisplayString (RFC 2579): at most 255 octets, as the description and sysContact/sysLocation are. */
export function parseDisplayString(what: string, text: string): Value<string> {
  const bytes = Buffer.byteLength(text);
  if (bytes > DESCRIPTION_MAX) return invalid('CONFIG_BAD_TEXT', `${what} too long: ${bytes} bytes (at most ${DESCRIPTION_MAX})`);
  return valid(text);
}

/**
 * A cluster or host name in the cluster: a path segment of its etcd keys and an index of the
 * cluster tables (TALLYMAN-MIB), so 1 to 32 characters of [A-Za-z0-9_.-].
 */
const CLUSTER_NAME = /^[A-Za-z0-9_.-]{1,32}$/;
export const CLUSTER_NAME_RULE = '1 to 32 characters of A-Z a-z 0-9 _ . -';

export function parseClusterName(what: 'cluster-name' | 'cluster-host', text: string): Value<string> {
  return CLUSTER_NAME.test(text) ? valid(text) : invalid('CONFIG_BAD_NAME', `bad ${what} '${text}' (${CLUSTER_NAME_RULE})`);
}
