import { startGateway, type RunningGateway } from './support/gateway.js';
import { commandOk, connect, waitForEvent } from './support/socket.js';
import { request } from './support/http.js';

describe('smoke', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(() => gateway.close());

  it('delivers a REST publication to a subscribed socket', async () => {
    const socket = await connect(gateway.url, gateway.token({ sub: 'alice' }));
    const top = await commandOk<{ offset: number; epoch: string }>(socket, 'subscribe', {
      channel: 'public:news',
    });
    expect(top.offset).toBe(0);
    const arrived = waitForEvent<{ offset: number; epoch: string }>(socket, 'news.posted');
    const published = await request(gateway.url, 'POST', '/api/v1/publish', {
      token: gateway.token({ sub: 'backend', roles: ['service'] }),
      body: { channel: 'public:news', event: 'news.posted', data: { title: 'hi' } },
    });
    expect(published.status).toBe(201);
    expect(await arrived).toMatchObject({
      channel: 'public:news',
      offset: 1,
      epoch: top.epoch,
      data: { title: 'hi' },
    });
    socket.close();
  });
});
