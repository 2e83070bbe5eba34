/** A server under test, as the server child process drives it (Hajime or the bare limit). */
export interface BenchServer {
  /** Where clients connect, e.g. `ws://127.0.0.1:41234/ws`. */
  readonly url: string;
  /** One line for the report: what this server is. */
  readonly description: string;
  /** Creates `count` players the server will accept and returns one access token for each. */
  tokens(count: number): Promise<string[]>;
  close(): Promise<void>;
}
