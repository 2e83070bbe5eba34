/**
 * What every match process of one `Matches` instance shares: the mode table, the delivery port, the
 * snapshot and record stores, the vote service, the directory. Built once by `Matches`; passed in each
 * match's start arguments (no module state).
 */
import type { Logger, Registry, SnapshotStore } from '@hajime/actor';
import type { FinishMatch } from '@hajime/storage';
import type { Delivery } from '../delivery.js';
import type { ModeRegistry } from '../modes.js';
import type { VoteRequest, VoteResult } from '../vote/types.js';
import type { MatchDirectory } from './directory.js';

/** Where finished matches are recorded (`storage.matches`). */
export interface MatchRecords {
  finish(input: FinishMatch): Promise<unknown>;
}

/** The vote service as a match uses it (`Votes` of `@hajime/game` implements it). */
export interface VotesPort {
  open(args: {
    readonly matchId: string;
    readonly namespace: 'match' | 'world';
    readonly request: VoteRequest;
    readonly eligible: readonly string[];
    broadcast(frame: { type: string; payload: unknown }): void;
    onResolved(template: string, result: VoteResult): void;
  }): Promise<string>;
  forgetMatch(matchId: string): void;
}

export interface MatchEnv {
  readonly modes: ModeRegistry;
  readonly delivery: Delivery;
  readonly snapshots: SnapshotStore;
  readonly records: MatchRecords | undefined;
  readonly votes: VotesPort | undefined;
  readonly directory: MatchDirectory;
  /** Names match processes by match id. */
  readonly registry: Registry<string>;
  readonly log: Logger;
  /** Dev mode: a rejected input answers its player with `module.error`. */
  readonly dev: boolean;
  /**
   * The input queues of live matches, by match id (optional: without it every input is a message to the
   * match). Each match process puts its own here while it runs; `Matches.input` appends to it directly,
   * in arrival order, instead of sending a message per input.
   */
  readonly inputs?: Map<string, MatchInputs>;
}

/** A running match's input queue as `Matches.input` reaches it. */
export interface MatchInputs {
  /** Queues the input for the next tick; false when the match process is gone (send a message instead). */
  push(playerId: string, input: unknown): boolean;
}

/** The process group of the sessions attached to a match. */
export function matchGroup(matchId: string): string {
  return `match:${matchId}`;
}

/** The snapshot key of a match. */
export function matchSnapshotKey(matchId: string): string {
  return `match:${matchId}`;
}
