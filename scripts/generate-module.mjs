#!/usr/bin/env node
// `npm run generate:module -- <name>`: writes a complete domain module (policy, REST
// endpoint publishing with history, a command with an ack, DTOs, wire types, docs, an e2e
// test) and registers it in src/app.module.ts. It touches nothing else: the module's own
// folders, its wire-types file and app.module.ts. See docs/modules.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { namesOf } from './generate-module/names.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEMPLATES = fileURLToPath(new URL('./generate-module/templates/', import.meta.url));
const APP_MODULE = 'src/app.module.ts';
/** The line in app.module.ts that the domain modules follow, one line each. */
const DOMAIN_MARKER = '// Domain modules, one line each';

const USAGE = `usage: npm run generate:module -- <name>

  <name>   the module's namespace: ^[a-z][a-z0-9-]{0,31}$ (e.g. parcels, pizza-orders)

Writes src/<name>/, test/<name>/ and packages/protocol/src/modules/<name>.ts, and registers
the module in src/app.module.ts. Then: npm run build && npm test -- test/<name>`;

function main(args) {
  if (args.length !== 1 || args[0] === '--help' || args[0] === '-h') {
    console.log(USAGE);
    return args.length === 1 ? 0 : 2;
  }
  const names = namesOf(args[0]);
  const { name } = names;
  const files = {
    [`src/${name}/${name}.module.ts`]: 'module.ts.tmpl',
    [`src/${name}/${name}.policy.ts`]: 'policy.ts.tmpl',
    [`src/${name}/${name}.service.ts`]: 'service.ts.tmpl',
    [`src/${name}/${name}.gateway.ts`]: 'gateway.ts.tmpl',
    [`src/${name}/${name}.controller.ts`]: 'controller.ts.tmpl',
    [`src/${name}/dto/${name}.dto.ts`]: 'dto.ts.tmpl',
    [`src/${name}/README.md`]: 'README.md.tmpl',
    [`test/${name}/${name}.e2e-spec.ts`]: 'e2e-spec.ts.tmpl',
    [`packages/protocol/src/modules/${name}.ts`]: 'protocol.ts.tmpl',
  };
  for (const target of [`src/${name}`, `test/${name}`, `packages/protocol/src/modules/${name}.ts`]) {
    if (existsSync(path.join(ROOT, target))) throw new Error(`${target} exists already: nothing written`);
  }
  const appModule = registered(readFileSync(path.join(ROOT, APP_MODULE), 'utf8'), names);

  for (const [target, template] of Object.entries(files)) {
    const file = path.join(ROOT, target);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, render(readFileSync(path.join(TEMPLATES, template), 'utf8'), names));
  }
  writeFileSync(path.join(ROOT, APP_MODULE), appModule);
  // House format: names of different lengths wrap differently.
  const prettier = path.join(ROOT, 'node_modules/.bin/prettier');
  execFileSync(prettier, ['--write', '--log-level=warn', ...Object.keys(files), APP_MODULE], {
    cwd: ROOT,
    stdio: 'inherit',
  });

  console.log(`wrote the ${name} module:`);
  for (const target of Object.keys(files)) console.log(`  ${target}`);
  console.log(`  ${APP_MODULE} (registered)`);
  console.log(`next: npm run build && npm test -- test/${name}   (the guide: docs/modules.md)`);
  return 0;
}

function render(template, { name, pascal, camel, constant }) {
  return template
    .replaceAll('__CONSTANT__', constant)
    .replaceAll('__Pascal__', pascal)
    .replaceAll('__camel__', camel)
    .replaceAll('__name__', name);
}

/** app.module.ts with the module imported and listed after the other domain modules. */
function registered(source, { name, pascal }) {
  const lines = source.split('\n');
  const marker = lines.findIndex((line) => line.trim().startsWith(DOMAIN_MARKER));
  if (marker < 0)
    throw new Error(`${APP_MODULE} has no "${DOMAIN_MARKER}" line: register the module by hand`);
  const indent = lines[marker].match(/^\s*/)[0];
  let last = marker;
  while (/^\s*[A-Z]\w*Module,\s*$/.test(lines[last + 1] ?? '')) last++;
  lines.splice(last + 1, 0, `${indent}${pascal}Module,`);
  const lastImport = lines.findLastIndex((line) => line.startsWith('import '));
  lines.splice(lastImport + 1, 0, `import { ${pascal}Module } from './${name}/${name}.module.js';`);
  return lines.join('\n');
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`generate:module: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
