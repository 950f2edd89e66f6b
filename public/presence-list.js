/**
 * "Here now": the users present in the room. Only a connected page knows who is there (joins
 * and leaves arrive over the socket), so while disconnected the list is shown greyed with an
 * "offline" label, as who was there when the connection was lost, until a fresh `presence`
 * answer replaces it.
 */
export class PresenceList {
  constructor(list, label, me) {
    this.list = list;
    this.label = label;
    this.me = me;
    this.offline();
  }

  /** A fresh answer from the server: the list is live again. */
  replace(users) {
    this.list.replaceChildren();
    for (const user of users) this.set(user, true);
    this.list.dataset.state = 'online';
    this.label.textContent = '';
  }

  set(user, present) {
    const existing = this.list.querySelector(`[data-user="${CSS.escape(user.userId)}"]`);
    if (!present) return existing?.remove();
    if (existing) return;
    const item = document.createElement('li');
    if (user.userId === this.me) item.className = 'me';
    item.textContent = user.name ?? user.userId;
    item.dataset.user = user.userId;
    // By name, so the order does not depend on who answered or joined first.
    const after = [...this.list.children].find(
      (other) => other.textContent.localeCompare(item.textContent) > 0,
    );
    this.list.insertBefore(item, after ?? null);
  }

  offline() {
    this.list.dataset.state = 'offline';
    this.label.textContent = this.list.children.length
      ? 'offline · last known, may be out of date'
      : 'offline';
  }

  clear() {
    this.list.replaceChildren();
    this.offline();
  }
}
