// The development-only admin panel: the room's occupancy on every instance (connections and
// users, from the control API's counts) and a "Disconnect" button for each user present.
// It uses the dev endpoints, which exist only when NODE_ENV is development or test; anywhere
// else it stays hidden.
import { fetchJson } from './gateway-api.js';
import { element } from './list-items.js';

export class AdminPanel {
  /** `token()`: the session's current token; `users()`: the users present, from the server. */
  constructor(root, room, { token, users }) {
    this.root = root;
    this.room = room;
    this.token = token;
    this.users = users;
    this.latest = 0;
    this.occupancy = root.querySelector('.admin-occupancy');
    this.list = root.querySelector('.admin-users');
    this.status = root.querySelector('.admin-status');
    this.error = root.querySelector('.error');
  }

  /**
   * This page lost its connection: what the panel showed (counts, the users to disconnect)
   * describes a room it no longer hears, so it is forgotten until the next refresh, which
   * follows the reconnect.
   */
  offline() {
    this.latest++;
    delete this.occupancy.dataset.subscribers;
    delete this.occupancy.dataset.users;
    this.occupancy.textContent = `#${this.room}: offline, shown again once reconnected`;
    this.list.replaceChildren();
    this.status.textContent = '';
    this.error.textContent = '';
  }

  /** Reads the occupancy and who is present again (after a join, a leave, a reconnect). */
  async refresh() {
    // Only the latest refresh may draw: an older answer (one that raced a later join or leave,
    // or came after this page went offline) describes connections that may be gone.
    const refresh = ++this.latest;
    let counts;
    try {
      counts = await fetchJson(`/api/v1/dev/rooms/${encodeURIComponent(this.room)}/occupancy`, this.token());
    } catch (error) {
      if (refresh === this.latest) this.error.textContent = `Occupancy unavailable: ${error.message}`;
      return;
    }
    if (refresh !== this.latest) return;
    this.root.hidden = false;
    this.error.textContent = '';
    const { subscribers, users } = counts;
    this.occupancy.dataset.subscribers = String(subscribers);
    this.occupancy.dataset.users = String(users);
    this.occupancy.textContent = `#${this.room}: ${plural(subscribers, 'connection')} · ${plural(users, 'user')}`;
    const present = await this.users().catch(() => null);
    if (present && refresh === this.latest) {
      this.list.replaceChildren(...present.map((user) => this.row(user)));
    }
  }

  /** A name that may wrap anywhere (a 128-character id), then a button that never does. */
  row(user) {
    const item = element('li', '', '');
    item.dataset.user = user.userId;
    const button = element('button', 'link admin-disconnect', 'Disconnect');
    button.type = 'button';
    button.title = `End every connection of ${user.userId} (session.terminated, no automatic reconnect)`;
    button.addEventListener('click', () => this.disconnect(user.userId, button));
    item.append(element('span', 'admin-user', user.name ?? user.userId), button);
    return item;
  }

  async disconnect(userId, button) {
    button.disabled = true;
    try {
      const response = await fetch(`/api/v1/dev/users/${encodeURIComponent(userId)}/disconnect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token()}` },
        body: JSON.stringify({ reconnect: false }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const { disconnected } = await response.json();
      this.status.textContent = `${userId}: ${plural(disconnected, 'connection')} ended.`;
    } catch (error) {
      this.status.textContent = '';
      this.error.textContent = `Disconnect refused: ${error.message}`;
    } finally {
      button.disabled = false;
    }
  }
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
