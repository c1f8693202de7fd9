import { timingSafeEqual } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { VarBind } from '../agentx/codec/varbind.js';
import type { Oid } from '../agentx/mib/oid.js';
import { objectIdentifier, timeTicks } from '../agentx/mib/smi.js';
import type { MibView } from '../agentx/mib/view.js';
import { BerError, BerReader, BerWriter } from './ber.js';
import { ErrorStatus, NO_ERROR, PduType, readPdu, writePdu, type ResponsePdu } from './pdu.js';
import { respond, type SnmpVersion } from './responder.js';

/** RFC 3416 section 3 / RFC 1157: msgVersion of an SNMPv1, SNMPv2c and SNMPv3 message. */
export const MessageVersion = { v1: 0, v2c: 1, v3: 3 } as const;

/** The largest UDP payload over IPv4: the local constraint on a response (RFC 3417 section 3.2). */
export const MAX_UDP_PAYLOAD = 65507;

/** What the agent saw: shown by its host (stevedore's GET /v1/health). */
export interface AgentCounters {
  /** Requests answered or refused after authentication. */
  requests: number;
  /** Responses that carried an error-status (tooBig, noSuchName, noAccess, genErr). */
  errors: number;
  /** Wrong community, unknown user, wrong digest: RFC 3418 snmpInBadCommunityNames plus usmStats. */
  authenticationFailures: number;
  /** Datagrams that were no well-formed SNMP message of a version spoken here: dropped. */
  malformed: number;
  /** Notifications sent, one per sink, counted once the datagram has left. */
  notifications: number;
  /** Notifications not sent: the sink's name did not resolve, or the send failed. */
  notificationErrors: number;
}

/** The SNMPv3 message processing (usm.ts): the whole datagram in, the reply out; notifications out. */
export interface V3Processing {
  /** `source`: the sender's address, for SnmpAgent.authenticationFailed. */
  handle(bytes: Buffer, agent: SnmpAgent, source: string | null): Buffer | null;
  /** An SNMPv3 message carrying pdu from this (authoritative) engine as userName; null for an unknown user. */
  originate(userName: string, pdu: ResponsePdu): Buffer | null;
}

/** A notification receiver: SNMPv2c with a community, or SNMPv3 as a user of the USM. */
export type NotificationSink = { host: string; port: number } & ({ community: string } | { user: string });

/** RFC 3418 section 2: sysUpTime.0 and snmpTrapOID.0, the first two varbinds of every notification. */
const SYS_UP_TIME_0: Oid = [1, 3, 6, 1, 2, 1, 1, 3, 0];
const SNMP_TRAP_OID_0: Oid = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];

export interface AgentOptions {
  /** Everything answered for (standard-objects.ts agentView). */
  view: MibView;
  /** SNMPv1/v2c communities; none: v1 and v2c are not answered. */
  communities: readonly string[];
  /** SNMPv3 User-based Security Model; null: v3 is not answered. */
  usm: V3Processing | null;
  /** sysUpTime, in hundredths of a second: the first varbind of a notification. */
  uptime(): number;
  /** Told of each notification not sent (the sink as given to notify), with the reason (an error code): the host logs it. */
  notificationFailed?(sink: NotificationSink, reason: string): void;
  /**
   * Told of each authentication failure: the sender's address, and the SNMPv3 user it named
   * (null for a wrong community, which is never repeated: it may be someone's secret).
   */
  authenticationFailed?(source: string | null, user: string | null): void;
}

/** How much longer a message may still grow than written so far: each open length up to 3 more octets. */
const GROWTH_PER_OPEN_LENGTH = 3;

/**
 * An SNMP command responder (RFC 3411 section 3.1.3.2) over UDP: v1 and v2c by community
 * (RFC 1157, RFC 1901), v3 through the USM (RFC 3412, RFC 3414). Read-only.
 */
export class SnmpAgent {
  readonly counters: AgentCounters = { requests: 0, errors: 0, authenticationFailures: 0, malformed: 0, notifications: 0, notificationErrors: 0 };
  private readonly writer = new BerWriter(MAX_UDP_PAYLOAD + 1024);
  private readonly communities: Buffer[];
  private socket: Socket | null = null;
  private readonly senders = new Map<'udp4' | 'udp6', Socket>();
  private nextRequestId = 1;

  constructor(private readonly options: AgentOptions) {
    this.communities = options.communities.map((c) => Buffer.from(c, 'utf8'));
  }

  /** Binds UDP host:port; rejects with the socket's error when it cannot. */
  async listen(host: string, port: number): Promise<void> {
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
    socket.on('message', (bytes, from) => {
      let reply: Buffer | null;
      try {
        reply = this.handle(bytes, from.address);
      } catch {
        // Whatever a datagram holds, it must not stop the agent: counted, dropped.
        this.counters.errors++;
        return;
      }
      if (reply) socket.send(reply, from.port, from.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // After binding, a send that fails (an unreachable peer) must not stop the agent.
    socket.on('error', () => undefined);
    this.socket = socket;
  }

  close(): void {
    this.socket?.close();
    this.socket = null;
    for (const sender of this.senders.values()) sender.close();
    this.senders.clear();
  }

  /**
   * The socket notifications leave from: one per address family, bound to no address in
   * particular, so that an agent listening on loopback still reaches a sink on another host.
   */
  private sender(host: string): Socket {
    const type = host.includes(':') ? 'udp6' : 'udp4';
    let socket = this.senders.get(type);
    if (!socket) {
      socket = createSocket({ type });
      socket.on('error', () => undefined);
      socket.unref();
      this.senders.set(type, socket);
    }
    return socket;
  }

  /**
   * RFC 3416 section 4.2.6: an SNMPv2-Trap-PDU, sysUpTime.0 and snmpTrapOID.0 first, sent to
   * each sink while the agent listens; unconfirmed, so nothing waits for an answer.
   */
  notify(sinks: readonly NotificationSink[], trapOid: Oid, varbinds: readonly VarBind[]): void {
    if (!this.socket) return;
    const pdu: ResponsePdu = {
      type: PduType.SNMPv2Trap,
      requestId: this.nextRequestId,
      errorStatus: 0,
      errorIndex: 0,
      varbinds: [{ name: SYS_UP_TIME_0, value: timeTicks(this.options.uptime()) }, { name: SNMP_TRAP_OID_0, value: objectIdentifier(trapOid) }, ...varbinds],
    };
    this.nextRequestId = (this.nextRequestId % 0x7fffffff) + 1;
    for (const sink of sinks) {
      const message = 'community' in sink ? this.communityMessage(MessageVersion.v2c, Buffer.from(sink.community, 'utf8'), pdu) : this.options.usm?.originate(sink.user, pdu);
      if (!message) continue;
      this.sender(sink.host).send(message, sink.port, sink.host, (error) => {
        if (!error) {
          this.counters.notifications++;
          return;
        }
        this.counters.notificationErrors++;
        this.options.notificationFailed?.(sink, (error as NodeJS.ErrnoException).code ?? error.message);
      });
    }
  }

  private communityMessage(version: number, community: Buffer, pdu: ResponsePdu): Buffer {
    const w = this.writer;
    w.reset();
    w.begin();
    w.integer(version);
    w.octets(community);
    writePdu(w, pdu, () => true, false);
    w.end();
    return w.toBuffer();
  }

  /** One datagram in, the datagram to send back (or null: dropped, per RFC 3412 section 7.2). */
  handle(bytes: Buffer, source: string | null = null): Buffer | null {
    try {
      const message = new BerReader(bytes).sequence();
      const version = message.integer();
      if (version === MessageVersion.v1 || version === MessageVersion.v2c) return this.community(message, version === MessageVersion.v1 ? 'v1' : 'v2c', source);
      if (version === MessageVersion.v3 && this.options.usm) return this.options.usm.handle(bytes, this, source);
      // RFC 3412 section 7.2 step 2 (snmpInBadVersions): dropped.
      this.counters.malformed++;
      return null;
    } catch (error) {
      if (!(error instanceof BerError)) throw error;
      // RFC 3412 section 7.2 step 2 (snmpInASNParseErrs): dropped.
      this.counters.malformed++;
      return null;
    }
  }

  /** The community-based models (RFC 3584 section 5.2.1): a known community, else dropped. */
  private community(message: BerReader, version: 'v1' | 'v2c', source: string | null): Buffer | null {
    const community = message.octets();
    const pdu = readPdu(message);
    if (!this.communities.some((c) => c.length === community.length && timingSafeEqual(c, community))) {
      this.authenticationFailed(source, null);
      return null;
    }
    const response = this.answer(pdu, version, MAX_UDP_PAYLOAD);
    if (!response) return null;
    const w = this.writer;
    const encode = (body: ResponsePdu): boolean => {
      w.reset();
      w.begin();
      w.integer(MessageVersion[version]);
      w.octets(community);
      const fits = writePdu(w, body, (length) => length + 3 * GROWTH_PER_OPEN_LENGTH <= MAX_UDP_PAYLOAD, pdu.type === PduType.GetBulkRequest);
      if (fits) w.end();
      return fits;
    };
    if (!encode(response)) {
      this.counters.errors++;
      encode(tooBig(response));
    }
    return w.toBuffer();
  }

  /** Counts an authentication failure and tells the host (AgentOptions.authenticationFailed). */
  authenticationFailed(source: string | null, user: string | null): void {
    this.counters.authenticationFailures++;
    this.options.authenticationFailed?.(source, user);
  }

  /** The Response-PDU to a request, counted; null for a PDU no command responder answers. */
  answer(pdu: ReturnType<typeof readPdu>, version: SnmpVersion, maxOctets: number): ResponsePdu | null {
    const response = respond(this.options.view, pdu, version, maxOctets);
    if (!response) {
      this.counters.malformed++;
      return null;
    }
    this.counters.requests++;
    if (response.errorStatus !== NO_ERROR) this.counters.errors++;
    return response;
  }
}

/**
 * RFC 3416 section 4.2.1 (and 4.2.2, 4.2.5): a response that would not fit the message size is
 * replaced by one with error-status tooBig, error-index 0 and no varbinds.
 */
export function tooBig(response: ResponsePdu): ResponsePdu {
  return { ...response, errorStatus: ErrorStatus.tooBig, errorIndex: 0, varbinds: [] };
}
