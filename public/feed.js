/**
 * A list of one channel's publications, one item per offset, in offset order, with notices
 * between them (connection lost, history reloaded).
 *
 * After a resync the history page is merged in: publications of the current life of the
 * channel are added where they belong; items of an older life (the server restarted with an
 * in-memory history, or lost it) stay where they were, marked stale, so the reader keeps what
 * was on screen and a notice says why it is greyed.
 */
export class Feed {
  constructor(list, render, newestFirst = false) {
    this.list = list;
    this.render = render;
    this.newestFirst = newestFirst;
  }

  /** Publication items (not notices). */
  items() {
    return [...this.list.children].filter((item) => item.dataset.offset !== undefined);
  }

  /** Merges a history page in; returns how many items it marked stale. */
  reset(page) {
    let staled = 0;
    for (const item of this.items()) {
      if (item.dataset.epoch === page.epoch || item.classList.contains('stale')) continue;
      item.classList.add('stale');
      item.title = 'From before the server lost this history; no longer on the server.';
      staled++;
    }
    for (const publication of page.publications) this.add(publication);
    return staled;
  }

  add(publication) {
    const { epoch, offset } = publication;
    const items = this.items();
    const same = (item) => item.dataset.epoch === epoch && Number(item.dataset.offset) === offset;
    if (items.some(same)) return null;
    const node = this.render(publication);
    if (!node) return null;
    node.dataset.epoch = epoch;
    node.dataset.offset = String(offset);
    const after = (item) =>
      this.newestFirst ? Number(item.dataset.offset) < offset : Number(item.dataset.offset) > offset;
    const before = items.find((item) => item.dataset.epoch === epoch && after(item));
    this.list.insertBefore(node, before ?? (this.newestFirst ? this.list.firstChild : null));
    return node;
  }

  /** A line of text between the items, where the next publication will go. */
  notice(kind, text) {
    const node = document.createElement('li');
    node.className = `notice ${kind}`;
    node.dataset.notice = kind;
    node.textContent = text;
    this.list.insertBefore(node, this.newestFirst ? this.list.firstChild : null);
    // Scrolls the list only, not the window (on a phone the list may be off screen).
    if (!this.newestFirst) this.list.scrollTop = this.list.scrollHeight;
    return node;
  }
}
