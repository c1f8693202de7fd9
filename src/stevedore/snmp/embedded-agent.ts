import { hostname } from 'node:os';
import type { Time } from '../../common/time.js';
import { formatHostPort } from '../../common/host-port.js';
import { VERSION } from '../../common/version.js';
import type { MibView } from '../../agentx/index.js';
import { SnmpAgent, type AgentCounters, type NotificationSink } from '../../snmp/agent.js';
import { Engine } from '../../snmp/engine.js';
import { agentView } from '../../snmp/standard-objects.js';
import { Usm } from '../../snmp/usm.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { isStateChange } from '../registry/events.js';
import type { RegistryEvents } from '../registry/ports.js';
import { engineFilePath, loadEngineIdentity } from './engine-file.js';
import { notificationFor, type Notification } from './notifications.js';
import { tallymanMIB } from './tallyman-mib.js';

/** RFC 3418 sysServices: application (layer 7) and end-to-end (layer 4), as snmpd answers. */
const SYS_SERVICES = 72;

export type EmbeddedAgentSettings = Pick<Config, 'snmpListen' | 'snmpCommunity' | 'snmpContact' | 'snmpLocation' | 'snmpUsers' | 'snmpTrapSinks' | 'stateFile'>;

/** GET /v1/health's `snmp` section: where it listens and what it saw (never a secret). */
export interface EmbeddedAgentHealth {
  listen: string | null;
  counters?: AgentCounters;
}

/** The configured sinks as the agent sends to them; a v2c sink without a community uses snmp-community, else public. */
function sinks(settings: EmbeddedAgentSettings): NotificationSink[] {
  return settings.snmpTrapSinks.map((sink) => {
    const where = { host: sink.address.host, port: sink.address.port };
    return 'user' in sink ? { ...where, user: sink.user } : { ...where, community: sink.community ?? settings.snmpCommunity ?? 'public' };
  });
}

/**
 * `snmp-listen`: an SNMP agent inside stevedore for hosts without snmpd (src/snmp). It answers
 * from the same MibView the AgentX subagent serves (tallyman-view.ts), beside the system group
 * and snmpEngine: one copy of the MIB, read live. State changes go to the snmp-trap-sink
 * receivers as the same notifications, with the same varbinds, as through snmpd.
 */
export class EmbeddedAgent {
  private agent: SnmpAgent | null = null;
  private unsubscribe: (() => void) | null = null;
  private targets: ReturnType<typeof sinks> = [];

  constructor(
    private readonly view: MibView,
    private readonly registry: RegistryEvents,
    private readonly time: Time,
    private readonly log: Logger,
  ) {}

  /** Binds the UDP socket; rejects, naming the address or the engine file, when it cannot. */
  async start(settings: EmbeddedAgentSettings): Promise<void> {
    const address = settings.snmpListen;
    if (address === null) return;
    const identity = await loadEngineIdentity(settings.stateFile === null ? null : engineFilePath(settings.stateFile));
    const engine = new Engine(identity.id, identity.boots, this.time);
    const usm = new Usm(
      engine,
      settings.snmpUsers.map((u) => ({ name: u.name, auth: u.auth, priv: u.priv })),
    );
    const view = agentView(
      { descr: `stevedore ${VERSION}: container health (TALLYMAN-MIB)`, objectId: tallymanMIB, contact: settings.snmpContact, name: hostname(), location: settings.snmpLocation, services: SYS_SERVICES },
      engine,
      () => engine.uptimeHundredths(),
      (name) => usm.stats[name],
      [{ root: tallymanMIB, view: this.view }],
    );
    const agent = new SnmpAgent({
      view,
      communities: settings.snmpCommunity === null ? [] : [settings.snmpCommunity],
      usm: settings.snmpUsers.length > 0 ? usm : null,
      uptime: () => engine.uptimeHundredths(),
    });
    try {
      await agent.listen(address.host, address.port);
    } catch (error) {
      throw new Error(`cannot serve SNMP on ${formatHostPort(address)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    this.agent = agent;
    this.targets = sinks(settings);
    if (this.targets.length > 0) {
      this.unsubscribe = this.registry.subscribe((event) => {
        if (!isStateChange(event)) return;
        const notification = notificationFor(event);
        if (notification) this.notify(notification);
      });
    }
    this.log.info({ listen: formatHostPort(address), engineId: identity.id.toString('hex'), boots: identity.boots }, `embedded SNMP agent on ${formatHostPort(address)}`);
  }

  health(settings: EmbeddedAgentSettings): EmbeddedAgentHealth {
    const listen = settings.snmpListen === null ? null : formatHostPort(settings.snmpListen);
    return this.agent ? { listen, counters: { ...this.agent.counters } } : { listen };
  }

  /** Sends a notification to the snmp-trap-sink receivers, when the agent serves and has any. */
  notify(notification: Notification): void {
    if (this.agent !== null && this.targets.length > 0) this.agent.notify(this.targets, notification.trapOid, notification.varbinds);
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.agent?.close();
    this.agent = null;
  }
}
