/**
 * @hajime/game: the game core as actors and pure functions. Matches (`MatchBehaviour`, one supervised
 * process per match), the matchmaker (`MatchmakerStrategy`), voting, phases and timers. Knows nothing of
 * HTTP, SQL drivers or sockets: the server passes a {@link Delivery} and the storage repositories.
 * See guides/matches.md, guides/matchmaking.md, guides/voting.md, guides/phases-and-timers.md.
 */
export { type Delivery, nullDelivery } from './delivery.js';
export { GameError, isGameError } from './errors.js';
export { ModeRegistry, resolveMode, MODE_DEFAULTS, type ModeConfig, type ResolvedMode } from './modes.js';
export {
  refuse,
  finished,
  rejectInput,
  isRefusal,
  isFinished,
  isInputRejected,
  type MatchBehaviour,
  type MatchApi,
  type MatchConfig,
  type JoinCtx,
  type Refusal,
  type Finished,
  type InputRejected,
} from './match/behaviour.js';

// Matches: the runtime (one supervised process per match), its directory and client API
export { Matches, MATCHES_DEFAULTS, type MatchesOptions, type MatchesDeps, type ListOptions } from './match/matches.js';
export { Match, MatchServer, BROADCAST_MAX_BYTES, INPUT_QUEUE_MAX, type MatchArgs, type JoinedInfo, type MatchStatus } from './match/match-server.js';
export { MatchDirectory, listingOf, type MatchListing, type MatchEntry } from './match/directory.js';
export { matchGroup, matchSnapshotKey, type MatchEnv, type MatchRecords, type VotesPort } from './match/env.js';
export { validateJoinCtx, refusedReason, JOIN_CTX_LIMITS } from './match/join-ctx.js';

export type { Ticket, StrategyContext, StrategyResult, MatchmakerStrategy } from './matchmaker/strategy.js';
export type { VoteMethod, VoteWindowType, VoteOptionDef, VoteRequest, VoteResult } from './vote/types.js';
export type { PhaseDef, PhaseStart } from './phase/types.js';
export type { ReconnectPolicy } from './timer/reconnect.js';
