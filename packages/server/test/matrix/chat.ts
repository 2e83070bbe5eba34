// Rows of the authorization matrix for the chat and DM routes (chatPlugin, a default plugin).
//
// Who may call what:
// - "authenticated": channel history is for the channel's members (asobi §2.11). `global:*` is open to
//   anyone signed in, which is what the row calls; `room:<group_id>` (group members) and `dm:<a>:<b>`
//   (its two players) answer 403 `forbidden` to others, checked with real groups and DMs in
//   chat.integration.test.ts.
// - "self": a DM is sent as the caller, and DM history is the caller's own conversation with the named
//   player: another player's token reads *its own* conversation with the victim, never the victim's others.
import type { Case } from './types.js';

export const CHAT_ROWS: Record<string, Case> = {
  'GET /api/v1/chat/{channel_id}/history': { access: 'authenticated', request: () => ({ method: 'GET', url: `/api/v1/chat/${encodeURIComponent('global:matrix')}/history` }) },
  'POST /api/v1/dm': { access: 'self', request: (_c, target) => ({ method: 'POST', url: '/api/v1/dm', payload: { recipient_id: target.id, content: 'matrix' } }), untouched: 'profile' },
  'GET /api/v1/dm/{player_id}/history': { access: 'self', request: (_c, target) => ({ method: 'GET', url: `/api/v1/dm/${target.id}/history` }) },
};
