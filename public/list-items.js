// The list items the demo renders from publications.

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * A `chat.message` as a line of the room; `me` marks the reader's own. A message a backend
 * posted through the REST API (`from.system`) is the system's, never the reader's own, and
 * says which service posted it on hover. Other events: null.
 */
export function messageItem(publication, me) {
  if (publication.event !== 'chat.message') return null;
  const { from, text } = publication.data;
  const item = element('li', from.userId === me && !from.system ? 'message mine' : 'message');
  const author = element('span', from.system ? 'author system' : 'author', from.name ?? from.userId);
  if (from.system) author.title = `Posted through the REST API by the service ${from.userId}`;
  item.append(author, element('span', 'text', text), element('span', 'offset', `#${publication.offset}`));
  return item;
}

/** A `notification` as a card. Other events: null. */
export function notificationItem(publication) {
  if (publication.event !== 'notification') return null;
  const { title, body, createdAt } = publication.data;
  const item = element('li', 'notification');
  item.append(element('strong', '', title));
  if (body) item.append(element('span', '', body));
  item.append(element('time', '', new Date(createdAt).toLocaleTimeString()));
  return item;
}
