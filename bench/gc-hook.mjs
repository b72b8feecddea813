// Preloaded into both benchmarked servers for the idle scenario only
// (`node --expose-gc --import bench/gc-hook.mjs …`; plain JavaScript, as the project server runs without tsx): SIGUSR2 runs a
// full garbage collection. The idle scenario sends it only after its
// whole-RSS readings (which are taken without any forced collection, as an
// operator sees them), to show how much of the growth was garbage. The
// servers' own code is unchanged.
const gc = globalThis.gc;
if (gc) process.on('SIGUSR2', () => gc());
