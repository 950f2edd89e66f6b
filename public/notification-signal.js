/**
 * On a phone the notifications card sits below the chat, out of sight. A notification that
 * arrives while the card is not on screen raises a button at the bottom of the screen
 * ("1 new notification") that takes the reader there; it goes away once the card is in view.
 */
export class NotificationSignal {
  constructor(button, card) {
    this.button = button;
    this.card = card;
    this.unseen = 0;
    this.inView = true;
    this.observer = new IntersectionObserver(([entry]) => {
      this.inView = entry.isIntersecting;
      if (this.inView) this.clear();
    });
    this.observer.observe(card);
    this.onClick = () => {
      this.card.scrollIntoView({ block: 'start' });
      this.clear();
    };
    button.addEventListener('click', this.onClick);
  }

  /** A live notification was added to the card. */
  arrived() {
    if (this.inView) return;
    this.unseen++;
    this.button.textContent = `${this.unseen} new notification${this.unseen === 1 ? '' : 's'} ↓`;
    this.button.hidden = false;
  }

  clear() {
    this.unseen = 0;
    this.button.hidden = true;
  }

  close() {
    this.observer.disconnect();
    this.button.removeEventListener('click', this.onClick);
    this.clear();
  }
}
