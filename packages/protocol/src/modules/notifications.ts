/**
 * The notifications module's wire types: it publishes `notification` into the recipient's
 * personal channel `user:{id}` (`POST /api/v1/notifications`).
 */
export interface Notification<T = unknown> {
  readonly id: string;
  readonly title: string;
  readonly body?: string;
  /** Whatever JSON the publishing service attached. */
  readonly data?: T;
  /** ISO-8601. */
  readonly createdAt: string;
}

declare module '../publication-events.js' {
  interface PublicationEvents {
    notification: Notification;
  }
}
