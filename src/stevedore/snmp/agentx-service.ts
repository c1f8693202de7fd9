import { Subagent, type AgentxAddress, type MibView, type SubagentHealth } from '../../agentx/index.js';
import type { AgentxAddress as ConfiguredAddress } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { isStateChange } from '../registry/events.js';
import type { RegistryEvents } from '../registry/ports.js';
import { notificationFor, type Notification } from './notifications.js';
import { tallymanMIB } from './tallyman-mib.js';

function agentxAddress(address: ConfiguredAddress): AgentxAddress {
  return address.kind === 'unix' ? { transport: 'unix', path: address.path } : { transport: 'tcp', host: address.host, port: address.port };
}

/**
 * TALLYMAN-MIB through snmpd: one AgentX session registering tallymanMIB, reconnecting and
 * re-registering whenever snmpd goes away, and turning state changes into notifications
 * (snmpd forwards them to its trap sinks).
 */
export class AgentxService {
  private readonly subagent: Subagent;
  private readonly unsubscribe: () => void;

  constructor(address: ConfiguredAddress, pingIntervalMs: number, view: MibView, registry: RegistryEvents, private readonly log: Logger) {
    this.subagent = new Subagent({
      address: agentxAddress(address),
      description: 'stevedore: container health (TALLYMAN-MIB)',
      id: tallymanMIB,
      pingIntervalMs,
      logger: log,
    });
    this.subagent.register({ subtree: tallymanMIB, view });
    this.unsubscribe = registry.subscribe((event) => {
      if (!isStateChange(event)) return;
      const notification = notificationFor(event);
      if (notification) this.notify(notification);
    });
  }

  /** Sends a notification through snmpd (to its trap sinks); one that cannot go is dropped. */
  notify(notification: Notification): void {
    this.subagent.notify(notification.trapOid, notification.varbinds).catch((error: Error) => {
      this.log.debug({ err: error }, `notification not sent: ${error.message}`);
    });
  }

  start(): void {
    this.subagent.start();
  }

  health(): SubagentHealth {
    return this.subagent.health();
  }

  /** agentx-Close-PDU, then no more reconnecting. */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.subagent.close();
  }
}
