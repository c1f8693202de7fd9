import { PduType } from './constants.js';

/**
 * RFC 2741 section 6.1.1: the PDUs that may carry a context (with NON_DEFAULT_CONTEXT set, an
 * Octet String right after the header). The others never do.
 */
const WITH_CONTEXT = new Set<number>([
  PduType.Register,
  PduType.Unregister,
  PduType.Get,
  PduType.GetNext,
  PduType.GetBulk,
  PduType.TestSet,
  PduType.Notify,
  PduType.Ping,
  PduType.IndexAllocate,
  PduType.IndexDeallocate,
  PduType.AddAgentCaps,
  PduType.RemoveAgentCaps,
]);

export function mayCarryContext(type: number): boolean {
  return WITH_CONTEXT.has(type);
}
