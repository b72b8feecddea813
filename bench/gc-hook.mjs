// Preloaded into both benchmarked servers for the idle scenario only
// (`node --expose-gc --import bench/gc-hook.mjs …`; plain JavaScript, as the project server runs without tsx): SIGUSR2 runs a
// full garbage collection, so that resident memory is read without the
// garbage of the connection handshakes. The servers' own code is unchanged.
const gc = globalThis.gc;
if (gc) process.on('SIGUSR2', () => gc());
