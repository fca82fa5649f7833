// A real earshot server in a process of its own, so its memory is measured apart from the fuzzer's.
// Sends {"port"} once listening; answers the IPC message "rss" with its memory after full GCs.
// Usage: node --expose-gc server-child.mjs '{"lm": false, "maxPayload": ..., "maxUploadBytes": ..., "maxSessions": ...}'
import { Model } from '../../dist/recognizer/index.js';
import { createServer } from '../../dist/server/index.js';

const { lm = true, ...limits } = JSON.parse(process.argv[2] ?? '{}');
const model = await Model.load(undefined, { lm });
const server = await createServer({ model, port: 0, ...limits, log: (message) => process.stderr.write(`server: ${message}\n`) });
process.send({ port: server.port });
process.on('message', async (message) => {
  if (message === 'rss') process.send(await settledMemory());
  if (message === 'close') {
    await server.close();
    await model.release();
    process.exit(0);
  }
});

/**
 * process.memoryUsage() after five full GCs 100 ms apart, with the lowest RSS seen: the wasm
 * decoders' memories are given back only when their finalizers have run, which can take more than one GC.
 */
async function settledMemory() {
  let lowest;
  for (let i = 0; i < 5; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    if (!lowest || rss < lowest.rss) lowest = { rss, heapUsed, external, arrayBuffers };
  }
  return lowest;
}
