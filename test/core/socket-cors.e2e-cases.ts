import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';

const HANDSHAKE = '/socket.io/?EIO=4&transport=polling';

/** A raw polling handshake; returns the session id engine.io assigned. */
async function handshake(gateway: RunningGateway, headers: Record<string, string> = {}) {
  const response = await request<string>(gateway.url, 'GET', HANDSHAKE, { headers });
  const body = response.body;
  const { sid } = JSON.parse(body.slice(body.indexOf('{'))) as { sid: string };
  return { response, sid };
}

function preflight(gateway: RunningGateway, origin: string) {
  return request(gateway.url, 'OPTIONS', HANDSHAKE, {
    headers: {
      origin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'x-custom',
    },
  });
}

describe('Socket.IO polling CORS', () => {
  describe('without CORS_ORIGINS (any origin)', () => {
    let gateway: RunningGateway;
    beforeAll(async () => {
      gateway = await startGateway();
    });
    afterAll(() => gateway.close());

    it('reflects the Origin, with credentials, on the handshake and on later polls', async () => {
      const origin = 'https://app.example.com';
      const { response, sid } = await handshake(gateway, { origin });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
      expect(response.headers.get('vary')).toMatch(/origin/i);

      const token = gateway.token({ sub: 'cors' });
      const post = await request(gateway.url, 'POST', `${HANDSHAKE}&sid=${sid}`, {
        headers: { origin, 'content-type': 'text/plain;charset=UTF-8' },
        body: `40${JSON.stringify({ token })}`,
      });
      expect(post.status).toBe(200);
      expect(post.headers.get('access-control-allow-origin')).toBe(origin);
      const poll = await request<string>(gateway.url, 'GET', `${HANDSHAKE}&sid=${sid}`, {
        headers: { origin },
      });
      expect(poll.body).toMatch(/^40\{"sid"/);
      expect(poll.headers.get('access-control-allow-origin')).toBe(origin);
    });

    it("makes engine.io's own refusals readable too: a 400 for an unknown session, a POST handshake", async () => {
      const origin = 'https://app.example.com';
      const unknown = await request(gateway.url, 'GET', `${HANDSHAKE}&sid=nosuchsession`, {
        headers: { origin },
      });
      expect(unknown.status).toBe(400);
      expect(unknown.headers.get('access-control-allow-origin')).toBe(origin);
      expect(unknown.headers.get('access-control-allow-credentials')).toBe('true');
      const post = await request(gateway.url, 'POST', HANDSHAKE, { headers: { origin }, body: '40' });
      expect(post.status).toBe(400);
      expect(post.headers.get('access-control-allow-origin')).toBe(origin);
    });

    it('sets no CORS header on a request without an Origin', async () => {
      const { response } = await handshake(gateway);
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it('answers a preflight with the requested headers allowed', async () => {
      const response = await preflight(gateway, 'https://app.example.com');
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(response.headers.get('access-control-allow-headers')).toBe('x-custom');
    });
  });

  describe('with CORS_ORIGINS', () => {
    let gateway: RunningGateway;
    const allowed = 'https://app.example.com';
    beforeAll(async () => {
      gateway = await startGateway({ CORS_ORIGINS: allowed });
    });
    afterAll(() => gateway.close());

    it('allows a listed origin to read the handshake', async () => {
      const { response } = await handshake(gateway, { origin: allowed });
      expect(response.headers.get('access-control-allow-origin')).toBe(allowed);
    });

    it('gives a foreign origin neither a handshake nor CORS headers on a preflight', async () => {
      const foreign = await request(gateway.url, 'GET', HANDSHAKE, {
        headers: { origin: 'https://evil.test' },
      });
      expect(foreign.status).toBe(403);
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
      const unknown = await request(gateway.url, 'GET', `${HANDSHAKE}&sid=nosuchsession`, {
        headers: { origin: 'https://evil.test' },
      });
      expect(unknown.headers.get('access-control-allow-origin')).toBeNull();
      const response = await preflight(gateway, 'https://evil.test');
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-headers')).toBeNull();
    });
  });
});
