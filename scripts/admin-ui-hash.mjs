#!/usr/bin/env node
// Prints the bcrypt hash of a password for ADMIN_UI_PASSWORD_HASH. The password is read from
// standard input, never from the command line (shell history, `ps`): typed without echo on a
// terminal, or piped.
//
//   npm run --silent admin-ui:hash               # asks for the password
//   printf %s "$PASSWORD" | npm run --silent admin-ui:hash -- --cost 12
import { parseArgs } from 'node:util';
import bcrypt from 'bcryptjs';

const { values } = parseArgs({ options: { cost: { type: 'string', default: '12' } } });
const cost = Number(values.cost);
if (!Number.isInteger(cost) || cost < 4 || cost > 31) {
  process.stderr.write(`admin-ui-hash: --cost must be an integer from 4 to 31 (got "${values.cost}")\n`);
  process.exit(1);
}

/** A line typed on the terminal, not echoed. */
function askHidden(prompt) {
  return new Promise((resolve) => {
    process.stderr.write(prompt);
    const input = process.stdin;
    input.setRawMode(true);
    input.setEncoding('utf8');
    let typed = '';
    const onData = (chunk) => {
      for (const char of chunk) {
        if (char === '\u0003') process.exit(130); // Ctrl-C
        if (char === '\r' || char === '\n') {
          input.setRawMode(false);
          input.pause();
          input.off('data', onData);
          process.stderr.write('\n');
          return resolve(typed);
        }
        typed = char === '\u007f' ? typed.slice(0, -1) : typed + char;
      }
    };
    input.on('data', onData);
    input.resume();
  });
}

async function readPiped() {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  // `echo` adds a newline that is not part of the password.
  return text.replace(/\r?\n$/, '');
}

const password = process.stdin.isTTY ? await askHidden('Admin UI password: ') : await readPiped();
if (password.length < 8) {
  process.stderr.write('admin-ui-hash: use a password of at least 8 characters\n');
  process.exit(1);
}
process.stdout.write(`${bcrypt.hashSync(password, cost)}\n`);
