/** The authenticated caller of a socket or REST request, derived from a verified token. */
export interface Principal {
  readonly sub: string;
  readonly name?: string;
  readonly roles: readonly string[];
  /** Exact channel names, or prefixes ending in `*`. */
  readonly channels: readonly string[];
  /** Expiry in seconds since the epoch, when the token has one. */
  readonly exp?: number;
  /** Issue time in seconds since the epoch, when the token has one (checked against revocations). */
  readonly iat?: number;
}

export const Role = { Service: 'service', Admin: 'admin' } as const;

export function hasRole(principal: Principal, role: string): boolean {
  return principal.roles.includes(role);
}

/** `channels` grants: an exact name, or a prefix ending in `*` (`chat:*`, `chat:team-*`). */
export function isChannelGranted(principal: Principal, channel: string): boolean {
  return principal.channels.some((grant) =>
    grant.endsWith('*') ? channel.startsWith(grant.slice(0, -1)) : grant === channel,
  );
}
