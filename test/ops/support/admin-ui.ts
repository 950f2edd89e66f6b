import bcrypt from 'bcryptjs';
import { io } from 'socket.io-client';
import type { ClientSocket } from '../../support/socket.js';

export const ADMIN_USER = 'ops';
export const ADMIN_PASSWORD = 'correct horse battery staple';
/** Cost 4, bcrypt's least: each login compares once, and the tests log in often. */
export const ADMIN_HASH = bcrypt.hashSync(ADMIN_PASSWORD, 4);

/** The environment that turns the admin UI on with {@link ADMIN_USER} / {@link ADMIN_PASSWORD}. */
export const ADMIN_UI_ENV = { ADMIN_UI_PASSWORD_HASH: ADMIN_HASH, ADMIN_UI_USERNAME: ADMIN_USER };

/**
 * A client of the `/admin` namespace, as the admin UI opens it (basic auth in `auth`), not yet
 * connected when returned: a test registers its listeners first, since the server sends
 * `config` and `all_sockets` right after the connect.
 */
export function adminClient(url: string, auth: Record<string, string>): ClientSocket {
  return io(`${url}/admin`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
  });
}

/** Connects `socket` and resolves on `connect`, or rejects with the `connect_error`. */
export function open(socket: ClientSocket): Promise<ClientSocket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
    socket.connect();
  });
}
