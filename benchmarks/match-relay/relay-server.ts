/**
 * A server under test, as the server child process drives it. All three run the same game: rooms of 8,
 * a 20 Hz tick that applies the queued inputs (`{seq, dx, dy}`: move by dx, dy; remember seq as the
 * player's last processed input) and then sends every player's position and last seq to the room.
 */
export interface RelayServer {
  /** Where clients connect (a ws:// URL; Colyseus: its http:// endpoint). */
  readonly url: string;
  /** One line for the report: what this server is. */
  readonly description: string;
  /** Access tokens for `count` new players (only Hajime needs them; the others return empty strings). */
  tokens(count: number): Promise<string[]>;
  /** Inputs the game has applied since the server started. */
  inputsApplied(): number;
  close(): Promise<void>;
}

/** Players per room. */
export const ROOM_SIZE = 8;
/** The server tick (20 Hz). */
export const TICK_MS = 50;

/** One input as every client sends it. */
export interface Input {
  readonly seq: number;
  readonly dx: number;
  readonly dy: number;
}

/** A well-formed input, or undefined. */
export function asInput(v: unknown): Input | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { seq, dx, dy } = v as Record<string, unknown>;
  return typeof seq === 'number' && typeof dx === 'number' && typeof dy === 'number' ? { seq, dx, dy } : undefined;
}
