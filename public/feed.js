/**
 * A list of one channel's publications, one item per offset, in offset order. After a resync
 * the history page replaces what belonged to an older life of the channel; publications of
 * the current life that arrived live while the page was loading are kept.
 */
export class Feed {
  constructor(list, render, newestFirst = false) {
    this.list = list;
    this.render = render;
    this.newestFirst = newestFirst;
  }

  reset(page) {
    for (const item of [...this.list.children]) if (item.dataset.epoch !== page.epoch) item.remove();
    for (const publication of page.publications) this.add(publication);
  }

  add(publication) {
    const { epoch, offset } = publication;
    const items = [...this.list.children];
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
}
