// Lint rules, including the dependency directions of docs/architecture.md:
// common is a leaf, agentx, docker and etcd know nothing of the product, tallyman stays light,
// checker stands apart from stevedore (stevedore may use checker's parts, not the reverse).
import tseslint from 'typescript-eslint';

const restrict = (patterns, why) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message: why })) }],
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'src/stevedore/config/grammar.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/common/**'],
    rules: restrict(['**/tallyman/*', '**/stevedore/*', '**/agentx/*', '**/checker/*', '**/docker/*', '**/etcd/*', '**/bin/*', 'fastify', 'pino', 'commander'], 'src/common is a leaf: it imports only node built-ins'),
  },
  {
    files: ['src/agentx/**'],
    rules: restrict(['**/tallyman/*', '**/stevedore/*', '**/bin/*', 'fastify', 'pino', 'commander'], 'src/agentx is a standalone RFC 2741 library: common and node built-ins only'),
  },
  {
    files: ['src/snmp/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/tallyman/*', '**/stevedore/*', '**/bin/*', 'fastify', 'pino', 'commander'], message: 'src/snmp is a standalone SNMP agent library: common, agentx/mib and node built-ins only' },
        { group: ['**/agentx/*.js', '**/agentx/codec/*', '!**/agentx/codec/varbind.js', '!**/agentx/codec/constants.js'], message: 'src/snmp takes the object tree (agentx/mib) and its value types from agentx, nothing of the AgentX protocol' },
      ] }],
    },
  },
  {
    files: ['src/stevedore/collector/**', 'src/stevedore/snmp/**', 'src/stevedore/integrations/**', 'src/stevedore/http/**', 'src/stevedore/sources/**'],
    rules: restrict(['**/registry/registry.js', '**/registry/sweeper.js', '**/persistence/*'], 'sources and sinks see the registry only through its ports (registry/ports.ts, events.ts, records.ts)'),
  },
  {
    files: ['src/stevedore/sources/**'],
    rules: restrict(['**/registry/registry.js', '**/registry/sweeper.js', '**/persistence/*', '**/sinks/**', '**/etcd/*', '**/etcd-connection.js'], 'sources see the registry only through its writer port, and no sink (nor etcd)'),
  },
  {
    files: ['src/stevedore/sinks/**'],
    rules: restrict(['**/registry/registry.js', '**/registry/sweeper.js', '**/persistence/*', '**/sources/**', '**/collector/*'], 'sinks see the registry only through its reader and event ports, and no source'),
  },
  {
    // A later rule replaces an earlier one for the same files: the registry's line is repeated here.
    files: ['src/stevedore/collector/**', 'src/stevedore/snmp/**', 'src/stevedore/http/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/registry/registry.js', '**/registry/sweeper.js', '**/persistence/*'], message: 'sources and sinks see the registry only through its ports (registry/ports.ts, events.ts, records.ts)' },
        { group: ['**/integrations/cluster/view.js', '**/integrations/cluster/publisher.js', '**/integrations/cluster/cluster.js', '**/etcd/*', '**/etcd-connection.js'], message: 'sinks see the cluster view only through its read port (integrations/cluster/reader.ts), and etcd not at all (its parts report through /v1/health)' },
      ] }],
    },
  },
  {
    files: ['src/stevedore/persistence/**'],
    rules: restrict(['**/registry/registry.js', '**/registry/sweeper.js', '**/collector/*', '**/snmp/*', '**/integrations/**'], 'persistence sees the registry only through its snapshot port (registry/ports.ts)'),
  },
  {
    files: ['src/stevedore/registry/**'],
    rules: restrict(['**/collector/*', '**/snmp/*', '**/http/*', '**/persistence/*', '**/integrations/**', '**/sources/**', '**/sinks/**', '**/logging/*', 'fastify', 'pino'], 'the registry knows nothing of its sources, sinks or persistence'),
  },
  {
    files: ['src/docker/**'],
    rules: restrict(['**/tallyman/*', '**/stevedore/*', '**/agentx/*', '**/checker/*', '**/etcd/*', '**/bin/*', 'fastify', 'pino', 'commander', 'net-snmp'], 'src/docker is the Engine API client: common and node built-ins only'),
  },
  {
    files: ['src/etcd/**'],
    rules: restrict(['**/tallyman/*', '**/stevedore/*', '**/agentx/*', '**/checker/*', '**/docker/*', '**/bin/*', 'fastify', 'pino', 'commander', 'net-snmp'], 'src/etcd is an etcd v3 client library: common and node built-ins only'),
  },
  {
    files: ['src/checker/**', 'src/bin/checker.ts'],
    rules: restrict(['**/tallyman/*', '**/stevedore/*', '**/agentx/*', 'fastify', 'pino', 'commander', 'net-snmp'], 'checker uses common, docker and etcd; stevedore may use checker, not the reverse'),
  },
  {
    files: ['src/tallyman/**', 'src/bin/tallyman.ts'],
    rules: restrict(['**/stevedore/*', '**/agentx/*', 'fastify', 'pino', 'commander', 'node:http', 'http'], 'tallyman starts on every health check: no heavy imports (bench/tallyman)'),
  },
);
