// The few REST calls the demo makes, with refusals turned into errors that say why.

/** A development token from the gateway (the endpoint exists only outside production). */
export async function fetchDevToken(sub, name) {
  const response = await fetch('/api/v1/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(name ? { sub, name } : { sub }),
  });
  if (response.status === 404) throw new Error('development sign-in is disabled (NODE_ENV=production)');
  if (!response.ok) throw await refusal(response, 'Sign-in refused');
  return (await response.json()).token;
}

export async function fetchJson(path, token) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw await refusal(response, `${path} refused`);
  return response.json();
}

/** A test notification to the signed-in user, through the dev endpoint. */
export async function sendTestNotification(token) {
  const response = await fetch('/api/v1/dev/notify-me', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    // No time in the body: the card prints the notification's createdAt.
    body: JSON.stringify({ title: 'Test notification', body: 'Sent from this page through the gateway' }),
  });
  if (!response.ok) throw await refusal(response, 'Notification refused');
}

/** An error in words: the server's own message (a NestJS error body), not a bare status. */
async function refusal(response, what) {
  const body = await response.json().catch(() => null);
  const detail = [body?.message ?? []].flat().join('; ');
  return new Error(
    detail ? `${what}: ${detail}` : `${what} (HTTP ${response.status} ${response.statusText})`,
  );
}
