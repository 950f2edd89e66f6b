import bcrypt from 'bcryptjs';
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import { io } from 'socket.io-client';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { sampleValue, scrapeMetrics } from '../support/metrics.js';
import { type ClientSocket, commandOk, connect } from '../support/socket.js';
import { ADMIN_USER } from '../ops/support/admin-ui.js';

/**
 * Issue 17, item 6: admin login as a CPU weapon. Every failed login ran a bcrypt compare at the
 * hash's cost on the main thread (20 CONNECT packets in one 1.2 KB burst: 8.4 s of CPU; 8
 * brute-forcing clients raised a bystander's round trip from 2 to 519 ms), and failures were
 * neither logged nor counted. Now at most 5 a minute per address and 30 in all are checked; the
 * rest are refused at once, without hashing (contract v3 §7).
 */
const PASSWORD = 'the right one';
/** bcrypt cost 8: each check costs milliseconds of the gateway's CPU (production hashes cost 12: 16 times more). */
const HASH = bcrypt.hashSync(PASSWORD, 8);

/** `connected`, or the `connect_error` message. */
type Outcome = string;

/** One login attempt on `/admin` from `localAddress` (a loopback address of its own). */
function login(url: string, password: string, localAddress = '127.0.0.1'): Promise<Outcome> {
  const options = {
    auth: { username: ADMIN_USER, password },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    // engine.io-client hands it to `ws` (Node): the client's source address, as the server sees it.
    localAddress,
  } as Partial<ManagerOptions & SocketOptions>;
  const socket = io(`${url}/admin`, options);
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.once('connect_error', (error) => {
      socket.close();
      resolve(error.message);
    });
  });
}

const count = (outcomes: Outcome[]): Record<string, number> =>
  outcomes.reduce<Record<string, number>>((counts, outcome) => {
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    return counts;
  }, {});

describe('admin UI logins: bounded password checks, every failure counted', () => {
  let gateway: RunningGateway;
  let bystander: ClientSocket;
  beforeAll(async () => {
    gateway = await startGateway({ ADMIN_UI_PASSWORD_HASH: HASH, ADMIN_UI_USERNAME: ADMIN_USER });
    bystander = await connect(gateway.url, gateway.token({ sub: 'bystander' }));
  });
  afterAll(async () => {
    bystander?.close();
    await gateway?.close();
  });

  const failures = async (reason: string): Promise<number> =>
    sampleValue(await scrapeMetrics(gateway.url), 'switchboard_admin_login_failures_total', { reason }) ??
    NaN;

  it('a burst of 40 wrong logins from one address: 5 checked, 35 refused without a hash; a bystander is answered', async () => {
    const started = performance.now();
    const burst = Promise.all(Array.from({ length: 40 }, () => login(gateway.url, 'wrong')));
    // A command round trip of another client, while the burst is being handled.
    const answered = commandOk(bystander, 'subscribe', { channel: 'public:bystander' });
    const outcomes = await burst;
    const seconds = (performance.now() - started) / 1000;
    expect(await answered).toMatchObject({ channel: 'public:bystander' });
    expect(count(outcomes)).toEqual({
      'invalid credentials': 5,
      'too many failed logins, try again in a minute': 35,
    });
    expect(await failures('wrong_password')).toBe(5);
    expect(await failures('throttled')).toBe(35);
    console.info(
      `admin logins: 40 wrong passwords at once from one address (bcrypt cost 8) answered in ` +
        `${seconds.toFixed(2)} s: 5 checked, 35 refused without a hash; a bystander's subscribe answered`,
    );
  });

  it('30 checks a minute in all: other addresses share what is left, then every login waits, the right password too', async () => {
    // Six more addresses, six attempts each: 25 of the 30 checks are left for all of them.
    const others = Array.from({ length: 6 }, (_, n) => `127.0.0.${n + 2}`);
    const outcomes = await Promise.all(
      others.flatMap((address) => Array.from({ length: 6 }, () => login(gateway.url, 'wrong', address))),
    );
    expect(count(outcomes)).toEqual({
      'invalid credentials': 25,
      'too many failed logins, try again in a minute': 11,
    });
    expect(await failures('wrong_password')).toBe(30);
    expect(await failures('throttled')).toBe(46);
    // The budget is spent: even the right password is refused for now, without a check.
    expect(await login(gateway.url, PASSWORD, '127.0.0.9')).toBe(
      'too many failed logins, try again in a minute',
    );
    expect(await failures('unknown_user')).toBe(0);
  });
});

describe('admin UI logins: a successful login gives its check back', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({ ADMIN_UI_PASSWORD_HASH: HASH, ADMIN_UI_USERNAME: ADMIN_USER });
  });
  afterAll(() => gateway?.close());

  it('logins with the right password never use the budget up', async () => {
    for (let n = 0; n < 8; n++) expect(await login(gateway.url, PASSWORD)).toBe('connected');
    expect(await login(gateway.url, 'wrong')).toBe('invalid credentials');
  });
});
