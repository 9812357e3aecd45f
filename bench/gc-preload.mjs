// Preloaded into a benchmarked server (node --expose-gc --import bench/gc-preload.mjs …): SIGUSR2 runs a full GC so
// idle RSS readings are not inflated by garbage that is merely uncollected. Changes nothing else.
process.on('SIGUSR2', () => {
  if (typeof globalThis.gc === 'function') globalThis.gc();
});
