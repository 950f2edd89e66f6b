/** setTimeout fires at once for delays above 2^31-1 ms (about 24.8 days). */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * The `exp` claim of a JWT, in seconds, read WITHOUT verifying the signature: the client only
 * uses it to know when to fetch a fresh token, the server is the one that verifies.
 */
export function tokenExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How long to wait before refreshing a token expiring at `exp` (seconds): `marginMs` ahead of
 * expiry, but never later than half of the remaining lifetime, so short tokens refresh too.
 */
export function refreshDelayMs(exp: number, now: number, marginMs: number): number {
  const remaining = exp * 1000 - now;
  if (remaining <= 0) return 0;
  const lead = Math.min(marginMs, remaining / 2);
  return Math.min(Math.max(0, Math.floor(remaining - lead)), MAX_TIMER_DELAY_MS);
}

/** Whether a token with this `exp` is still good for at least `marginMs`. */
export function isFresh(exp: number | undefined, now: number, marginMs: number): boolean {
  return exp === undefined || exp * 1000 - now > marginMs;
}
