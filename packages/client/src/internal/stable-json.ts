/**
 * JSON with object keys sorted at every level, so two structurally equal values (whatever their key
 * order) give the same string. Used by `sendFire({ dedupe: true })` to skip repeated inputs.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
