/**
 * Import direction (docs/architecture.md, "Layout and import direction"): model ← channel-kit ← channels/*; core
 * owns the ports; store and bus implement them; api → core; only app/ (and tests) wire concrete pieces. No cycles
 * anywhere — neither between files nor between the folders of core.
 */
const SRC = '^packages/server/src/';
const TEST_KIT =
  'channel-kit/(contract|contract-fuzz|fuzz-mutations|test-connector|test-connector-fuzz|test-listen-connector)\\.ts$';
const notTest = `\\.test\\.ts$|/testing/|/e2e/|\\.contract\\.ts$|/fixtures/|${TEST_KIT}`;

/**
 * The folders of core in layers, lowest first. A folder imports only folders of lower layers (and core's root
 * files deps.ts, errors.ts, events.ts); never one of its own layer or above. The file-level cycle check cannot see
 * a loop between folders (routing/a.ts → outbound/b.ts → routing/c.ts is no file cycle), and such loops are what
 * makes a folder impossible to understand, test or move on its own. What two folders both need moves down a layer:
 * the timeline into conversations (routing, teams and the outbound queue all write it), the agent seam stays with
 * agents (routing calls it), linear-time patterns sit in patterns (routing rules and flow bots both match them).
 *   0 ports        what core needs from the outside (Store, Bus, Clock, …)
 *   1 foundation   security, batching, patterns, contacts (address normalization), degradation (content a channel
 *                  can carry, and typed answers back into replies: both the inbound writer and the queue use it)
 *   2 resources    connections, workspaces, webhooks, realtime, outbox
 *   3 records      conversations, templates
 *   4 pipelines    inbound, outbound, media
 *   5 services     agents, teams, recovery, webchat, health (what each connection's checks find)
 *   6 routing      who handles a conversation: calls agents and teams, queues auto-replies, takes over for operators
 * core/hub.ts is the typed set of services handed to the api; no folder imports it.
 */
const CORE_LAYERS = [
  ['ports'],
  ['security', 'batching', 'patterns', 'contacts', 'degradation'],
  ['connections', 'workspaces', 'webhooks', 'realtime', 'outbox'],
  ['conversations', 'templates', 'meta-connect', 'notifications'],
  // opt-outs: written with inbound messages (conversations below), checked by every send (outbound above)
  ['consent'],
  ['inbound', 'outbound', 'media', 'calls'],
  ['agents', 'teams', 'recovery', 'webchat', 'health', 'campaigns'],
  ['routing'],
];
const coreLayerRules = CORE_LAYERS.map((layer, i) => {
  const sameOrAbove = CORE_LAYERS.slice(i).flat();
  return {
    name: `core-layer-${i}-imports-below`,
    severity: 'error',
    comment: `core/{${layer.join(',')}} import only lower layers of core (see CORE_LAYERS)`,
    from: { path: `${SRC}core/(${layer.join('|')})/`, pathNot: notTest },
    // a folder's own files are not a violation; its siblings in the layer and everything above are
    to: { path: `${SRC}core/(${sameOrAbove.join('|')}|hub\\.ts$)`, pathNot: `${SRC}core/$1/` },
  };
});
const coreFolders = CORE_LAYERS.flat();
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'model-is-pure',
      severity: 'error',
      comment: 'model imports nothing of ours but model',
      from: { path: `${SRC}model/` },
      to: { path: SRC, pathNot: `${SRC}model/` },
    },
    {
      name: 'kit-imports-model-only',
      severity: 'error',
      from: { path: `${SRC}channel-kit/`, pathNot: notTest },
      to: { path: SRC, pathNot: `${SRC}(model|channel-kit)/` },
    },
    {
      name: 'channels-import-kit-and-model',
      severity: 'error',
      comment: 'connectors import only the kit, the model and their own folder',
      from: { path: `${SRC}channels/([^/]+)/`, pathNot: notTest },
      to: { path: SRC, pathNot: [`${SRC}(model|channel-kit)/`, `${SRC}channels/$1/`] },
    },
    ...coreLayerRules,
    {
      name: 'core-folders-are-layered',
      severity: 'error',
      comment: 'every folder of core has a layer in CORE_LAYERS',
      from: { path: `${SRC}core/[^/]+/`, pathNot: [notTest, `${SRC}core/(${coreFolders.join('|')})/`] },
      to: { path: SRC },
    },
    {
      name: 'core-owns-ports',
      severity: 'error',
      comment: 'core never imports store, bus, api, app or a concrete channel',
      from: { path: `${SRC}core/`, pathNot: notTest },
      to: { path: `${SRC}(store|bus|api|app|channels)/` },
    },
    {
      name: 'patterns-below-routing-and-agents',
      severity: 'error',
      comment: 'admin patterns serve routing and the flow engine and depend on neither',
      from: { path: `${SRC}core/patterns/` },
      to: { path: `${SRC}core/(routing|agents)/` },
    },
    {
      name: 'adapters-implement-ports',
      severity: 'error',
      from: { path: `${SRC}(store|bus)/`, pathNot: notTest },
      to: { path: `${SRC}(api|app|channels)/` },
    },
    {
      name: 'api-uses-core',
      severity: 'error',
      comment: 'api talks to core, never to a store, bus or channel directly',
      from: { path: `${SRC}api/` },
      to: { path: `${SRC}(store|bus|app|channels)/` },
    },
    {
      name: 'only-tests-use-testing',
      severity: 'error',
      from: { path: SRC, pathNot: notTest },
      to: { path: `${SRC}(testing|e2e)/` },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      comment: 'the contract suites, fuzz machinery, test connector and fixtures are for tests',
      from: { path: SRC, pathNot: notTest },
      to: { path: [`${SRC}${TEST_KIT}`, `${SRC}channels/[^/]+/fixtures/`] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // the TypeScript config lets our ESM imports (which name the emitted .js file) resolve to the .ts source
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    tsPreCompilationDeps: true,
  },
};
