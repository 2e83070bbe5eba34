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
export type { Ticket, StrategyContext, StrategyResult, MatchmakerStrategy } from './matchmaker/strategy.js';
export type { VoteMethod, VoteWindowType, VoteOptionDef, VoteRequest, VoteResult } from './vote/types.js';
export type { PhaseDef, PhaseStart } from './phase/types.js';
export type { ReconnectPolicy } from './timer/reconnect.js';
