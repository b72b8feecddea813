// The uploads scenario's loops on a thread of their own (uploads.ts): they
// run until the parent posts 'stop', then post back what they did.
import { parentPort, workerData } from 'node:worker_threads';
import { uploadLoops, type UploadLoad } from './uploads.js';

const { httpUrl, tokens, load } = workerData as { httpUrl: string; tokens: string[]; load: UploadLoad };
let stopped = false;
parentPort!.on('message', (message) => {
  if (message === 'stop') stopped = true;
});
parentPort!.postMessage(await uploadLoops(httpUrl, tokens, load, () => stopped));
