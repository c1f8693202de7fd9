import type { HostPort } from '../common/host-port.js';
import { EtcdError, GRPC_NOT_FOUND } from './errors.js';
import { EtcdGateway, type EndpointStatus } from './gateway.js';

/** A v3 lease id: an int64, kept as the decimal text etcd's JSON carries (beyond 2^53). */
export type LeaseId = string;

export interface KeyValue {
  key: string;
  value: string;
  /** 0 when the key has no lease. */
  lease: LeaseId;
  modRevision: number;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
export const unb64 = (text: string | undefined): string => Buffer.from(text ?? '', 'base64').toString('utf8');

/** The end of the range of every key starting with prefix (etcd's WithPrefix): prefix + 1 at its last byte. */
export function prefixEnd(prefix: string): string {
  const bytes = Buffer.from(prefix, 'utf8');
  for (let i = bytes.length - 1; i >= 0; i--) {
    if ((bytes[i] as number) < 0xff) {
      const end = Buffer.from(bytes.subarray(0, i + 1));
      end[i] = (bytes[i] as number) + 1;
      return end.toString('base64');
    }
  }
  return b64('\0');
}

interface RawKeyValue {
  key?: string;
  value?: string;
  lease?: string;
  mod_revision?: string;
}

/** One operation of a transaction (etcd's RequestOp). */
export type TxnOp = { put: { key: string; value: string; lease?: LeaseId } } | { delete: { key: string } };

/**
 * The etcd v3 calls this project makes, over the JSON gateway. Knows nothing of containers:
 * checker and stevedore (its etcd sink and cluster, on one client) use it, with LeasedKey and
 * LeasedKeySet for the lease policy.
 */
export class EtcdClient {
  private readonly gateway: EtcdGateway;

  constructor(endpoints: readonly HostPort[], onStatus?: (status: EndpointStatus, detail: string) => void) {
    this.gateway = new EtcdGateway(endpoints, onStatus);
  }

  get status(): EndpointStatus {
    return this.gateway.status;
  }

  /** Bumps each time etcd becomes reachable (at first, and after each outage). */
  get reachableEpoch(): number {
    return this.gateway.reachableEpoch;
  }

  /** A lease of ttl seconds. */
  async grant(ttlSeconds: number): Promise<LeaseId> {
    const answer = await this.gateway.post<{ ID?: string }>('lease/grant', { TTL: ttlSeconds });
    if (!answer.ID) throw new EtcdError('ETCD_BAD_ANSWER', 'etcd granted a lease without an id');
    return answer.ID;
  }

  /** Renews the lease once: its TTL in seconds, or 0 when etcd no longer has it (expired or revoked). */
  async keepAliveOnce(lease: LeaseId): Promise<number> {
    const answer = await this.gateway.post<{ TTL?: string }>('lease/keepalive', { ID: lease });
    return Math.max(0, Number(answer.TTL ?? 0));
  }

  /** Revokes the lease, deleting its keys; a lease etcd no longer has is no error. */
  async revoke(lease: LeaseId): Promise<void> {
    try {
      await this.gateway.post('lease/revoke', { ID: lease });
    } catch (error) {
      if (error instanceof EtcdError && error.grpcCode === GRPC_NOT_FOUND) return;
      throw error;
    }
  }

  async put(key: string, value: string, lease?: LeaseId): Promise<void> {
    await this.gateway.post('kv/put', { key: b64(key), value: b64(value), ...(lease !== undefined && { lease }) });
  }

  /** Deletes the key: how many keys it deleted (0 or 1). */
  async delete(key: string): Promise<number> {
    return Number((await this.gateway.post<{ deleted?: string }>('kv/deleterange', { key: b64(key) })).deleted ?? 0);
  }

  /** Every key under prefix, in key order. */
  async getPrefix(prefix: string): Promise<KeyValue[]> {
    return (await this.readPrefix(prefix)).kvs;
  }

  /** Every key under prefix, and the store's revision they were read at (a watch goes on after it). */
  async readPrefix(prefix: string): Promise<{ kvs: KeyValue[]; revision: number }> {
    const answer = await this.gateway.post<{ kvs?: RawKeyValue[]; header?: { revision?: string } }>('kv/range', { key: b64(prefix), range_end: prefixEnd(prefix) });
    const kvs = (answer.kvs ?? []).map((kv) => ({ key: unb64(kv.key), value: unb64(kv.value), lease: kv.lease ?? '0', modRevision: Number(kv.mod_revision ?? 0) }));
    return { kvs, revision: Number(answer.header?.revision ?? 0) };
  }

  /** The operations at once, with no compare: all or none happen. */
  async txn(ops: readonly TxnOp[]): Promise<void> {
    const success = ops.map((op) =>
      'put' in op
        ? { request_put: { key: b64(op.put.key), value: b64(op.put.value), ...(op.put.lease !== undefined && { lease: op.put.lease }) } }
        : { request_delete_range: { key: b64(op.delete.key) } },
    );
    await this.gateway.post('kv/txn', { success });
  }

  /** Every change under prefix from revision `fromRevision` on (see watch.ts). */
  watchStream(prefix: string, fromRevision: number, onMessage: (message: unknown) => void, onEnd: (reason: string) => void): { close(): void } {
    const request = { key: b64(prefix), range_end: prefixEnd(prefix), ...(fromRevision > 0 && { start_revision: String(fromRevision) }) };
    return this.gateway.stream('watch', { create_request: request }, onMessage, onEnd);
  }

  close(): void {
    this.gateway.close();
  }
}
