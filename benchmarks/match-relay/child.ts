/**
 * The parent's handle on a child process of this scenario (a server or the load generator): forks the
 * entry with `--expose-gc` (and any other Node flags) (its stdout sent to our stderr, so nothing it prints reaches the results),
 * waits for its hello, and turns requests into promises.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Hello, Reply } from './ipc.js';

const START_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 180_000;

/**
 * The environment without what instruments Node processes (`NODE_OPTIONS` preloads and `NODE_V8_COVERAGE`,
 * which a test runner sets): under them a server's memory behaves differently (its RSS fell by tens of MB
 * during the run under tap), and a benchmark measures the server, not the instrumentation.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  delete env['NODE_V8_COVERAGE'];
  return env;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class Child {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #exited: string | undefined;

  private constructor(
    readonly name: string,
    child: ChildProcess,
    readonly url: string,
    readonly description: string,
  ) {
    this.#child = child;
    child.on('message', (m: Reply) => {
      const p = this.#pending.get(m.id);
      if (p === undefined) return;
      this.#pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${name}: ${m.error}`));
    });
    child.on('exit', (code, signal) => {
      this.#exited = `${name} exited (code ${String(code)}, signal ${String(signal)})`;
      for (const p of this.#pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error(this.#exited));
      }
      this.#pending.clear();
    });
  }

  /** Forks `entry` with `args` and resolves once it says hello. */
  static start(name: string, entry: string, args: readonly string[], nodeFlags: readonly string[] = []): Promise<Child> {
    const child = fork(entry, [...args], { execArgv: ['--expose-gc', '--enable-source-maps', ...nodeFlags], env: cleanEnv(), stdio: ['ignore', 2, 2, 'ipc'] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${name} did not start within ${START_TIMEOUT_MS / 1000} s`));
      }, START_TIMEOUT_MS);
      const onExit = (code: number | null): void => {
        clearTimeout(timer);
        reject(new Error(`${name} exited before it was ready (code ${String(code)})`));
      };
      child.once('exit', onExit);
      child.once('message', (hello: Hello) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        if (hello.hello) resolve(new Child(name, child, hello.url, hello.description));
        else {
          child.kill('SIGKILL');
          reject(new Error(`${name} failed to start: ${hello.error}`));
        }
      });
    });
  }

  /** Sends `{ id, op, ...extra }` and resolves with the child's result. */
  request<T>(op: string, extra: Record<string, unknown> = {}): Promise<T> {
    if (this.#exited !== undefined) return Promise.reject(new Error(this.#exited));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.name} did not answer ${op} within ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.#child.send({ id, op, ...extra });
    });
  }

  /** Asks the child to close, waits for it to exit (kills it after 10 s). */
  async close(): Promise<void> {
    if (this.#exited !== undefined) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await this.request('close').catch(() => undefined);
    await exited;
    clearTimeout(killer);
  }
}

/** The child side: answers requests with `handle`, says hello with `hello`. */
export function serveParent(hello: () => Promise<{ url: string; description: string }>, handle: (req: { id: number; op: string } & Record<string, unknown>) => Promise<unknown>): void {
  const send = (m: Hello | Reply): void => {
    process.send?.(m);
  };
  if (process.send === undefined) throw new Error('this entry runs as a child with an IPC channel (child_process.fork)');
  process.on('disconnect', () => process.exit(0));
  hello().then(
    ({ url, description }) => {
      process.on('message', (req: { id: number; op: string } & Record<string, unknown>) => {
        handle(req).then(
          (result) => send({ id: req.id, ok: true, result: result ?? null }),
          (err: unknown) => send({ id: req.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
        );
      });
      send({ hello: true, url, description });
    },
    (err: unknown) => {
      send({ hello: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      setImmediate(() => process.exit(1));
    },
  );
}
