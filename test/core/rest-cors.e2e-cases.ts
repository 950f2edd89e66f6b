import { startGateway, type RunningGateway } from '../support/gateway.js';

function preflight(gateway: RunningGateway, origin: string): Promise<Response> {
  return fetch(`${gateway.url}/api/v1/channels/public:news/history`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    },
  });
}

describe('REST CORS follows the handshake origin rule', () => {
  it('allows any origin while CORS_ORIGINS is unset', async () => {
    const gateway = await startGateway();
    try {
      const response = await preflight(gateway, 'https://app.example.com');
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    } finally {
      await gateway.close();
    }
  });

  it('allows only the listed origins when CORS_ORIGINS is set', async () => {
    const gateway = await startGateway({ CORS_ORIGINS: 'https://app.example.com' });
    try {
      const allowed = await preflight(gateway, 'https://app.example.com');
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      const foreign = await preflight(gateway, 'https://evil.example.com');
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await gateway.close();
    }
  });
});
