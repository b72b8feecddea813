// Preloaded into both benchmarked servers for the idle scenario only
// (`node --expose-gc --import tsx --import bench/gc-hook.ts …`): SIGUSR2 runs a
// full garbage collection, so that resident memory is read without the
// garbage of the connection handshakes. The servers' own code is unchanged.
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) process.on('SIGUSR2', () => gc());
