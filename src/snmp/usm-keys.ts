import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';

/**
 * The USM's keys and transforms: password to key and key localization (RFC 3414 section 2.6
 * and A.2), HMAC-SHA-96 (RFC 3414 section 6) and the HMAC-SHA-2 protocols of RFC 7860, AES in
 * CFB128 mode (RFC 3826) with its 256-bit variant keyed by the Blumenthal key extension
 * (draft-blumenthal-aes-usm-04 section 3.1.2.1), which is what Net-SNMP's `-x AES-256` uses.
 */

export type AuthProtocol = 'sha' | 'sha256' | 'sha512';
export type PrivProtocol = 'aes' | 'aes256';

interface AuthSpec {
  hash: 'sha1' | 'sha256' | 'sha512';
  /** Octets of msgAuthenticationParameters: the truncated HMAC. */
  macLength: number;
}

/**
 * RFC 3414 section 6 (usmHMACSHAAuthProtocol: HMAC-SHA-1 truncated to 96 bits) and RFC 7860
 * section 4 (usmHMAC192SHA256AuthProtocol, usmHMAC384SHA512AuthProtocol).
 */
export const AUTH: Record<AuthProtocol, AuthSpec> = {
  sha: { hash: 'sha1', macLength: 12 },
  sha256: { hash: 'sha256', macLength: 24 },
  sha512: { hash: 'sha512', macLength: 48 },
};

/** RFC 3826 section 3.1.2.1 (AES-128); AES-256 the same with a 32-octet key. */
export const PRIV: Record<PrivProtocol, { cipher: 'aes-128-cfb' | 'aes-256-cfb'; keyLength: number }> = {
  aes: { cipher: 'aes-128-cfb', keyLength: 16 },
  aes256: { cipher: 'aes-256-cfb', keyLength: 32 },
};

/** RFC 3414 section A.2: the password repeated to 1 MiB and hashed: Ku. RFC 7860 section 9.3 for SHA-2. */
export function passwordToKey(protocol: AuthProtocol, password: string): Buffer {
  const pw = Buffer.from(password, 'utf8');
  if (pw.length === 0) throw new RangeError('an empty USM password');
  return createHash(AUTH[protocol].hash).update(Buffer.alloc(1048576, pw)).digest();
}

/** RFC 3414 section 2.6: Kul = H(Ku || snmpEngineID || Ku). */
export function localizeKey(protocol: AuthProtocol, ku: Buffer, engineId: Buffer): Buffer {
  return createHash(AUTH[protocol].hash).update(Buffer.concat([ku, engineId, ku])).digest();
}

/** The localized privacy key cut (or extended, Blumenthal: K = K || H(K)) to the cipher's length. */
export function privKey(auth: AuthProtocol, priv: PrivProtocol, password: string, engineId: Buffer): Buffer {
  let key = localizeKey(auth, passwordToKey(auth, password), engineId);
  const need = PRIV[priv].keyLength;
  while (key.length < need) key = Buffer.concat([key, createHash(AUTH[auth].hash).update(key).digest()]);
  return key.subarray(0, need);
}

/** msgAuthenticationParameters of a whole message whose own parameters are zeroed. */
export function mac(auth: AuthProtocol, key: Buffer, message: Buffer): Buffer {
  return createHmac(AUTH[auth].hash, key).update(message).digest().subarray(0, AUTH[auth].macLength);
}

/** RFC 3826 section 3.1.2.1: IV = engine boots (4 octets) || engine time (4 octets) || salt (8 octets). */
function iv(boots: number, time: number, salt: Buffer): Buffer {
  const v = Buffer.alloc(16);
  v.writeUInt32BE(boots >>> 0, 0);
  v.writeUInt32BE(time >>> 0, 4);
  salt.copy(v, 8, 0, 8);
  return v;
}

export function encrypt(priv: PrivProtocol, key: Buffer, boots: number, time: number, salt: Buffer, plain: Buffer): Buffer {
  const c = createCipheriv(PRIV[priv].cipher, key, iv(boots, time, salt));
  return Buffer.concat([c.update(plain), c.final()]);
}

export function decrypt(priv: PrivProtocol, key: Buffer, boots: number, time: number, salt: Buffer, cipher: Buffer): Buffer {
  const d = createDecipheriv(PRIV[priv].cipher, key, iv(boots, time, salt));
  return Buffer.concat([d.update(cipher), d.final()]);
}
