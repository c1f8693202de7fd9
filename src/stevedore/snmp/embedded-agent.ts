import { isIP } from 'node:net';
import { hostname } from 'node:os';
import type { Time } from '../../common/time.js';
import { formatHostPort } from '../../common/host-port.js';
import { VERSION } from '../../common/version.js';
import type { MibView } from '../../agentx/index.js';
import { SnmpAgent, type AgentCounters, type NotificationSink } from '../../snmp/agent.js';
import { Engine } from '../../snmp/engine.js';
import { agentView } from '../../snmp/standard-objects.js';
import { Usm } from '../../snmp/usm.js';
import { BindError } from '../bind-error.js';
import { OnceAMinute } from '../../common/once-a-minute.js';
import type { Config } from '../config/config.js';
import { declaredAt } from '../config/declared-at.js';
import type { Logger } from '../logging/logger.js';
import { isStateChange } from '../registry/events.js';
import type { RegistryEvents } from '../registry/ports.js';
import { engineFilePath, loadEngineIdentity } from './engine-file.js';
import { notificationFor, type Notification } from './notifications.js';
import { tallymanMIB } from './tallyman-mib.js';

/** RFC 3418 sysServices: application (layer 7) and end-to-end (layer 4), as snmpd answers. */
const SYS_SERVICES = 72;

export type EmbeddedAgentSettings = Pick<Config, 'statementsAt' | 'snmpListen' | 'snmpCommunity' | 'snmpContact' | 'snmpLocation' | 'snmpUsers' | 'snmpTrapSinks' | 'stateFile'>;

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
  private readonly failedSinks: OnceAMinute;
  /** Where each sink was declared, FILE:LINE: how a failed one is named in the log. */
  private readonly sinkPlaces = new Map<NotificationSink, string>();
  private readonly failedSources: OnceAMinute;
  private targets: ReturnType<typeof sinks> = [];

  constructor(
    private readonly view: MibView,
    private readonly registry: RegistryEvents,
    private readonly time: Time,
    private readonly log: Logger,
  ) {
    this.failedSinks = new OnceAMinute(time);
    this.failedSources = new OnceAMinute(time);
  }

  /** Binds the UDP socket; rejects, naming the address and its statement (BindError) or the engine file, when it cannot. */
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
      notificationFailed: (sink, reason) => this.notificationFailed(sink, reason),
      authenticationFailed: (source, user) => this.authenticationFailed(source, user),
    });
    try {
      await agent.listen(address.host, address.port);
    } catch (error) {
      throw new BindError(formatHostPort(address), declaredAt(settings, 'snmp-listen'), error);
    }
    this.agent = agent;
    this.targets = sinks(settings);
    this.targets.forEach((target, i) => {
      const { file, line } = (settings.snmpTrapSinks[i] as EmbeddedAgentSettings['snmpTrapSinks'][number]).declaredAt;
      this.sinkPlaces.set(target, `${file}:${line}`);
    });
    if (this.targets.length > 0) {
      this.unsubscribe = this.registry.subscribe((event) => {
        if (!isStateChange(event)) return;
        const notification = notificationFor(event);
        if (notification) this.notify(notification);
      });
    }
    // The endpoint itself is in the start-up lines (endpoints.ts).
    this.log.debug({ listen: formatHostPort(address), engineId: identity.id.toString('hex'), boots: identity.boots }, `SNMP engine ${identity.id.toString('hex')}, boot ${identity.boots}`);
  }

  /** A sink that cannot be reached: a warning once a minute (the count is in snmp.counters). */
  private notificationFailed(sink: NotificationSink, reason: string): void {
    const place = this.sinkPlaces.get(sink) ?? 'the configuration';
    // A host name is not repeated: it may be a community written where HOST goes.
    const where = isIP(sink.host) === 0 ? `the snmp-trap-sink of ${place}` : `${formatHostPort(sink)} (snmp-trap-sink of ${place})`;
    if (this.failedSinks.due(place)) this.log.warn({ sink: place, reason }, `SNMP notification to ${where} not sent: ${reason}`);
  }

  /** A request refused for its credentials: a warning once a minute per source address, never the community or password. */
  private authenticationFailed(source: string | null, user: string | null): void {
    const from = source ?? 'an unknown address';
    if (!this.failedSources.due(from)) return;
    const what = user === null ? 'a wrong community' : `user ${JSON.stringify(user)} (unknown user, wrong password or security level)`;
    this.log.warn({ source, user }, `SNMP authentication failure from ${from}: ${what}`);
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
    this.sinkPlaces.clear();
  }
}
