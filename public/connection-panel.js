/**
 * What the page shows about its connection next to the composer, and the controls that only
 * work while connected. Disconnected, those controls are disabled (nothing typed is lost:
 * a disabled input keeps its text) and a banner says why and whether the page reconnects by
 * itself or waits for the Reconnect button.
 */
export class ConnectionPanel {
  /** `controls`: disabled while disconnected; `input`: gets its focus back on reconnect. */
  constructor({ root, banner, text, reconnect, controls, input }) {
    this.root = root;
    this.banner = banner;
    this.text = text;
    this.reconnect = reconnect;
    this.controls = controls;
    this.input = input;
    this.refocus = false;
  }

  online() {
    this.root.dataset.connection = 'online';
    this.banner.hidden = true;
    this.reconnect.hidden = true;
    for (const control of this.controls) control.disabled = false;
    if (this.refocus) this.input.focus();
    this.refocus = false;
  }

  /** `canReconnect`: the page will not retry by itself (the server ended the session). */
  offline(message, { canReconnect = false } = {}) {
    if (document.activeElement === this.input) this.refocus = true;
    this.root.dataset.connection = 'offline';
    this.text.textContent = message;
    this.banner.hidden = false;
    this.reconnect.hidden = !canReconnect;
    for (const control of this.controls) control.disabled = true;
  }
}
