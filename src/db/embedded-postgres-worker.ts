import { parentPort, workerData } from 'node:worker_threads';
import { servePglite } from './embedded-postgres-server.js';

/**
 * Worker-thread entry of the embedded database: PGlite's WebAssembly runs here, off the hub's event loop, and
 * answers on a loopback port. Messages: -> { url } | { error } once started; <- 'close' -> 'closed'.
 */
const { dataDir, port } = workerData as { dataDir?: string; port?: number };

try {
  const served = await servePglite({ dataDir, port });
  parentPort!.on('message', (message) => {
    if (message !== 'close') return;
    served.close().then(
      () => parentPort!.postMessage('closed'),
      (error: Error) => parentPort!.postMessage({ closeError: error.message }),
    );
  });
  parentPort!.postMessage({ url: served.url });
} catch (error) {
  parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
