/**
 * The parent's handle on a server child process: forks `server-process.js <kind>` (with `--expose-gc`,
 * its stdout sent to our stderr), waits for its hello, and turns requests into promises.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MemoryReading, ServerHello, ServerKind, ServerOp, ServerReply, ServerRequest } from './ipc.js';

const ENTRY = fileURLToPath(new URL('./server-process.js', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 120_000;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class ServerProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #exited: string | undefined;

  private constructor(
    readonly kind: ServerKind,
    child: ChildProcess,
    readonly url: string,
    readonly description: string,
  ) {
    this.#child = child;
    child.on('message', (m: ServerReply) => {
      const p = this.#pending.get(m.id);
      if (p === undefined) return;
      this.#pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${kind} server: ${m.error}`));
    });
    child.on('exit', (code, signal) => {
      this.#exited = `${kind} server exited (code ${String(code)}, signal ${String(signal)})`;
      for (const p of this.#pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(this.#exited));
      }
      this.#pending.clear();
    });
  }

  /** Forks the server child and resolves once it listens. */
  static start(kind: ServerKind): Promise<ServerProcess> {
    const child = fork(ENTRY, [kind], { execArgv: ['--expose-gc', '--enable-source-maps'], stdio: ['ignore', 2, 2, 'ipc'] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`${kind} server did not start within ${START_TIMEOUT_MS / 1000} s`));
      }, START_TIMEOUT_MS);
      const onExit = (code: number | null): void => {
        clearTimeout(timer);
        reject(new Error(`${kind} server exited before it listened (code ${String(code)})`));
      };
      child.once('exit', onExit);
      child.once('message', (hello: ServerHello) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        if (hello.hello) resolve(new ServerProcess(kind, child, hello.url, hello.description));
        else {
          child.kill();
          reject(new Error(`${kind} server failed to start: ${hello.error}`));
        }
      });
    });
  }

  #request(op: ServerOp, extra: { count?: number } = {}): Promise<unknown> {
    if (this.#exited !== undefined) return Promise.reject(new Error(this.#exited));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.kind} server did not answer ${op} within ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      this.#child.send({ id, op, ...extra } as ServerRequest);
    });
  }

  /** `count` access tokens of new players. */
  async tokens(count: number): Promise<string[]> {
    return (await this.#request('tokens', { count })) as string[];
  }

  /** A full GC in the server. */
  async gc(): Promise<void> {
    await this.#request('gc');
  }

  /** Starts the server's CPU window. */
  async cpuStart(): Promise<void> {
    await this.#request('cpu-start');
  }

  /** CPU µs (user + system) the server spent since `cpuStart`. */
  async cpuStop(): Promise<number> {
    return (await this.#request('cpu-stop')) as number;
  }

  /** The server's memory after a full GC. */
  async memory(): Promise<MemoryReading> {
    return (await this.#request('memory')) as MemoryReading;
  }

  /** Closes the server and waits for the child to exit (kills it after 10 s). */
  async close(): Promise<void> {
    if (this.#exited !== undefined) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await this.#request('close').catch(() => undefined);
    await exited;
    clearTimeout(killer);
  }
}
