import { Logger } from '@nestjs/common';
import {
  ErrorCode,
  type ForwardedCommandRequest,
  type HookUser,
  type SubscribeDecisionRequest,
} from '@switchboard/protocol';
import type { HookCallResult, HookHttpClient } from './hook-http.client.js';
import { HookSigner } from './hook-signer.js';
import type { NamespaceSpec } from '../config/namespaces-file.js';

/** The message of every failure to get a decision (contract §8): never an allow. */
export const BACKEND_UNAVAILABLE = 'backend unavailable';

/** What a backend decided about a subscribe (or a REST read) of one of its channels. */
export type SubscribeDecision =
  | { readonly kind: 'allow' }
  | { readonly kind: 'deny'; readonly reason?: string }
  /** No usable answer (timeout, network, a status other than 200, a malformed body): `INTERNAL`. */
  | { readonly kind: 'unavailable'; readonly why: string };

/** A forwarded command's ack, in the contract's two shapes (§5). */
export type ForwardedAck =
  | { readonly ok: true; readonly data: unknown }
  | {
      readonly ok: false;
      readonly error: {
        readonly code: ErrorCode;
        readonly message: string;
        readonly details: readonly unknown[];
      };
    };

export type ProxyCallKind = 'subscribe' | 'command';
export type ProxyCallResult = 'allow' | 'deny' | 'ok' | 'error' | 'unavailable';

/** For the metrics: every call with its outcome and duration. */
export interface BackendProxyObserver {
  called?(kind: ProxyCallKind, result: ProxyCallResult, seconds: number): void;
}

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));
/** A deny reason longer than this is cut: it travels in an ack to a client. */
const MAX_REASON = 512;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The JSON object of a 200 answer, or why there is none. */
function answerObject(result: HookCallResult): Record<string, unknown> | string {
  if (result.kind === 'failed') return `${result.reason}: ${result.error}`;
  if (result.status !== 200) return `status ${result.status}`;
  try {
    const body: unknown = JSON.parse(result.body);
    return isRecord(body) ? body : 'the answer is not a JSON object';
  } catch {
    return 'the answer is not JSON';
  }
}

/**
 * Asks the backend of a backend-decided namespace (`NAMESPACES_FILE`): subscribe decisions
 * and forwarded commands, each a signed POST bounded by `PROXY_TIMEOUT_MS`. A backend that
 * does not answer as the contract says is unavailable, which is `INTERNAL` and never an allow.
 */
export class BackendProxyClient {
  private readonly logger = new Logger(BackendProxyClient.name);
  /** Namespaces whose last call failed: the first failure is a warning, the repeats debug. */
  private readonly failing = new Set<string>();

  constructor(
    private readonly http: HookHttpClient,
    private readonly timeoutMs: number,
    private readonly observer: BackendProxyObserver = {},
  ) {}

  async decideSubscribe(spec: NamespaceSpec, channel: string, user: HookUser): Promise<SubscribeDecision> {
    const request: SubscribeDecisionRequest = { channel, user: plainUser(user) };
    const started = performance.now();
    const answer = answerObject(await this.post(spec.subscribe, request));
    let decision: SubscribeDecision;
    if (typeof answer === 'string') decision = { kind: 'unavailable', why: answer };
    else if (answer.allow === true) decision = { kind: 'allow' };
    else if (answer.allow === false)
      decision = {
        kind: 'deny',
        ...(typeof answer.reason === 'string' && { reason: answer.reason.slice(0, MAX_REASON) }),
      };
    else decision = { kind: 'unavailable', why: 'the answer has no boolean "allow"' };
    this.settled(
      spec,
      'subscribe',
      decision.kind,
      started,
      decision.kind === 'unavailable' ? decision.why : '',
    );
    return decision;
  }

  /**
   * Forwards `command` (listed in `spec.commands`) and returns the backend's ack as it is; an
   * error code outside the contract's list becomes `INTERNAL`, and no usable answer is
   * `INTERNAL` {@link BACKEND_UNAVAILABLE}.
   */
  async forwardCommand(
    spec: NamespaceSpec,
    command: string,
    payload: unknown,
    user: HookUser,
  ): Promise<ForwardedAck> {
    const url = spec.commands.get(command);
    if (url === undefined) throw new Error(`${command} is not a command of namespace ${spec.namespace}`);
    const request: ForwardedCommandRequest = { command, payload, user: plainUser(user) };
    const started = performance.now();
    const answer = answerObject(await this.post(url, request));
    const ack = typeof answer === 'string' ? answer : commandAck(answer);
    if (typeof ack === 'string') {
      this.settled(spec, 'command', 'unavailable', started, ack);
      return { ok: false, error: { code: ErrorCode.Internal, message: BACKEND_UNAVAILABLE, details: [] } };
    }
    this.settled(spec, 'command', ack.ok ? 'ok' : 'error', started, '');
    return ack;
  }

  private post(url: string, request: object): Promise<HookCallResult> {
    return this.http.post({
      url,
      body: JSON.stringify(request),
      id: HookSigner.newId(),
      timeoutMs: this.timeoutMs,
    });
  }

  private settled(
    spec: NamespaceSpec,
    kind: ProxyCallKind,
    result: ProxyCallResult,
    started: number,
    why: string,
  ): void {
    this.observer.called?.(kind, result, (performance.now() - started) / 1000);
    if (result !== 'unavailable') {
      if (this.failing.delete(spec.namespace))
        this.logger.log(`backend of namespace ${spec.namespace} answers again`);
      return;
    }
    const line = `backend of namespace ${spec.namespace} unavailable (${kind}): ${why}`;
    if (this.failing.has(spec.namespace)) this.logger.debug(line);
    else this.logger.warn(line);
    this.failing.add(spec.namespace);
  }
}

/** Only the contract's fields, whatever else the principal object carries. */
function plainUser(user: HookUser): HookUser {
  return {
    userId: user.userId,
    ...(user.name !== undefined && { name: user.name }),
    roles: [...user.roles],
    channels: [...user.channels],
  };
}

/** The ack of a 200 answer, or why it is malformed. */
function commandAck(answer: Record<string, unknown>): ForwardedAck | string {
  if (answer.ok === true) return { ok: true, data: answer.data === undefined ? {} : answer.data };
  if (answer.ok !== false || !isRecord(answer.error))
    return 'the answer is neither { ok: true } nor { ok: false, error }';
  const { code, message, details } = answer.error;
  if (typeof code !== 'string' || typeof message !== 'string')
    return 'the error has no string code and message';
  return {
    ok: false,
    error: {
      code: CODES.has(code) ? (code as ErrorCode) : ErrorCode.Internal,
      message,
      details: Array.isArray(details) ? details : [],
    },
  };
}
