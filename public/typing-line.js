const SHOWN_MS = 3000;

/**
 * "Bob is typing…": each name stays for a few seconds after its last `chat.typing`, or until
 * that user's message arrives, or until the connection drops (no more events can end it).
 */
export class TypingLine {
  constructor(line) {
    this.line = line;
    this.typers = new Map();
  }

  show(user) {
    clearTimeout(this.typers.get(user.userId)?.timer);
    const timer = setTimeout(() => this.stop(user.userId), SHOWN_MS);
    this.typers.set(user.userId, { name: user.name ?? user.userId, timer });
    this.render();
  }

  stop(userId) {
    clearTimeout(this.typers.get(userId)?.timer);
    this.typers.delete(userId);
    this.render();
  }

  clear() {
    for (const { timer } of this.typers.values()) clearTimeout(timer);
    this.typers.clear();
    this.render();
  }

  render() {
    const names = [...this.typers.values()].map((t) => t.name);
    this.line.textContent = names.length
      ? `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} typing…`
      : '';
  }
}
