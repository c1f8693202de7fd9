import { CodedError } from '../common/coded-error.js';

/**
 * ETCD_UNREACHABLE: no endpoint answered. ETCD_REFUSED: etcd answered with an error (grpcCode
 * is its gRPC status code, 5 NotFound for an unknown lease). ETCD_BAD_ANSWER: not JSON.
 */
export type EtcdErrorCode = 'ETCD_UNREACHABLE' | 'ETCD_REFUSED' | 'ETCD_BAD_ANSWER';

export class EtcdError extends CodedError<EtcdErrorCode> {
  constructor(
    code: EtcdErrorCode,
    message: string,
    readonly grpcCode: number | null = null,
  ) {
    super(code, message);
  }
}

/** gRPC status codes etcd answers with (grpc/grpc doc/statuscodes.md). */
export const GRPC_NOT_FOUND = 5;
