import { Logger } from '@nestjs/common';
import { FORGET_INSTANCE_SCRIPT, HEARTBEAT_SCRIPT } from './instance.scripts.js';
import type { RedisClient } from './lua-script.js';
import type { RedisKeys } from './redis-keys.js';

/** A store keeping per-instance entries in Redis (presence, connection slots). */
export interface InstanceParticipant {
  /** Removes every entry `instanceId` left behind (it is dead, or leaving). Idempotent. */
  evict(instanceId: string): Promise<void>;
  /** Writes this instance's entries again: Redis lost them (restart, flush) or swept us. */
  restore(): Promise<void>;
  /** Retries removals that failed while Redis was unreachable. */
  retry(): Promise<void>;
}

export interface InstanceLivenessOptions {
  readonly intervalMs: number;
  readonly ttlMs: number;
}

/**
 * Production timing: a dead instance is noticed at most `ttlMs + intervalMs` = 20 s after
 * its last heartbeat, well within the contract's 60 s; three beats may fail before an
 * instance counts as dead.
 */
export const DEFAULT_LIVENESS: InstanceLivenessOptions = { intervalMs: 5_000, ttlMs: 15_000 };

/**
 * Heartbeat and sweeper. No instance is trusted to clean up after itself: each one beats
 * every `intervalMs`, and on every beat also evicts the entries of instances whose deadline
 * passed. Two sweepers of one dead instance are harmless: every eviction is one atomic script
 * per key, so each entry (and each presence leave) is removed, and announced, exactly once.
 */
export class InstanceLiveness {
  private readonly logger = new Logger(InstanceLiveness.name);
  private readonly participants: InstanceParticipant[] = [];
  private readonly sweptListeners: ((memberId: string) => Promise<void>)[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private registered = false;
  private restorePending = false;
  private reachable = true;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    /** Unique per running backend, so two processes never share entries. */
    readonly memberId: string,
    private readonly options: InstanceLivenessOptions = DEFAULT_LIVENESS,
  ) {}

  register(participant: InstanceParticipant): void {
    this.participants.push(participant);
  }

  /**
   * Called with a dead instance's member id once its entries are swept (by whichever live
   * instance swept it; two sweepers of one instance may both call it).
   */
  onInstanceSwept(listener: (memberId: string) => Promise<void>): void {
    this.sweptListeners.push(listener);
  }

  /** The first beat registers this instance; later beats run on a timer until {@link stop}. */
  async start(): Promise<void> {
    await this.beat();
    this.schedule();
  }

  /** Stops beating without removing anything (what a crash looks like to the others). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Graceful shutdown: removes this instance's entries now rather than after its TTL. */
  async leave(): Promise<void> {
    this.stop();
    for (const participant of this.participants) await participant.evict(this.memberId);
    await this.redis.zrem(this.keys.instances, this.memberId);
  }

  /** One heartbeat and sweep; public so a test can drive it. */
  async beat(): Promise<void> {
    const reply = await HEARTBEAT_SCRIPT.run(
      this.redis,
      [this.keys.instances],
      [this.memberId, this.options.ttlMs],
    );
    if (!Array.isArray(reply) || !Array.isArray(reply[1])) throw new Error('unexpected heartbeat reply');
    const [added, dead] = reply as [number, unknown[]];
    if (added === 1 && this.registered) {
      this.logger.warn(
        `${this.memberId} was missing in Redis (restarted, flushed, or presumed dead): restoring`,
      );
      this.restorePending = true;
    }
    this.registered = true;
    if (this.restorePending) {
      for (const participant of this.participants) await participant.restore();
      this.restorePending = false;
    }
    for (const participant of this.participants) await participant.retry();
    // One dead instance that cannot be swept must not keep the others' entries alive.
    const failures: unknown[] = [];
    for (const id of dead.map(String)) {
      if (id === this.memberId) continue;
      await this.sweep(id).catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0)
      throw new AggregateError(failures, `${failures.length} dead instances not swept yet`);
  }

  private async sweep(id: string): Promise<void> {
    this.logger.log(`instance ${id} missed its heartbeats: removing its connections and presence`);
    for (const participant of this.participants) await participant.evict(id);
    // Forgotten only once everything is gone: a failed sweep is simply repeated next beat.
    await FORGET_INSTANCE_SCRIPT.run(this.redis, [this.keys.instances], [id]);
    for (const listener of this.sweptListeners) {
      await listener(id).catch((error: unknown) =>
        this.logger.warn(`after sweeping ${id}: ${String(error)}`),
      );
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      await this.beat();
      if (!this.reachable) this.logger.log('heartbeat succeeded again');
      this.reachable = true;
    } catch (error) {
      if (this.reachable) this.logger.warn(`heartbeat failed (retrying every beat): ${String(error)}`);
      this.reachable = false;
    } finally {
      this.schedule();
    }
  }
}
