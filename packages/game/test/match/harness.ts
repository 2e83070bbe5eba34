/**
 * Test harness for matches without a server: an actor system on a simulated clock, the process groups a
 * gateway would own, and fake sessions (plain processes that record the frames pushed to them).
 */
import { ActorSystem, MemoryLogger, ProcessGroups, SimulatedClock, type Pid, type SnapshotStore } from '@hajime/actor';
import { encodeFrame, type OutboundFrame } from '@hajime/protocol';
import type { Delivery } from '../../src/delivery.js';
import { ModeRegistry, type ModeConfig } from '../../src/modes.js';
import { Matches, type MatchesOptions } from '../../src/match/matches.js';
import type { MatchRecords, VotesPort } from '../../src/match/env.js';

export interface FakeSession {
  readonly pid: Pid;
  readonly playerId: string;
  readonly frames: OutboundFrame<string, unknown>[];
  of(type: string): unknown[];
}

export interface Harness {
  readonly system: ActorSystem;
  readonly clock: SimulatedClock;
  readonly groups: ProcessGroups<string>;
  readonly matches: Matches;
  readonly modes: ModeRegistry;
  readonly records: { finished: Parameters<MatchRecords['finish']>[0][] };
  readonly log: MemoryLogger;
  session(playerId: string): FakeSession;
  stop(): Promise<void>;
}

const PUSH = '$push';

export async function harness(modes: Record<string, ModeConfig>, options: { matches?: MatchesOptions; votes?: VotesPort; failRecords?: boolean; snapshots?: SnapshotStore } = {}): Promise<Harness> {
  const clock = new SimulatedClock();
  const log = new MemoryLogger();
  const system = new ActorSystem({ clock, logger: log });
  const groups = new ProcessGroups<string>(system);
  const byPlayer = new Map<string, Pid[]>();
  const delivery: Delivery = {
    groups,
    push: (f) => ({ [PUSH]: f }),
    sessionsOf: (p) => (byPlayer.get(p) ?? []).filter((pid) => pid.alive),
    sendToPlayer: (p, f) => {
      const pids = delivery.sessionsOf(p);
      for (const pid of pids) system.send(pid, { [PUSH]: f });
      return pids.length;
    },
  };
  const records = { finished: [] as Parameters<MatchRecords['finish']>[0][] };
  const registry = new ModeRegistry(modes);
  const matches = new Matches({
    system,
    modes: registry,
    delivery,
    records: {
      finish: async (input) => {
        if (options.failRecords === true) throw new Error('db down');
        records.finished.push(input);
      },
    },
    ...(options.votes === undefined ? {} : { votes: options.votes }),
    ...(options.snapshots === undefined ? {} : { snapshots: options.snapshots }),
    log,
    ...(options.matches === undefined ? {} : { options: options.matches }),
  });
  await matches.start();
  return {
    system,
    clock,
    groups,
    matches,
    modes: registry,
    records,
    log,
    session(playerId) {
      const frames: OutboundFrame<string, unknown>[] = [];
      const pid = system.spawn((msg) => {
        // as a client sees it: through the wire encoding (a Lua view is pre-encoded JSON text)
        if (typeof msg === 'object' && msg !== null && PUSH in msg) frames.push(JSON.parse(encodeFrame((msg as Record<string, OutboundFrame<string, unknown>>)[PUSH]!)) as OutboundFrame<string, unknown>);
      });
      byPlayer.set(playerId, [...(byPlayer.get(playerId) ?? []), pid]);
      return { pid, playerId, frames, of: (type) => frames.filter((f) => f.type === type).map((f) => f.payload) };
    },
    async stop() {
      await matches.stop();
      await system.stop();
    },
  };
}
