// One signed-in session of the demo: the SDK client, the room, its presence and typing,
// the notifications and what the page shows about the connection.
import { AdminPanel } from './admin-panel.js';
import { ConnectionPanel } from './connection-panel.js';
import { Feed } from './feed.js';
import { fetchDevToken, fetchJson, sendTestNotification } from './gateway-api.js';
import { element, messageItem, notificationItem } from './list-items.js';
import { NotificationSignal } from './notification-signal.js';
import { PresenceList } from './presence-list.js';
import { TypingLine } from './typing-line.js';

const { SwitchboardClient } = window.Switchboard;

const $ = (id) => document.getElementById(id);
const TYPING_SENT_EVERY_MS = 2000;
/** The gateway fans out at most one `chat.typing` per user per room this often (and drops the rest). */
const TYPING_FANNED_OUT_EVERY_MS = 1000;
const clock = () => new Date().toLocaleTimeString();

/** Everything that lives while signed in. */
export class DemoSession {
  /** `forcePolling`: long-polling only (`?transport=polling`). */
  constructor(sub, name, room, token, { forcePolling = false } = {}) {
    this.sub = sub;
    this.name = name;
    this.room = room;
    this.chatChannel = `chat:${room}`;
    this.userChannel = `user:${sub}`;
    this.token = token;
    this.typing = new TypingLine($('typing'));
    $('messages').replaceChildren();
    // Shown (by CSS) while the room has nothing to show.
    $('messages').dataset.empty = `No messages in #${room} yet. Say hello!`;
    $('notifications').replaceChildren();
    this.signal = new NotificationSignal($('notification-signal'), $('notifications-card'));
    this.messages = new Feed($('messages'), (p) => messageItem(p, sub));
    this.notifications = new Feed($('notifications'), notificationItem, true);
    this.presence = new PresenceList($('presence'), $('presence-state'), sub);
    this.presence.clear();
    this.panel = new ConnectionPanel({
      root: $('app'),
      banner: $('connection'),
      text: $('connection-text'),
      reconnect: $('reconnect'),
      controls: [$('text'), $('send'), $('notify-me')],
      input: $('text'),
    });
    this.panel.offline('Connecting…');
    /** History reloads that failed (the server went away again): retried at the next connect. */
    this.pendingReloads = [];
    this.lastTypingSent = 0;
    let signInToken = token;
    this.client = new SwitchboardClient(location.origin, {
      // Called at connect and again before the token expires (auth.refresh): the sign-in
      // token first, then fresh ones from the dev endpoint.
      token: async () => {
        const next = signInToken ?? (await fetchDevToken(sub, name));
        signInToken = null;
        return (this.token = next);
      },
      ...(forcePolling && { transports: ['polling'] }),
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
    });
    this.admin = new AdminPanel($('admin'), room, {
      token: () => this.token,
      users: () => this.client.presence(this.chatChannel),
    });
    this.watchConnection();
  }

  async start() {
    await this.client.connect();
    this.chat = await this.follow(this.chatChannel, this.messages, (item, p) => this.messageShown(item, p));
    await this.follow(this.userChannel, this.notifications, (item) => item && this.signal.arrived());
    this.chat.on('presence.join', (event) => {
      this.presence.set(event.data, true);
      this.admin.refresh();
    });
    this.chat.on('presence.leave', (event) => {
      this.presence.set(event.data, false);
      this.admin.refresh();
    });
    this.chat.on('chat.typing', (event) => this.typing.show(event.data));
    await this.refreshPresence();
  }

  /**
   * REST history first, then a subscription that continues exactly where it ended; when
   * recovery cannot fill a gap (`resync`), the list says so and the history is loaded again.
   */
  async follow(channel, feed, shown = () => undefined) {
    /** Loads the history page into the feed; resolves with how many items it greyed. */
    const load = async () => {
      const page = await fetchJson(`/api/v1/channels/${channel}/history?limit=100`, this.token);
      const staled = feed.reset(page);
      this.renderBadge();
      return { page, staled };
    };
    const { page } = await load();
    const subscription = this.client.subscribe(
      channel,
      (publication) => {
        shown(feed.add(publication), publication);
        this.renderBadge();
      },
      { since: { offset: page.offset, epoch: page.epoch } },
    );
    subscription.on('resync', (event) => this.resync(event, feed.notice('resync', ''), load));
    await subscription.ready;
    this.renderBadge();
    return subscription;
  }

  /** Reloads after a resync, saying so in the `notice` it left in the list. */
  resync(event, notice, load) {
    const cause = resyncCause(event);
    notice.textContent = `${cause} Reloading its history…`;
    load().then(
      ({ staled }) => {
        const kept = staled === 1 ? '1 earlier item kept, greyed' : `${staled} earlier items kept, greyed`;
        notice.textContent = `${cause} History reloaded${staled ? `; ${kept}` : ''}.`;
      },
      (error) => {
        notice.textContent = `${cause} Reloading its history failed (${error.message}); retrying at the next reconnect.`;
        this.pendingReloads.push(() => this.resync(event, notice, load));
      },
    );
  }

  watchConnection() {
    const client = this.client;
    client.on('connect', () => this.onConnect());
    client.on('disconnect', ({ willReconnect }) => this.onDisconnect(willReconnect));
    client.on('transport', () => this.renderBadge());
    client.on('reconnect_attempt', ({ attempt }) => {
      this.renderBadge(`reconnecting (attempt ${attempt})`);
      this.panel.offline(`Connection lost — reconnecting (attempt ${attempt})…`);
    });
    // Why the server ended the session (control API), heard just before its disconnect.
    client.on('session.terminated', ({ data }) => {
      this.ending = data.reason === 'revoked' ? 'Your access was revoked.' : 'The server ended this session.';
    });
    client.on('session.expired', () => {
      this.ending = 'Your session expired.';
      this.renderBadge('session expired');
    });
    client.on('unauthorized', ({ reason }) => {
      this.renderBadge(`unauthorized: ${reason}`);
      this.panel.offline(`The server refused this session (${reason}). Sign out and sign in again.`);
    });
  }

  onConnect() {
    this.renderBadge();
    this.ending = undefined;
    this.panel.online();
    if (this.lost) this.lost.textContent += ` Reconnected at ${clock()}.`;
    this.lost = undefined;
    for (const reload of this.pendingReloads.splice(0)) reload();
    // At the first connect, start() asks once its subscriptions are in place.
    if (this.chat) this.refreshPresence();
  }

  /** Nothing live can be trusted now: presence is greyed, typing cleared, the composer disabled. */
  onDisconnect(willReconnect) {
    if (this.closing) return;
    this.renderBadge();
    this.presence.offline();
    this.admin.offline();
    this.typing.clear();
    if (willReconnect) this.panel.offline('Connection lost — reconnecting…');
    else this.panel.offline(`${this.ending ?? 'The server disconnected this page.'}`, { canReconnect: true });
    this.lost ??= this.messages.notice(
      'connection',
      `${willReconnect ? 'Connection lost' : 'Disconnected'} at ${clock()}.`,
    );
  }

  /** After `Reconnect`: the SDK resubscribes with `since`, as after any reconnect. */
  reconnect() {
    this.panel.offline('Reconnecting…');
    this.client.connect().catch((error) => {
      this.panel.offline(`Could not reconnect: ${error.message}`, { canReconnect: true });
    });
  }

  renderBadge(note) {
    const { connected, transport, reconnects } = this.client.state;
    const badge = $('badge');
    badge.dataset.state = connected ? 'online' : 'offline';
    badge.dataset.transport = transport ?? '';
    badge.dataset.reconnects = String(reconnects);
    const state = connected ? `connected · ${transport}` : (note ?? 'disconnected');
    $('badge-text').textContent = `${state} · reconnects ${reconnects}`;
    const offsets = $('offsets');
    offsets.replaceChildren();
    for (const channel of [this.chatChannel, this.userChannel]) {
      const position = this.client.subscription(channel)?.position;
      if (!position) continue;
      const item = element('li', '', `${channel} @ ${position.offset}`);
      item.dataset.channel = channel;
      item.dataset.offset = String(position.offset);
      offsets.append(item);
    }
  }

  /** A live message: scroll to it, and its author is no longer typing. */
  messageShown(item, publication) {
    if (!item) return;
    item.scrollIntoView({ block: 'nearest' });
    this.typing.stop(publication.data.from.userId);
  }

  refreshPresence() {
    return this.client.presence(this.chatChannel).then(
      (users) => {
        // An answer that lost the race with another disconnect describes nothing current.
        if (!this.client.state.connected) return;
        this.presence.replace(users);
        // This page is subscribed, so present, even if the answer predates its resubscribe.
        this.presence.set({ userId: this.sub, ...(this.name && { name: this.name }) }, true);
        this.admin.refresh();
      },
      (error) => $('presence-state').replaceChildren(`could not load (${error.message})`),
    );
  }

  async send(text) {
    await this.client.chat.send(this.room, text);
    // The next keystroke starts a new burst of typing: announce it as soon as the gateway takes it.
    this.typingBurstEnded = true;
  }

  /**
   * The reader is typing: tell the room, at most every TYPING_SENT_EVERY_MS. The first
   * keystroke after a message starts a new burst; the gateway would drop it within a second of
   * the last announcement, so it is sent when that second is over.
   */
  announceTyping() {
    const now = Date.now();
    const since = now - this.lastTypingSent;
    if (this.typingBurstEnded) {
      this.typingBurstEnded = false;
      if (since >= TYPING_FANNED_OUT_EVERY_MS) return this.sendTyping(now);
      clearTimeout(this.typingTimer);
      this.typingTimer = setTimeout(() => this.sendTyping(Date.now()), TYPING_FANNED_OUT_EVERY_MS - since);
      return;
    }
    if (since >= TYPING_SENT_EVERY_MS) this.sendTyping(now);
  }

  sendTyping(now) {
    this.lastTypingSent = now;
    this.client.chat.typing(this.room).catch(() => undefined);
  }

  notifyMe() {
    return sendTestNotification(this.token);
  }

  get connected() {
    return this.client.state.connected;
  }

  close() {
    clearTimeout(this.typingTimer);
    this.closing = true;
    this.typing.clear();
    this.signal.close();
    return this.client.close();
  }
}

/** Why a channel had to be reloaded, for the notice in its list. */
function resyncCause({ channel, previous, current }) {
  if (previous && previous.epoch !== current.epoch) {
    return `The server's history of ${channel} started over (a restart or lost data).`;
  }
  return `Some publications of ${channel} could not be recovered.`;
}
