/**
 * The reconnect grace policy (asobi §2.5 `asobi_reconnect`). Pure; ticked by the match.
 */
export interface ReconnectPolicy {
  /** How long a dropped player's slot is kept, ms. */
  readonly grace_period: number;
  readonly during_grace?: 'idle' | 'ai_controlled' | 'invulnerable' | 'removed' | 'frozen';
  readonly on_reconnect?: 'resume' | 'respawn' | 'spectate';
  readonly on_expire?: 'remove' | 'forfeit' | 'ai_takeover' | 'kick';
  /** Pause the match while anyone is in grace. */
  readonly pause_match?: boolean;
  /** Total offline time allowed over the match, ms (default Infinity). */
  readonly max_offline_total?: number;
}
