import type { ConnectionRegistry } from './connection-registry.js';

export class MemoryConnectionRegistry implements ConnectionRegistry {
  private readonly users = new Map<string, Set<string>>();

  acquire(userId: string, connectionId: string, max: number): Promise<boolean> {
    let connections = this.users.get(userId);
    if (!connections) this.users.set(userId, (connections = new Set()));
    if (connections.size >= max && !connections.has(connectionId)) return Promise.resolve(false);
    connections.add(connectionId);
    return Promise.resolve(true);
  }

  release(userId: string, connectionId: string): Promise<void> {
    const connections = this.users.get(userId);
    if (connections?.delete(connectionId) && connections.size === 0) this.users.delete(userId);
    return Promise.resolve();
  }
}
