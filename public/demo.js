// The Switchboard demo: a chat room with presence and typing, a notifications panel and a
// live connection badge, on the SDK's browser bundle (global `Switchboard`). No framework.
import { Feed } from './feed.js';
import { fetchDevToken, fetchJson, sendTestNotification } from './gateway-api.js';
import { validateSignIn } from './sign-in-form.js';

const { SwitchboardClient } = window.Switchboard;

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const forcePolling = params.get('transport') === 'polling';
const TYPING_SHOWN_MS = 3000;
const TYPING_SENT_EVERY_MS = 2000;

let session = null;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Everything that lives while signed in. */
class DemoSession {
  constructor(sub, name, room, token) {
    this.sub = sub;
    this.room = room;
    this.chatChannel = `chat:${room}`;
    this.userChannel = `user:${sub}`;
    this.token = token;
    this.typers = new Map();
    $('messages').replaceChildren();
    $('notifications').replaceChildren();
    this.messages = new Feed($('messages'), (p) => this.renderMessage(p));
    this.notifications = new Feed($('notifications'), (p) => this.renderNotification(p), true);
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
    this.watchConnection();
  }

  async start() {
    await this.client.connect();
    this.chat = await this.follow(this.chatChannel, this.messages, (item, p) => this.messageShown(item, p));
    await this.follow(this.userChannel, this.notifications);
    this.chat.on('presence.join', (event) => this.setPresent(event.data, true));
    this.chat.on('presence.leave', (event) => this.setPresent(event.data, false));
    this.chat.on('chat.typing', (event) => this.showTyping(event.data));
    await this.refreshPresence();
  }

  /**
   * REST history first, then a subscription that continues exactly where it ended; when
   * recovery cannot fill a gap (`resync`), the history is loaded again.
   */
  async follow(channel, feed, shown = () => undefined) {
    const load = async () => {
      const page = await fetchJson(`/api/v1/channels/${channel}/history?limit=100`, this.token);
      feed.reset(page);
      return page;
    };
    const page = await load();
    const subscription = this.client.subscribe(
      channel,
      (publication) => {
        shown(feed.add(publication), publication);
        this.renderBadge();
      },
      { since: { offset: page.offset, epoch: page.epoch } },
    );
    subscription.on('resync', () => void load().then(() => this.renderBadge()));
    await subscription.ready;
    this.renderBadge();
    return subscription;
  }

  watchConnection() {
    const client = this.client;
    client.on('connect', () => {
      this.renderBadge();
      if (this.chat) void this.refreshPresence();
    });
    client.on('disconnect', () => this.renderBadge());
    client.on('transport', () => this.renderBadge());
    client.on('reconnect_attempt', ({ attempt }) => this.renderBadge(`reconnecting (attempt ${attempt})`));
    client.on('session.expired', () => this.renderBadge('session expired'));
    client.on('unauthorized', ({ reason }) => this.renderBadge(`unauthorized: ${reason}`));
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

  renderMessage(publication) {
    if (publication.event !== 'chat.message') return null;
    const { from, text } = publication.data;
    const item = element('li', from.userId === this.sub ? 'message mine' : 'message');
    item.append(
      element('span', from.system ? 'author system' : 'author', from.name ?? from.userId),
      element('span', 'text', text),
      element('span', 'offset', `#${publication.offset}`),
    );
    return item;
  }

  /** A live message: scroll to it, and its author is no longer typing. */
  messageShown(item, publication) {
    if (!item) return;
    item.scrollIntoView({ block: 'nearest' });
    this.typers.delete(publication.data.from.userId);
    this.renderTyping();
  }

  renderNotification(publication) {
    if (publication.event !== 'notification') return null;
    const { title, body, createdAt } = publication.data;
    const item = element('li', 'notification');
    item.append(element('strong', '', title));
    if (body) item.append(element('span', '', body));
    item.append(element('time', '', new Date(createdAt).toLocaleTimeString()));
    return item;
  }

  async refreshPresence() {
    const users = await this.client.presence(this.chatChannel);
    $('presence').replaceChildren();
    for (const user of users) this.setPresent(user, true);
  }

  setPresent(user, present) {
    const list = $('presence');
    const existing = list.querySelector(`[data-user="${CSS.escape(user.userId)}"]`);
    if (!present) return existing?.remove();
    if (existing) return;
    const item = element('li', user.userId === this.sub ? 'me' : '', user.name ?? user.userId);
    item.dataset.user = user.userId;
    list.append(item);
  }

  showTyping(user) {
    const previous = this.typers.get(user.userId);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => {
      this.typers.delete(user.userId);
      this.renderTyping();
    }, TYPING_SHOWN_MS);
    this.typers.set(user.userId, { name: user.name ?? user.userId, timer });
    this.renderTyping();
  }

  renderTyping() {
    const names = [...this.typers.values()].map((t) => t.name);
    $('typing').textContent = names.length
      ? `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} typing…`
      : '';
  }

  async send(text) {
    await this.client.chat.send(this.room, text);
    // The next keystroke starts a new burst of typing: announce it at once.
    this.lastTypingSent = 0;
  }

  typing() {
    const now = Date.now();
    if (now - this.lastTypingSent < TYPING_SENT_EVERY_MS) return;
    this.lastTypingSent = now;
    this.client.chat.typing(this.room).catch(() => undefined);
  }

  notifyMe() {
    return sendTestNotification(this.token);
  }

  close() {
    for (const { timer } of this.typers.values()) clearTimeout(timer);
    return this.client.close();
  }
}

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('signin-error').textContent = '';
  if (!validateSignIn()) return;
  const sub = $('sub').value;
  const name = $('name').value;
  const room = $('room').value;
  $('signin-button').disabled = true;
  try {
    const token = await fetchDevToken(sub, name);
    session = new DemoSession(sub, name, room, token);
    $('room-title').textContent = `#${room}`;
    $('me').textContent = `signed in as ${name || sub}`;
    $('signin').hidden = true;
    $('app').hidden = false;
    await session.start();
    $('text').focus();
  } catch (error) {
    await session?.close();
    session = null;
    $('app').hidden = true;
    $('signin').hidden = false;
    $('signin-error').textContent = error.message;
  } finally {
    $('signin-button').disabled = false;
  }
});

// A field fixed by the user stops being flagged at once; the message goes at the next submit.
$('signin-form').addEventListener('input', ({ target }) => {
  if (target.validity.valid) target.removeAttribute('aria-invalid');
});

$('composer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('text').value.trim();
  if (!text || !session) return;
  $('chat-error').textContent = '';
  try {
    await session.send(text);
    $('text').value = '';
  } catch (error) {
    $('chat-error').textContent = `${error.code ?? 'ERROR'}: ${error.message}`;
  }
});

$('text').addEventListener('input', () => session?.typing());

$('notify-me').addEventListener('click', () => {
  session?.notifyMe().catch((error) => ($('chat-error').textContent = error.message));
});

$('signout').addEventListener('click', async () => {
  await session?.close();
  session = null;
  $('app').hidden = true;
  $('signin').hidden = false;
  $('badge').dataset.state = 'offline';
  $('badge-text').textContent = 'not connected';
  $('offsets').replaceChildren();
});

// Handy for a quick look: ?sub=alice&name=Alice&room=lobby fills the form.
for (const field of ['sub', 'name', 'room']) if (params.has(field)) $(field).value = params.get(field);
