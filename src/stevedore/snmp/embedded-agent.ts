import { hostname } from 'node:os';
import type { Time } from '../../common/time.js';
import { VERSION } from '../../common/version.js';
import type { MibView } from '../../agentx/index.js';
import { SnmpAgent, type AgentCounters } from '../../snmp/agent.js';
import { Engine, hostEngineId } from '../../snmp/engine.js';
import { agentView } from '../../snmp/standard-objects.js';
import type { Config } from '../config/config.js';
import { formatHostPort } from '../../common/host-port.js';
import { tallymanMIB } from './tallyman-mib.js';

/** Net-SNMP's enterprise number, under whose experimental arc TALLYMAN-MIB lives (tallyman-mib.ts). */
const ENTERPRISE = 8072;
/** RFC 3418 sysServices: application (layer 7) and end-to-end (layer 4), as snmpd answers. */
const SYS_SERVICES = 72;

export type EmbeddedAgentSettings = Pick<Config, 'snmpListen' | 'snmpCommunity' | 'snmpContact' | 'snmpLocation'>;

/** GET /v1/health's `snmp` section. */
export interface EmbeddedAgentHealth {
  listen: string | null;
  counters?: AgentCounters;
}

/**
 * `snmp-listen`: an SNMP agent inside stevedore for hosts without snmpd. It answers from the
 * same MibView the AgentX subagent serves (tallyman-view.ts), beside the system group and
 * snmpEngine: one copy of the MIB, read live.
 */
export class EmbeddedAgent {
  private agent: SnmpAgent | null = null;

  constructor(
    private readonly view: MibView,
    private readonly time: Time,
  ) {}

  /** Binds the UDP socket; rejects, naming the address, when it cannot. */
  async start(settings: EmbeddedAgentSettings): Promise<void> {
    const address = settings.snmpListen;
    if (address === null) return;
    const host = hostname();
    const engine = new Engine(hostEngineId(ENTERPRISE, host), 1, this.time);
    const view = agentView(
      { descr: `stevedore ${VERSION}: container health (TALLYMAN-MIB)`, objectId: tallymanMIB, contact: settings.snmpContact, name: host, location: settings.snmpLocation, services: SYS_SERVICES },
      engine,
      () => engine.uptimeHundredths(),
      () => 0,
      [{ root: tallymanMIB, view: this.view }],
    );
    const agent = new SnmpAgent({ view, communities: settings.snmpCommunity === null ? [] : [settings.snmpCommunity], usm: null });
    try {
      await agent.listen(address.host, address.port);
    } catch (error) {
      throw new Error(`cannot serve SNMP on ${formatHostPort(address)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    this.agent = agent;
  }

  health(settings: EmbeddedAgentSettings): EmbeddedAgentHealth {
    const listen = settings.snmpListen === null ? null : formatHostPort(settings.snmpListen);
    return this.agent ? { listen, counters: { ...this.agent.counters } } : { listen };
  }

  close(): void {
    this.agent?.close();
    this.agent = null;
  }
}
