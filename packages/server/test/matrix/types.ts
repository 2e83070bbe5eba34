// The shape of one authorization-matrix row: who may call a route, and how to call it.
import type { Storage } from '@hajime/storage';

export type Access = 'public' | 'authenticated' | 'owner' | 'self';

export interface Actor {
  readonly id: string;
  readonly token: string;
  readonly username: string;
}

export interface Case {
  readonly access: Access;
  /** Builds the request for `caller` acting on `target`'s resource (owner routes) or on itself. */
  readonly request: (caller: Actor, target: Actor) => { method: string; url: string; payload?: Record<string, unknown> };
  /** After a call by another player: the target's data must be untouched (checked by this). */
  readonly untouched?: 'profile' | 'exists';
  /** Runs before the row's requests with the fresh victim (to create the resource the row reads). */
  readonly setup?: (victim: Actor, storage: Storage) => Promise<void>;
  /** A "self" route that answers another player 403 `forbidden` (the resource is the target's). */
  readonly refusesOthers?: boolean;
}

