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
    this.occupancy = root.querySelector('.admin-occupancy');
    this.list = root.querySelector('.admin-users');
    this.error = root.querySelector('.error');
  }

  /** Reads the occupancy and who is present again (after a join, a leave, a reconnect). */
  async refresh() {
    let counts;
    try {
      counts = await fetchJson(`/api/v1/dev/rooms/${encodeURIComponent(this.room)}/occupancy`, this.token());
    } catch (error) {
      this.error.textContent = `Occupancy unavailable: ${error.message}`;
      return;
    }
    this.root.hidden = false;
    this.error.textContent = '';
    const { subscribers, users } = counts;
    this.occupancy.dataset.subscribers = String(subscribers);
    this.occupancy.dataset.users = String(users);
    this.occupancy.textContent = `#${this.room}: ${plural(subscribers, 'connection')} · ${plural(users, 'user')}`;
    const present = await this.users().catch(() => null);
    if (present) this.list.replaceChildren(...present.map((user) => this.row(user)));
  }

  row(user) {
    const item = element('li', '', '');
    item.dataset.user = user.userId;
    const button = element('button', 'link', 'Disconnect');
    button.type = 'button';
    button.title = `End every connection of ${user.userId} (session.terminated, no automatic reconnect)`;
    button.addEventListener('click', () => this.disconnect(user.userId, button));
    item.append(element('span', '', user.name ?? user.userId), button);
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
      this.error.textContent = `${userId}: ${plural(disconnected, 'connection')} ended.`;
    } catch (error) {
      this.error.textContent = `Disconnect refused: ${error.message}`;
    } finally {
      button.disabled = false;
    }
  }
}

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
