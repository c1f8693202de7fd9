/** etcd v3 over its JSON gateway: a client, and the one lease policy (LeasedKey for a key, LeasedKeySet for a set). Knows nothing of the product. */
export { EtcdClient, prefixEnd, type KeyValue, type LeaseId, type TxnOp } from './client.js';
export { EtcdError, type EtcdErrorCode } from './errors.js';
export type { EndpointStatus } from './gateway.js';
export { LeasedKey } from './leased-key.js';
export { LeasedKeySet, type LeaseClient, type LeasePolicy, type LeasedKeySetStatus } from './leased-key-set.js';
export { PrefixWatch, type WatchEvent, type WatchHandlers } from './watch.js';
