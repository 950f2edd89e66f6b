/**
 * A random id for `chat.send`'s `clientId`. `crypto.getRandomValues` exists in every browser
 * (also outside secure contexts, unlike `randomUUID`) and in Node 20.
 */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
