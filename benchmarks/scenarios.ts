/** Every benchmark scenario, by the name `npm run bench -- <name>` takes. Add new scenarios here. */
import { actorScenario } from './actor/index.js';
import type { Scenario } from './lib/scenario.js';
import { luaScenario } from './lua/index.js';
import { matchRelayScenario } from './match-relay/index.js';
import { restScenario } from './rest/index.js';
import { wsHeartbeatScenario } from './ws-heartbeat/index.js';

export const SCENARIOS: readonly Scenario[] = [actorScenario, wsHeartbeatScenario, restScenario, matchRelayScenario, luaScenario];

/** The scenario called `name`, if any. */
export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
