import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { VarBind } from '../agentx/codec/varbind.js';
import { counter32 } from '../agentx/mib/smi.js';
import { MAX_UDP_PAYLOAD, MessageVersion, tooBig, type SnmpAgent, type V3Processing } from './agent.js';
import { BerError, BerReader, BerWriter, Tag } from './ber.js';
import type { Engine } from './engine.js';
import { ErrorStatus, NO_ERROR, NULL_VALUE, PduType, readPdu, writePdu, type RequestPdu, type ResponsePdu } from './pdu.js';
import { usmStats, type UsmStatName } from './standard-objects.js';
import { AUTH, decrypt, encrypt, localizeKey, mac, passwordToKey, privKey, type AuthProtocol, type PrivProtocol } from './usm-keys.js';

/** A user as configured: passwords are turned into localized keys once, then forgotten. */
export interface UsmUserConfig {
  name: string;
  auth: { protocol: AuthProtocol; password: string } | null;
  priv: { protocol: PrivProtocol; password: string } | null;
}

/** A user with its keys localized to this engine (RFC 3414 section 2.6). */
interface LocalUser {
  name: Buffer;
  auth: { protocol: AuthProtocol; key: Buffer } | null;
  priv: { protocol: PrivProtocol; key: Buffer } | null;
}

/** RFC 3412 section 6.4: msgFlags. */
const Flag = { auth: 0x01, priv: 0x02, reportable: 0x04 } as const;
/** RFC 3411 section 5: SnmpSecurityModel 3, the USM. */
const USM = 3;
/** RFC 3414 section 2.2.3: the time window, in seconds. */
const TIME_WINDOW = 150;
/** RFC 3414 section 2.2.1: snmpEngineBoots at this value means the engine must be reconfigured. */
const MAX_BOOTS = 0x7fffffff;
/** RFC 3411 section 2.8: the Confirmed Class, the PDUs a report may answer. */
const CONFIRMED = new Set<number>([PduType.GetRequest, PduType.GetNextRequest, PduType.GetBulkRequest, PduType.SetRequest, PduType.InformRequest]);
/** RFC 3412 section 6: msgMaxSize is at least 484. */
const MIN_MAX_SIZE = 484;

/** Localizes every user's keys to the engine id: what the USM keeps instead of passwords. */
export function localizeUsers(users: readonly UsmUserConfig[], engineId: Buffer): LocalUser[] {
  return users.map((u) => {
    if (u.priv && !u.auth) throw new RangeError(`USM user '${u.name}': privacy needs authentication`);
    return {
      name: Buffer.from(u.name, 'utf8'),
      auth: u.auth ? { protocol: u.auth.protocol, key: localizeKey(u.auth.protocol, passwordToKey(u.auth.protocol, u.auth.password), engineId) } : null,
      priv: u.priv && u.auth ? { protocol: u.priv.protocol, key: privKey(u.auth.protocol, u.priv.protocol, u.priv.password, engineId) } : null,
    };
  });
}

/** An incoming SNMPv3 message, its security parameters located in the datagram. */
interface Incoming {
  msgId: number;
  maxSize: number;
  flags: number;
  engineId: Buffer;
  boots: number;
  time: number;
  userName: Buffer;
  /** Where msgAuthenticationParameters' contents lie in the datagram. */
  authStart: number;
  authEnd: number;
  salt: Buffer;
  /** The ScopedPDU, or its ciphertext when the priv flag is set. */
  data: { tlvStart: number; start: number; end: number };
}

/** Why a message is answered with a Report-PDU (RFC 3414 section 3.2). */
class ReportError extends Error {
  constructor(
    readonly stat: UsmStatName,
    /** The report is authenticated with this user's key (notInTimeWindow: RFC 3414 section 3.2 step 7b). */
    readonly authenticatedAs: LocalUser | null = null,
  ) {
    super(stat);
  }
}

/**
 * The User-based Security Model (RFC 3414) with the SNMPv3 message processing (RFC 3412) of
 * an authoritative, read-only command responder: engine id discovery, the time window, HMAC
 * authentication, AES privacy, and a Report-PDU naming the usmStats counter for each refusal.
 */
export class Usm implements V3Processing {
  readonly stats: Record<UsmStatName, number> = {
    usmStatsUnsupportedSecLevels: 0,
    usmStatsNotInTimeWindows: 0,
    usmStatsUnknownUserNames: 0,
    usmStatsUnknownEngineIDs: 0,
    usmStatsWrongDigests: 0,
    usmStatsDecryptionErrors: 0,
  };
  private readonly users: LocalUser[];
  private readonly writer = new BerWriter(MAX_UDP_PAYLOAD + 1024);
  /** RFC 3826 section 3.1.1.1: a 64-bit integer, starting anywhere, incremented per message. */
  private salt = randomBytes(8).readBigUInt64BE();
  private msgId = randomBytes(4).readUInt32BE() & 0x7fffffff;

  constructor(
    private readonly engine: Engine,
    users: readonly UsmUserConfig[],
  ) {
    this.users = localizeUsers(users, engine.id);
  }

  /**
   * A notification from this engine, authoritative for it (RFC 3414 section 1.5.1): our engine
   * id, boots and time, at the user's full security level.
   */
  originate(userName: string, pdu: ResponsePdu): Buffer | null {
    const name = Buffer.from(userName, 'utf8');
    const user = this.users.find((u) => u.name.equals(name));
    if (!user) return null;
    const level = (user.auth ? Flag.auth : 0) | (user.priv ? Flag.priv : 0);
    this.msgId = (this.msgId % 0x7fffffff) + 1;
    return this.encode(this.msgId, level, user, pdu, MAX_UDP_PAYLOAD, false);
  }

  handle(bytes: Buffer, agent: SnmpAgent, source: string | null): Buffer | null {
    const m = parse(bytes);
    if (m === null) {
      agent.counters.malformed++;
      return null;
    }
    try {
      const { user, scoped } = this.authenticate(bytes, m);
      const pdu = readScoped(scoped, m.flags & Flag.priv ? user : null);
      const level = m.flags & (Flag.auth | Flag.priv);
      const needed = (user.auth ? Flag.auth : 0) | (user.priv ? Flag.priv : 0);
      // RFC 3412 section 7.1: the response fits what the requester said it can take.
      const max = Math.min(m.maxSize, MAX_UDP_PAYLOAD);
      const response = level < needed ? this.refused(pdu, agent) : agent.answer(pdu, 'v3', max);
      if (!response) return null;
      const truncate = pdu.type === PduType.GetBulkRequest;
      const out = this.encode(m.msgId, level, user, response, max, truncate);
      if (out) return out;
      agent.counters.errors++;
      return this.encode(m.msgId, level, user, tooBig(response), max, false);
    } catch (error) {
      if (error instanceof ReportError) {
        this.stats[error.stat]++;
        if (error.stat !== 'usmStatsNotInTimeWindows' && error.stat !== 'usmStatsUnknownEngineIDs') agent.authenticationFailed(source, m.userName.toString('utf8'));
        // RFC 3412 section 7.1 step 3b: a report only to a message that asked for one, and
        // never to a PDU of the Unconfirmed Class (RFC 3411 section 2.8) when it can be read.
        if (!(m.flags & Flag.reportable)) return null;
        const request = plaintextPdu(bytes, m);
        if (request && !CONFIRMED.has(request.type)) return null;
        return this.report(m, error, request?.requestId ?? 0);
      }
      if (error instanceof BerError) {
        agent.counters.malformed++;
        return null;
      }
      throw error;
    }
  }

  /** RFC 3414 section 3.2 steps 3 to 8: engine, user, security level, digest, time window, decryption. */
  private authenticate(bytes: Buffer, m: Incoming): { user: LocalUser; scoped: Buffer } {
    const level = m.flags & (Flag.auth | Flag.priv);
    if (!m.engineId.equals(this.engine.id)) throw new ReportError('usmStatsUnknownEngineIDs');
    const user = this.users.find((u) => u.name.equals(m.userName));
    if (!user) throw new ReportError('usmStatsUnknownUserNames');
    if ((level & Flag.auth && !user.auth) || (level & Flag.priv && !user.priv)) throw new ReportError('usmStatsUnsupportedSecLevels');
    if (user.auth && level & Flag.auth) {
      const given = bytes.subarray(m.authStart, m.authEnd);
      if (given.length !== AUTH[user.auth.protocol].macLength) throw new ReportError('usmStatsWrongDigests');
      const zeroed = Buffer.from(bytes);
      zeroed.fill(0, m.authStart, m.authEnd);
      if (!timingSafeEqual(mac(user.auth.protocol, user.auth.key, zeroed), given)) throw new ReportError('usmStatsWrongDigests');
      // Step 7: only an authentic message is checked against the window, and the report is authenticated.
      const boots = this.engine.boots();
      if (boots === MAX_BOOTS || m.boots !== boots || Math.abs(m.time - this.engine.time()) > TIME_WINDOW) {
        throw new ReportError('usmStatsNotInTimeWindows', user);
      }
    }
    const data = bytes.subarray(m.data.start, m.data.end);
    if (!(level & Flag.priv)) return { user, scoped: bytes.subarray(m.data.tlvStart, m.data.end) };
    if (m.salt.length !== 8 || !user.priv) throw new ReportError('usmStatsDecryptionErrors', user);
    return { user, scoped: decrypt(user.priv.protocol, user.priv.key, m.boots, m.time, m.salt, data) };
  }

  /** A request below the user's security level: no data (RFC 3415 section 3.2, as snmpd answers). */
  private refused(pdu: RequestPdu, agent: SnmpAgent): ResponsePdu {
    agent.counters.requests++;
    agent.counters.errors++;
    return { type: PduType.Response, requestId: pdu.requestId, errorStatus: ErrorStatus.authorizationError, errorIndex: 0, varbinds: pdu.names.map((name) => ({ name, value: NULL_VALUE })) };
  }

  /**
   * RFC 3414 section 3.1.1: a Report-PDU naming the counter, with the engine's id, boots and
   * time, and the request's msgID. RFC 3412 section 7.1 step 3c: its request-id is the
   * request's when the PDU could be read, else 0.
   */
  private report(m: Incoming, error: ReportError, requestId: number): Buffer | null {
    const varbinds: VarBind[] = [{ name: [...usmStats[error.stat], 0], value: counter32(this.stats[error.stat]) }];
    const pdu: ResponsePdu = { type: PduType.Report, requestId, errorStatus: NO_ERROR, errorIndex: 0, varbinds };
    const user = error.authenticatedAs;
    return this.encode(m.msgId, user ? Flag.auth : 0, user ?? { name: m.userName, auth: null, priv: null }, pdu, Math.min(m.maxSize, MAX_UDP_PAYLOAD), false);
  }

  /**
   * RFC 3412 section 6 and RFC 3414 section 3.1.1: the whole message, scopedPDU last. The
   * HMAC is computed over the finished message with msgAuthenticationParameters zeroed, then
   * written in place: its distance from the end is known, since only the ScopedPDU (or its
   * ciphertext) and msgPrivacyParameters follow it. Null when the PDU does not fit and may
   * not be truncated.
   */
  private encode(msgId: number, level: number, user: LocalUser, pdu: ResponsePdu, max: number, truncate: boolean): Buffer | null {
    const w = this.writer;
    const engine = this.engine;
    const auth = level & Flag.auth ? user.auth : null;
    const priv = level & Flag.priv ? user.priv : null;
    const boots = engine.boots();
    const time = engine.time();
    const salt = priv ? this.nextSalt() : Buffer.alloc(0);
    const macLength = auth ? AUTH[auth.protocol].macLength : 0;
    w.reset();
    w.begin();
    w.integer(MessageVersion.v3);
    w.begin();
    w.integer(msgId);
    w.integer(MAX_UDP_PAYLOAD);
    w.octets(Buffer.of(level));
    w.integer(USM);
    w.end();
    w.begin(Tag.OctetString);
    w.begin();
    w.octets(engine.id);
    w.integer(boots);
    w.integer(time);
    w.octets(user.name);
    w.octets(Buffer.alloc(macLength));
    w.octets(salt);
    w.end();
    w.end();
    const dataStart = w.length;
    if (priv) {
      // The ciphertext is as long as the plaintext (CFB): it must fit in what is left.
      const room = max - dataStart - 2 * 4 - 3;
      const plain = new BerWriter(4096);
      if (!writeScoped(plain, engine.id, pdu, (n) => n + 3 * 3 <= room, truncate)) return null;
      w.octets(encrypt(priv.protocol, priv.key, boots, time, salt, plain.toBuffer()));
    } else if (!writeScoped(w, engine.id, pdu, (n) => n + 4 * 3 <= max, truncate)) {
      return null;
    }
    const dataLength = w.length - dataStart;
    w.end();
    const out = w.toBuffer();
    if (auth) {
      const authEnd = out.length - dataLength - (2 + salt.length);
      mac(auth.protocol, auth.key, out).copy(out, authEnd - macLength);
    }
    return out;
  }

  private nextSalt(): Buffer {
    this.salt = BigInt.asUintN(64, this.salt + 1n);
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(this.salt);
    return b;
  }
}

/**
 * The PDU of a ScopedPDU; its contextEngineID and contextName are not checked (this agent is
 * its own context engine, with the one default context). Plaintext that is no ScopedPDU after
 * decryption means the wrong privacy key: RFC 3414 section 3.2 step 8, usmStatsDecryptionErrors.
 */
function readScoped(scoped: Buffer, decryptedFor: LocalUser | null): RequestPdu {
  try {
    const r = new BerReader(scoped).sequence();
    r.octets();
    r.octets();
    return readPdu(r);
  } catch (error) {
    if (error instanceof BerError && decryptedFor) throw new ReportError('usmStatsDecryptionErrors', decryptedFor);
    throw error;
  }
}

/**
 * The request's PDU when the USM refused the message but its ScopedPDU is plaintext (no
 * privacy flag): what RFC 3412 section 7.2 step 6a hands to the report. Null when it is
 * encrypted (never decrypted, or not decryptable) or no PDU.
 */
function plaintextPdu(bytes: Buffer, m: Incoming): RequestPdu | null {
  if (m.flags & Flag.priv) return null;
  try {
    return readScoped(bytes.subarray(m.data.tlvStart, m.data.end), null);
  } catch (error) {
    if (error instanceof BerError) return null;
    throw error;
  }
}

function writeScoped(w: BerWriter, engineId: Buffer, pdu: ResponsePdu, fits: (n: number) => boolean, truncate: boolean): boolean {
  w.begin();
  w.octets(engineId);
  w.octets(Buffer.alloc(0));
  if (!writePdu(w, pdu, fits, truncate)) return false;
  w.end();
  return true;
}

/** RFC 3412 section 7.2 steps 2 to 4 and RFC 3414 section 3.2 step 1; null: dropped. */
function parse(bytes: Buffer): Incoming | null {
  try {
    const msg = new BerReader(bytes).sequence();
    msg.integer();
    const global = msg.sequence();
    const msgId = global.integer();
    const maxSize = global.integer();
    const flagOctets = global.octets();
    const model = global.integer();
    if (flagOctets.length !== 1 || model !== USM || msgId < 0 || maxSize < MIN_MAX_SIZE) return null;
    const flags = flagOctets[0] as number;
    // RFC 3412 section 7.2 step 5: privacy without authentication is invalid.
    if ((flags & (Flag.auth | Flag.priv)) === Flag.priv) return null;
    const sp = msg.sequence(Tag.OctetString).sequence();
    const engineId = sp.octets();
    const boots = sp.integer();
    const time = sp.integer();
    const userName = sp.octets();
    const authParams = sp.next(Tag.OctetString);
    const salt = sp.octets();
    if (userName.length > 32 || engineId.length > 32) return null;
    const tlvStart = msg.offset;
    const data = msg.next(flags & Flag.priv ? Tag.OctetString : Tag.Sequence);
    return { msgId, maxSize, flags, engineId, boots, time, userName, authStart: authParams.start, authEnd: authParams.end, salt, data: { tlvStart, start: data.start, end: data.end } };
  } catch (error) {
    if (error instanceof BerError) return null;
    throw error;
  }
}
