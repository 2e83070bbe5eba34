/**
 * The parent's handle on the `rest` server child: forks `server-process.js` (with `--expose-gc`, its
 * stdout sent to our stderr), waits for its hello (listening, seeded), and turns requests into promises.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RawResult, RestHello, RestReply, RestRequest } from './ipc.js';

const ENTRY = fileURLToPath(new URL('./server-process.js', import.meta.url));
const START_TIMEOUT_MS = 180_000;
const REQUEST_TIMEOUT_MS = 120_000;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };
type Hello = Extract<RestHello, { hello: true }>;
/** A request without its id (distributed over the union). */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;

export class RestServerProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #exited: string | undefined;

  private constructor(
    child: ChildProcess,
    readonly hello: Hello,
  ) {
    this.#child = child;
    child.on('message', (m: RestReply) => {
      const p = this.#pending.get(m.id);
      if (p === undefined) return;
      this.#pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`rest server: ${m.error}`));
    });
    child.on('exit', (code, signal) => {
      this.#exited = `rest server exited (code ${String(code)}, signal ${String(signal)})`;
      for (const p of this.#pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(this.#exited));
      }
      this.#pending.clear();
    });
  }

  /** Forks the child, which seeds `players` players with `friendsPerPlayer` friends each and `matches` match records, and resolves once it listens. */
  static start(players: number, friendsPerPlayer: number, matches: number): Promise<RestServerProcess> {
    const child = fork(ENTRY, [String(players), String(friendsPerPlayer), String(matches)], { execArgv: ['--expose-gc', '--enable-source-maps'], stdio: ['ignore', 2, 2, 'ipc'] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`rest server did not start within ${START_TIMEOUT_MS / 1000} s`));
      }, START_TIMEOUT_MS);
      const onExit = (code: number | null): void => {
        clearTimeout(timer);
        reject(new Error(`rest server exited before it listened (code ${String(code)})`));
      };
      child.once('exit', onExit);
      child.once('message', (hello: RestHello) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        if (hello.hello) resolve(new RestServerProcess(child, hello));
        else {
          child.kill();
          reject(new Error(`rest server failed to start: ${hello.error}`));
        }
      });
    });
  }

  #request(req: Unnumbered<RestRequest>): Promise<unknown> {
    if (this.#exited !== undefined) return Promise.reject(new Error(this.#exited));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`rest server did not answer ${req.op} within ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      this.#child.send({ id, ...req });
    });
  }

  /** Runs the raw baseline in the child (the server idle meanwhile). */
  async raw(seconds: number, concurrency: number): Promise<RawResult> {
    return (await this.#request({ op: 'raw', seconds, concurrency })) as RawResult;
  }

  /** A full GC in the child. */
  async gc(): Promise<void> {
    await this.#request({ op: 'gc' });
  }

  /** The child's cumulative CPU µs (user + system). */
  async cpu(): Promise<number> {
    return (await this.#request({ op: 'cpu' })) as number;
  }

  /** Closes the server, drops the schema and waits for the child to exit (kills it after 15 s). */
  async close(): Promise<void> {
    if (this.#exited !== undefined) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 15_000);
    await this.#request({ op: 'close' }).catch(() => undefined);
    await exited;
    clearTimeout(killer);
  }
}
