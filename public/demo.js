// The Switchboard demo: a chat room with presence and typing, a notifications panel and a
// live connection badge, on the SDK's browser bundle (global `Switchboard`). No framework.
// This file wires the page (sign-in, composer, buttons); demo-session.js does the rest.
import { DemoSession } from './demo-session.js';
import { fetchDevToken } from './gateway-api.js';
import { validateSignIn } from './sign-in-form.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const forcePolling = params.get('transport') === 'polling';

let session = null;

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
    session = new DemoSession(sub, name, room, token, { forcePolling });
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
  if (!text || !session?.connected) return;
  $('chat-error').textContent = '';
  try {
    await session.send(text);
    $('text').value = '';
  } catch (error) {
    $('chat-error').textContent = `${error.code ?? 'ERROR'}: ${error.message}`;
  }
});

$('text').addEventListener('input', () => session?.announceTyping());

$('reconnect').addEventListener('click', () => session?.reconnect());

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
