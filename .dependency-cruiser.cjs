/**
 * Import direction (ARCHITECTURE §3): model ← channel-kit ← channels/*; core owns the ports; store and bus
 * implement them; api → core; only app/ (and tests) wire concrete pieces. No cycles anywhere.
 */
const SRC = '^packages/server/src/';
const notTest = '\\.test\\.ts$|/testing/|/e2e/|\\.contract\\.ts$';
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'model-is-pure', severity: 'error', comment: 'model imports nothing of ours but model',
      from: { path: `${SRC}model/` }, to: { path: SRC, pathNot: `${SRC}model/` } },
    { name: 'kit-imports-model-only', severity: 'error',
      from: { path: `${SRC}channel-kit/`, pathNot: notTest }, to: { path: SRC, pathNot: `${SRC}(model|channel-kit)/` } },
    { name: 'channels-import-kit-and-model', severity: 'error', comment: 'connectors import only the kit, the model and their own folder',
      from: { path: `${SRC}channels/([^/]+)/`, pathNot: notTest }, to: { path: SRC, pathNot: [`${SRC}(model|channel-kit)/`, `${SRC}channels/$1/`] } },
    { name: 'core-owns-ports', severity: 'error', comment: 'core never imports store, bus, api, app or a concrete channel',
      from: { path: `${SRC}core/`, pathNot: notTest }, to: { path: `${SRC}(store|bus|api|app|channels)/` } },
    { name: 'patterns-below-routing-and-agents', severity: 'error', comment: 'admin patterns serve routing and the flow engine and depend on neither',
      from: { path: `${SRC}core/patterns/` }, to: { path: `${SRC}core/(routing|agents)/` } },
    { name: 'adapters-implement-ports', severity: 'error',
      from: { path: `${SRC}(store|bus)/`, pathNot: notTest }, to: { path: `${SRC}(api|app|channels)/` } },
    { name: 'api-uses-core', severity: 'error', comment: 'api talks to core, never to a store, bus or channel directly',
      from: { path: `${SRC}api/` }, to: { path: `${SRC}(store|bus|app|channels)/` } },
    { name: 'only-tests-use-testing', severity: 'error',
      from: { path: SRC, pathNot: notTest }, to: { path: `${SRC}(testing|e2e)/` } },
    { name: 'no-test-code-in-production', severity: 'error', comment: 'the contract suite and the test connector are for tests',
      from: { path: SRC, pathNot: notTest }, to: { path: `${SRC}channel-kit/(contract|test-connector)\\.ts$` } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // the TypeScript config lets our ESM imports (which name the emitted .js file) resolve to the .ts source
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    tsPreCompilationDeps: true,
  },
};
