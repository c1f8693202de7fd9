/**
 * An instance name: the hostname a report names (in Docker, the short container id).
 * 1 to 48 characters of [A-Za-z0-9_.-]: with a service name of up to 64, the pair indexes
 * tallymanInstanceTable within the 128 sub-identifiers an OID may have (RFC 2578 section 3.5;
 * the index encoding of section 7.7 spends one sub-identifier per character plus a length).
 */
export const INSTANCE_NAME_PATTERN = '^[A-Za-z0-9_.-]{1,48}$';

export const INSTANCE_NAME_RULE = '1 to 48 characters of A-Z a-z 0-9 _ . -';
