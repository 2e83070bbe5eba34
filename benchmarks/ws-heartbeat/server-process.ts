/**
 * The server child process: `node server-process.js hajime|bare`. Starts that server, says hello over
 * IPC with its URL, then answers the parent's requests (tokens, GC, CPU window, memory, close). Its
 * stdout is the parent's stderr, so nothing it prints can end up in the results.
 */
import { collectGarbage } from '../lib/gc.js';
import type { BenchServer } from './bench-server.js';
import type { MemoryReading, ServerHello, ServerReply, ServerRequest } from './ipc.js';

function send(message: ServerHello | ServerReply): void {
  process.send?.(message);
}

async function start(kind: string | undefined): Promise<BenchServer> {
  if (kind === 'hajime') return (await import('./hajime-server.js')).startHajime();
  if (kind === 'bare') return (await import('./bare-server.js')).startBare();
  throw new Error(`unknown server kind ${String(kind)} (hajime or bare)`);
}

async function settledMemory(): Promise<MemoryReading> {
  await new Promise<void>((resolve) => setTimeout(resolve, 100));
  collectGarbage();
  await new Promise<void>((resolve) => setImmediate(resolve));
  collectGarbage();
  collectGarbage();
  const m = process.memoryUsage();
  return { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external };
}

async function main(): Promise<void> {
  if (process.send === undefined) throw new Error('server-process.js runs as a child with an IPC channel (child_process.fork)');
  let server: BenchServer;
  try {
    server = await start(process.argv[2]);
  } catch (err) {
    send({ hello: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  }
  let cpuAt: NodeJS.CpuUsage | undefined;
  const handle = async (req: ServerRequest): Promise<unknown> => {
    switch (req.op) {
      case 'tokens':
        return server.tokens(req.count);
      case 'gc':
        collectGarbage();
        return null;
      case 'cpu-start':
        cpuAt = process.cpuUsage();
        return null;
      case 'cpu-stop': {
        const d = process.cpuUsage(cpuAt);
        return d.user + d.system;
      }
      case 'memory':
        return settledMemory();
      case 'close':
        await server.close();
        setImmediate(() => process.exit(0));
        return null;
    }
  };
  process.on('message', (req: ServerRequest) => {
    handle(req).then(
      (result) => send({ id: req.id, ok: true, result }),
      (err: unknown) => send({ id: req.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  send({ hello: true, url: server.url, description: server.description });
}

void main();
