import { randomBytes } from 'node:crypto';

/**
 * This process among the gateway's instances: `INSTANCE_ID` plus a nonce, so a restarted
 * process with the same id (a StatefulSet pod) never adopts its predecessor's entries; those
 * are swept like any dead instance's. The liveness heartbeat and the sweep name instances by
 * it, and so does whatever else must be freed when an instance dies (the webhook lease).
 */
export function newMemberId(instanceId: string): string {
  return `${instanceId}:${randomBytes(4).toString('hex')}`;
}

/** Injection token of this process' member id (a string, see {@link newMemberId}). */
export const INSTANCE_MEMBER_ID = Symbol('InstanceMemberId');
