/**
 * Vote test helpers: an actor system on a simulated clock with a started `Votes`, a memory vote store
 * (optionally failing its writes) and a recorder of the frames and results each opened vote produced.
 */
import { randomUUID } from 'node:crypto';
import { ActorSystem, MemoryLogger, SimulatedClock } from '@hajime/actor';
import type { OutboundFrame } from '@hajime/protocol';
import type { NewVote, VoteRecord } from '@hajime/storage';
import type { Test } from 'tap';
import type { VoteRequest, VoteResult } from '../../src/vote/types.js';
import { Votes, type VoteStore, type VotesDeps } from '../../src/vote/votes.js';

/** A memory store with the repo's shape; `failWrites` makes `record` reject. */
export class MemoryVoteStore implements VoteStore {
  readonly rows = new Map<string, VoteRecord>();
  failWrites = false;
  /** Log of calls, for ordering checks. */
  readonly calls: string[] = [];

  async record(vote: NewVote): Promise<VoteRecord> {
    this.calls.push(`record:${vote.id}`);
    if (this.failWrites) throw Object.assign(new Error('down'), { code: 'STO_ERR_UNAVAILABLE' });
    const id = vote.id ?? randomUUID();
    if (this.rows.has(id)) throw Object.assign(new Error('dup'), { code: 'STO_ERR_CONFLICT' });
    const row: VoteRecord = {
      id,
      match_id: vote.match_id as VoteRecord['match_id'],
      template: vote.template ?? null,
      method: vote.method,
      options: vote.options.map((o) => ({ ...o })),
      votes_cast: vote.votes_cast ?? {},
      result: vote.result ?? null,
      distribution: vote.distribution ?? null,
      turnout: vote.turnout ?? null,
      eligible_count: vote.eligible_count ?? null,
      window_ms: vote.window_ms ?? null,
      opened_at: vote.opened_at ?? null,
      closed_at: vote.closed_at ?? null,
      inserted_at: new Date(),
    };
    this.rows.set(id, row);
    return row;
  }
  async get(id: string): Promise<VoteRecord | undefined> {
    return this.rows.get(id);
  }
  async listForMatch(matchId: string, options: { limit?: number } = {}): Promise<VoteRecord[]> {
    return [...this.rows.values()].filter((r) => r.match_id === matchId).reverse().slice(0, options.limit ?? 50);
  }
}

/** What one opened vote produced. */
export interface Opened {
  readonly id: string;
  readonly frames: OutboundFrame<string, unknown>[];
  readonly results: { template: string; result: VoteResult }[];
  /** Frames of one type (payloads). */
  of(type: string): Record<string, unknown>[];
}

export interface VoteWorld {
  readonly clock: SimulatedClock;
  readonly system: ActorSystem;
  readonly log: MemoryLogger;
  readonly store: MemoryVoteStore;
  readonly votes: Votes;
  readonly matchId: string;
  /** Opens a vote in `matchId` (default players p1..p3) and records what it sends. */
  open(request: VoteRequest, options?: { eligible?: string[]; namespace?: 'match' | 'world'; matchId?: string }): Promise<Opened>;
}

export async function voteWorld(t: Test, deps: Partial<Omit<VotesDeps, 'system'>> = {}): Promise<VoteWorld> {
  const clock = new SimulatedClock();
  const log = new MemoryLogger();
  const system = new ActorSystem({ clock, logger: log });
  const store = new MemoryVoteStore();
  const votes = new Votes({ system, store, random: () => 0, ...deps });
  await votes.start();
  t.teardown(async () => {
    await votes.stop();
    await system.stop();
  });
  const matchId = randomUUID();
  return {
    clock,
    system,
    log,
    store,
    votes,
    matchId,
    async open(request, options = {}) {
      const frames: OutboundFrame<string, unknown>[] = [];
      const results: { template: string; result: VoteResult }[] = [];
      const id = await votes.open({
        matchId: options.matchId ?? matchId,
        namespace: options.namespace ?? 'match',
        request,
        eligible: options.eligible ?? ['p1', 'p2', 'p3'],
        broadcast: (f) => frames.push(f),
        onResolved: (template, result) => {
          store.calls.push(`resolved:${result.vote_id}`);
          results.push({ template, result });
        },
      });
      return { id, frames, results, of: (type) => frames.filter((f) => f.type === type).map((f) => f.payload as Record<string, unknown>) };
    },
  };
}

/** The reason of the GameError a promise rejects with. */
export async function reasonOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as { reason?: string }).reason ?? `not a GameError: ${String(e)}`;
  }
  return undefined;
}

export const MAP_OPTIONS = [
  { id: 'forest', label: 'Forest' },
  { id: 'desert', label: 'Desert' },
  { id: 'snow', label: 'Snow' },
];
