// Shared pieces of the authorization-matrix tests: a fresh registered player, and the routes the
// OpenAPI document lists, as `METHOD /path` keys like the matrix rows use.
import type { FastifyInstance } from 'fastify';
import { uniqueName } from '../helpers.js';
import type { Actor } from './types.js';

/** Registers a new password player (password `password123`) and returns its id, token and username. */
export async function registerActor(app: FastifyInstance): Promise<Actor> {
  const username = uniqueName('m');
  const r = (await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username, password: 'password123' } })).json();
  return { id: r.player_id, token: r.access_token, username };
}

/** Every documented route whose path passes `keep`, as `METHOD /path`. */
export async function documentedRoutes(app: FastifyInstance, keep: (path: string) => boolean): Promise<string[]> {
  const doc = (await app.inject('/docs/json')).json() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths)
    .filter(([path]) => keep(path))
    .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
}
