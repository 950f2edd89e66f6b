import type { ConnectionRegistry } from './connection-registry.js';
import { addTo, hasMember, type OneOrMany, removeFrom, sizeOf } from '../../connections/one-or-many.js';

export class MemoryConnectionRegistry implements ConnectionRegistry {
  private readonly users = new Map<string, OneOrMany<string>>();

  acquire(userId: string, connectionId: string, max: number): Promise<boolean> {
    const held = this.users.get(userId);
    if (sizeOf(held) >= max && !hasMember(held, connectionId)) return Promise.resolve(false);
    addTo(this.users, userId, connectionId);
    return Promise.resolve(true);
  }

  release(userId: string, connectionId: string): Promise<void> {
    removeFrom(this.users, userId, connectionId);
    return Promise.resolve();
  }
}
