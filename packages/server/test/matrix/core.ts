// Rows of the authorization matrix for the auth and players routes.
import type { Case } from './types.js';
import { deviceSecret, uniqueName } from '../helpers.js';

export const CORE_ROWS: Record<string, Case> = {
  'POST /api/v1/auth/register': { access: 'public', request: () => ({ method: 'POST', url: '/api/v1/auth/register', payload: { username: uniqueName(), password: 'password123' } }) },
  'POST /api/v1/auth/login': { access: 'public', request: (c) => ({ method: 'POST', url: '/api/v1/auth/login', payload: { username: c.username, password: 'password123' } }) },
  'POST /api/v1/auth/refresh': { access: 'public', request: () => ({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: 'x'.repeat(43) } }) },
  'POST /api/v1/auth/logout': { access: 'public', request: () => ({ method: 'POST', url: '/api/v1/auth/logout', payload: {} }) },
  'POST /api/v1/auth/guest': { access: 'public', request: () => ({ method: 'POST', url: '/api/v1/auth/guest', payload: { device_id: uniqueName('dev'), device_secret: deviceSecret() } }) },
  'POST /api/v1/auth/oauth': { access: 'public', request: () => ({ method: 'POST', url: '/api/v1/auth/oauth', payload: { provider: 'google', token: 'x' } }) },
  'POST /api/v1/auth/guest/upgrade': { access: 'self', request: () => ({ method: 'POST', url: '/api/v1/auth/guest/upgrade', payload: { username: uniqueName(), password: 'password123' } }), untouched: 'profile' },
  'POST /api/v1/auth/link': { access: 'self', request: () => ({ method: 'POST', url: '/api/v1/auth/link', payload: { provider: 'google', token: 'x' } }), untouched: 'profile' },
  'DELETE /api/v1/auth/unlink': { access: 'self', request: () => ({ method: 'DELETE', url: '/api/v1/auth/unlink?provider=google' }), untouched: 'profile' },
  'GET /api/v1/players/{id}': { access: 'authenticated', request: (_c, target) => ({ method: 'GET', url: `/api/v1/players/${target.id}` }) },
  'PUT /api/v1/players/{id}': { access: 'owner', request: (_c, target) => ({ method: 'PUT', url: `/api/v1/players/${target.id}`, payload: { display_name: 'changed' } }), untouched: 'profile' },
  'POST /api/v1/players/me/erase': { access: 'self', request: () => ({ method: 'POST', url: '/api/v1/players/me/erase', payload: { password: 'password123' } }), untouched: 'exists' },
};

