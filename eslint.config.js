// Lint rules, including the dependency directions of docs/architecture.md:
// common is a leaf, agentx knows nothing of the product, tallyman stays light.
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
    rules: restrict(['**/tallyman/*', '**/stevedore/*', '**/agentx/*', '**/bin/*', 'fastify', 'pino', 'commander'], 'src/common is a leaf: it imports only node built-ins'),
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
    files: ['src/tallyman/**', 'src/bin/tallyman.ts'],
    rules: restrict(['**/stevedore/*', '**/agentx/*', 'fastify', 'pino', 'commander', 'node:http', 'http'], 'tallyman starts on every health check: no heavy imports (bench/tallyman)'),
  },
);
