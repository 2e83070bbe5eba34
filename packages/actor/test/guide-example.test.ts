// Runs the complete example of guides/actors.md ("A complete example: a chat room under a supervisor")
// and asserts what the guide says it prints. Keep the two in step: change one, change the other.
import t from 'tap';
import {
  ActorSystem,
  GenServer,
  MemoryLogger,
  SimulatedClock,
  Supervisor,
  TIMEOUT,
  noreply,
  ok,
  reply,
  type GenServerBehaviour,
  type Pid,
} from '../src/index.js';

// ---- The example, as in guides/actors.md (imports there come from '@hajime/actor') -------------------

/** The room's state: its topic and the lines said so far. */
interface Room {
  readonly topic: string;
  readonly lines: readonly string[];
}

/** Messages, as discriminated unions. Only the client API below builds them. */
type RoomCall = { readonly type: 'history' };
type RoomCast = { readonly type: 'say'; readonly player: string; readonly text: string };

const QUIET_AFTER_MS = 60_000;

const ChatRoom: GenServerBehaviour<Room, { topic: string }, RoomCall, RoomCast, readonly string[]> = {
  init: ({ topic }) => ok({ topic, lines: [] }),

  handleCall: (_msg, _from, room) => reply(room.lines, room),

  handleCast: (msg, room) =>
    // Ask for TIMEOUT if nothing else arrives within a minute.
    noreply({ ...room, lines: [...room.lines, `${msg.player}: ${msg.text}`] }, { timeoutMs: QUIET_AFTER_MS }),

  handleInfo: (msg, room) => (msg === TIMEOUT ? noreply({ ...room, lines: [...room.lines, '* the room is quiet *'] }) : noreply(room)),
};

/** The client API: the only code that knows the room's messages. */
const Lobby = {
  say: (system: ActorSystem, player: string, text: string): void => GenServer.cast('lobby', { type: 'say', player, text } satisfies RoomCast, system),
  history: (system: ActorSystem): Promise<readonly string[]> => GenServer.call('lobby', { type: 'history' } satisfies RoomCall, {}, system),
};

/** The supervision tree: one supervisor, one room registered as 'lobby'. */
function startChat(system: ActorSystem): Promise<Pid> {
  return Supervisor.start(
    system,
    {
      strategy: 'one_for_one',
      intensity: 3,
      periodMs: 10_000,
      children: [GenServer.childSpec('lobby', ChatRoom, { topic: 'general' }, { name: 'lobby' })],
    },
    { name: 'chat_sup' },
  );
}

// ---- What the guide says happens -----------------------------------------------------------------------

t.test('the chat room example of guides/actors.md', async (t) => {
  const clock = new SimulatedClock();
  const logger = new MemoryLogger();
  const system = new ActorSystem({ clock, logger });
  t.teardown(() => system.stop());

  await startChat(system);

  Lobby.say(system, 'ann', 'hi');
  Lobby.say(system, 'bob', 'hello');
  t.same(await Lobby.history(system), ['ann: hi', 'bob: hello'], 'calls see the casts sent before them, in order');

  Lobby.say(system, 'ann', 'anyone?');
  await clock.advance(QUIET_AFTER_MS);
  t.same(
    await Lobby.history(system),
    ['ann: hi', 'bob: hello', 'ann: anyone?', '* the room is quiet *'],
    'a minute without messages delivers TIMEOUT to handleInfo',
  );

  const before = GenServer.whereis(system, 'lobby')!;
  system.exit(before, 'kill');
  await clock.settle();
  const after = GenServer.whereis(system, 'lobby');
  t.ok(after !== undefined && after !== before, 'the supervisor restarted the room under the same name, with a new pid');
  t.same(await Lobby.history(system), [], 'the restarted room starts from init (no snapshot)');

  t.same(
    logger.reports('child_terminated').map((r) => ({ supervisor: r['supervisor'], id: (r['child'] as { id: string }).id, reason: r['reason'] })),
    [{ supervisor: 'chat_sup', id: 'lobby', reason: 'killed' }],
    'the supervisor logged one child_terminated report',
  );
  t.same(
    (await Supervisor.whichChildren('chat_sup', system)).map((c) => ({ id: c.id, pid: c.pid })),
    [{ id: 'lobby', pid: after }],
    'whichChildren lists the new pid',
  );
});
