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

// The matchmaker: one queue process per node, pure strategies, the ticket query filter
export type { Ticket, StrategyContext, StrategyResult, MatchmakerStrategy } from './matchmaker/strategy.js';
export { Matchmaker, MATCHMAKER_REASONS, MATCHMAKER_FAILED_REASONS, type MatchmakerDeps, type TicketInput } from './matchmaker/matchmaker.js';
export {
  MATCHMAKER_DEFAULTS,
  resolveMatchmakerOptions,
  type MatchmakerOptions,
  type ResolvedMatchmakerOptions,
  type StartMatch,
  type Notify,
  type AddReply,
  type TicketView,
  type TicketStatus,
  type ModeStats,
} from './matchmaker/matchmaker-server.js';
export { fill, skillBased, withQuery, dropSelfMatches, resolveStrategy, runStrategy, skillOf, SKILL_DEFAULTS } from './matchmaker/strategies.js';
export { parseQuery, accepts, preference, termHolds, validateQuery, MATCH_ALL, QUERY_MAX_LENGTH, QUERY_MAX_TERMS, type Query, type QueryTerm, type Occurrence, type Comparison } from './matchmaker/query.js';
export { validateProperties, PROPERTY_LIMITS, type TicketProperties } from './matchmaker/properties.js';

// Voting: one process per open vote, counting as pure functions
export { Votes, VOTE_REASONS, VOTE_LIST_LIMIT, viewOfRecord, type VotesDeps, type VoteStore, type OpenVoteArgs } from './vote/votes.js';
export { resolveVoteConfig, VOTE_DEFAULTS, VOTE_MAX_OPTIONS, type ResolvedVoteConfig } from './vote/config.js';
export { countVotes, instantRunoff, liveTally, voterWeight, blend, resolveBallots, normaliseBallot, leaderShare, backedWinner, DEFAULT_FRUSTRATION_BONUS, type CountInput, type Tally, type TieBreaker, type RankedRound, type ResolveInput } from './vote/methods.js';
export { openWindow, afterCast, closeAt, timeRemaining, GRACE_MS, ADAPTIVE_REMAINING_MS, type VoteWindow, type WindowProgress } from './vote/windows.js';
export { VoteServer, Vote, type VoteArgs, type VoteRecorder, type VoteReply } from './vote/vote-server.js';
export type { VoteBallot, VoteTemplates, VoteNamespace, VoteView } from './vote/types.js';
export type { VoteMethod, VoteWindowType, VoteOptionDef, VoteRequest, VoteResult } from './vote/types.js';
// Phases and timers: pure, tick-driven engines
export { createPhases, tickPhases, phaseEvent, pausePhases, resumePhases, isPaused, currentPhase, type PhasesResult } from './phase/engine.js';
export { validatePhaseDefs } from './phase/validate.js';
export type { PhaseDef, PhaseStart, PhaseFacts, PhaseEvent, PhaseStatus, PhasesState, PhaseInfo } from './phase/types.js';
export type { TimerFacts, TimerEvent, TimerEventType, TimerResult } from './timer/types.js';
export { createCountdown, tickCountdown, pauseCountdown, resumeCountdown, countdownRemaining, type CountdownDef, type CountdownState } from './timer/countdown.js';
export { createConditional, tickConditional, notifyConditional, pauseConditional, resumeConditional, type ConditionalDef, type ConditionalState, type TimerCondition } from './timer/conditional.js';
export { createCycle, tickCycle, currentCycle, pauseCycle, resumeCycle, MAX_PHASE_CHANGES_PER_TICK, type CycleDef, type CycleStep, type CycleState } from './timer/cycle.js';
export { createScheduled, tickScheduled, windowOpenAt, SCHEDULED_LOOKBACK_MS, type ScheduledDef, type ScheduledState, type DailyWindow } from './timer/scheduled.js';
export { createEntityTimers, addEntityTimer, cancelEntityTimer, tickEntityTimers, entityTimersOf, entityTimerCount, DEFAULT_ENTITY_TIMER_KEY, type EntityTimer, type EntityTimerSpec, type EntityTimersState } from './timer/entity-timers.js';
export { createTimers, createTimer, tickTimers, tickTimer, notifyTimers, pauseTimers, resumeTimers, findTimer, type TimerDef, type TimerState, type TimersState } from './timer/timers.js';
export { createReconnect, resolveReconnectPolicy, RECONNECT_DEFAULTS, disconnected, reconnected, tickReconnect, inGrace, isInGrace, shouldPause, offlineTotal, forgetPlayer, type ReconnectPolicy, type ResolvedReconnectPolicy, type ReconnectState, type ReconnectEvent, type ReconnectResult, type OfflineRecord } from './timer/reconnect.js';

// Lua modes: match behaviours whose callbacks live in Lua scripts (wasmoon, sandboxed, budgeted, hot reloaded)
export { createLuaModes, modeConfigOf, LUA_MODES_DEFAULTS, type LuaModes, type LuaModesOptions, type LuaModesEvent, type LuaReloader } from './lua/lua-modes.js';
export { LUA_CALLBACK_BUDGETS, LUA_CALLBACK_TIME_LIMITS_MS, type LuaCallback, type BridgeLog } from './lua/bridge.js';
export type { LuaHostServices, HostCallContext, HostResult, HostAnswer } from './lua/host-services.js';
export type { LuaState } from './lua/lua-behaviour.js';
export { LuaRuntime, LuaLoadError, isLuaLoadError, LUA_ERRORS } from '@hajime/lua';

// Bots: one process per bot, queue fill, game.bots services, the default AI
export { Bots, BOT_REASONS, BOT_ONLY_MATCH, type BotsDeps, type BotInfo, type BotQueue } from './bots/bots.js';
export { BOTS_DEFAULTS, resolveBotsOptions, type BotsOptions, type ResolvedBotsOptions } from './bots/bots-options.js';
export { createBotServices } from './bots/bot-services.js';
export { botDelivery } from './bots/bot-delivery.js';
export { isBotId, botId, validBotName, botNameAt, BOT_ID_PREFIX, DEFAULT_BOT_NAMES, BOT_NAME_LIMITS } from './bots/bot-id.js';
export { BotScript, readBotScript, BOT_SCRIPT_DEFAULTS, type BotScriptSource, type BotScriptOptions } from './bots/bot-script.js';
export { luaBotConfig, luaBotScripts, type LuaBotGame } from './bots/lua-bots.js';
export { defaultAi, builtinInput, inputSuppressed, DEFAULT_AI, SUPPRESSING_PHASES, type AiMemory, type AiContext } from './bots/default-ai.js';
export type { BotMatches } from './bots/bot-server.js';
