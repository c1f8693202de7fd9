import type { FastifyInstance, FastifyReply } from 'fastify';
import { isServiceName, SERVICE_NAME_RULE } from '../../common/service-name.js';
import type { ClusterHost, ClusterInstance, ClusterReader } from '../integrations/cluster/reader.js';

const iso = (ms: number): string => new Date(ms).toISOString();

function connectionJson(view: ClusterReader): Record<string, unknown> {
  const c = view.connection();
  return { cluster: view.cluster, connection: { state: c.state, since: iso(c.since), revision: c.revision } };
}

const hostJson = (h: ClusterHost): Record<string, unknown> => ({ host: h.host, state: h.state, since: iso(h.since), version: h.version, instances: h.counts.ok + h.counts.starting + h.counts.failing + h.counts.stale, counts: h.counts });

const instanceJson = (i: ClusterInstance): Record<string, unknown> => ({
  host: i.host,
  instance: i.instance,
  state: i.state,
  stateSince: iso(i.stateSince),
  reason: i.reason,
  lastReport: iso(i.lastReport),
  exitCode: i.exitCode,
  output: i.output,
  container: i.container,
});

/**
 * GET /v1/cluster (every host: up or lost, since when, instance counts) and
 * GET /v1/cluster/services/NAME (that service's instances on every host), from the cluster view
 * (cluster-view yes). `connection.state` says whether the view is up to date (watching) or shows
 * the last view it had (cut-off).
 */
export function clusterRoutes(app: FastifyInstance, cluster: () => ClusterReader | null): void {
  const off = (reply: FastifyReply): FastifyReply =>
    reply.code(404).send({ error: "this stevedore serves no cluster view: set 'cluster-name NAME;' and 'cluster-view yes;'", code: 'NO_CLUSTER_VIEW' });

  app.get('/v1/cluster', async (_request, reply) => {
    const view = cluster();
    if (view === null) return off(reply);
    return { ...connectionJson(view), hosts: view.hosts().map(hostJson) };
  });

  app.get<{ Params: { name: string } }>('/v1/cluster/services/:name', async (request, reply) => {
    const view = cluster();
    if (view === null) return off(reply);
    const { name } = request.params;
    if (!isServiceName(name)) return reply.code(400).send({ error: `bad service name '${name}' (${SERVICE_NAME_RULE})`, code: 'BAD_SERVICE_NAME' });
    return { ...connectionJson(view), service: name, instances: view.instancesOf(name).map(instanceJson) };
  });
}
