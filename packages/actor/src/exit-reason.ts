/**
 * Exit reasons, as in OTP: `normal`, `shutdown`, `{ shutdown: detail }`, `killed`, `noproc`,
 * `noconnection`, an error with its cause, or any other string a process stops with.
 */

/** The reason a process stopped. Strings other than the named ones are custom reasons (atoms in OTP). */
export type ExitReason =
  | 'normal'
  | 'shutdown'
  | 'killed'
  | 'noproc'
  | 'noconnection'
  | { readonly shutdown: unknown }
  | { readonly error: unknown }
  | (string & {});

/** The signal `exit(pid, 'kill')` sends: it cannot be trapped and turns into the reason `killed`. */
export const KILL = 'kill' as const;

/** True for `normal`, `shutdown` and `{ shutdown: detail }`: the exits a `transient` child is not restarted for. */
export function isNormalExit(reason: ExitReason): boolean {
  return (
    reason === 'normal' ||
    reason === 'shutdown' ||
    (typeof reason === 'object' && reason !== null && 'shutdown' in reason)
  );
}

/** Wraps a thrown value as an error exit reason. */
export function errorReason(cause: unknown): { readonly error: unknown } {
  return { error: cause };
}

/** A short printable form of a reason, for logs. */
export function formatReason(reason: ExitReason): string {
  if (typeof reason === 'string') return reason;
  if ('error' in reason) {
    const e = reason.error;
    if (e instanceof Error) return `error: ${(e as { code?: string }).code ?? e.name}: ${e.message}`;
    return `error: ${safeString(e)}`;
  }
  return `shutdown: ${safeString(reason.shutdown)}`;
}

function safeString(v: unknown): string {
  try {
    return typeof v === 'string' ? v : JSON.stringify(v, errorsReadable) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Prints nested Errors as `{ name, code, message }` instead of `{}`. */
function errorsReadable(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, ...(code === undefined ? {} : { code }), message: value.message };
  }
  return value;
}
