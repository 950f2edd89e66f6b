// The layers of src/, as a lint rule that resolves every relative import to the file it names
// (an import's text alone cannot say where it leads: `../stores/x.js` is inside the core from
// one folder and outside it from another).
//
// - The core (src/core) imports nothing from src/ but itself, auth/, config/, metrics/ and validation/: no
//   domain module, no http/ or admin/.
// - auth/, config/, metrics/ and validation/ lie below the core (shared by it and the edges).
// - Domain modules (every folder of src/ that is not the core or the gateway's own
//   infrastructure, so every module a user adds too) reach the core only through its module
//   API, src/core/index.ts, and import none of the parts the core keeps behind it: Redis
//   clients, the Socket.IO and Engine.IO servers and their adapters.
import path from 'node:path';

const INFRASTRUCTURE = new Set([
  'core',
  'auth',
  'config',
  'metrics',
  'validation',
  'http',
  'health',
  'docs',
  'dev',
  'admin',
  'hooks',
  'conformance',
]);
/** Below the core: shared by it and the edges, and importing nothing above them. */
const BELOW_CORE = new Set(['auth', 'config', 'metrics', 'validation', 'types']);
const CORE_MAY_USE = new Set(['core', ...BELOW_CORE]);

/** Packages only the core and the gateway's infrastructure may use. */
const BEHIND_THE_CORE =
  /^(ioredis|redis|socket\.io|engine\.io|ws|@socket\.io\/[^/]+|@nestjs\/websockets|@nestjs\/platform-socket\.io)(\/|$)/;

/** The top folder of src/ a file lies in ('' for a file directly in src/), or undefined outside src/. */
function areaOf(file, src) {
  const relative = path.relative(src, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  const parts = relative.split(path.sep);
  return parts.length > 1 ? parts[0] : '';
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'keeps the core free of domain code, and domain code on the module API' },
    schema: [],
    messages: {
      coreImport: 'the core must not import from src/{{area}}/ (it knows no domain, no http/, no admin/)',
      belowCore: 'src/{{from}}/ lies below the core: it must not import from src/{{area}}/',
      moduleApi: 'a domain module uses the core only through its module API: import from core/index.js',
      behindCore:
        'a domain module does not use {{name}}: the core keeps Redis and the Socket.IO server behind its module API (core/index.js)',
    },
  },
  create(context) {
    const src = path.join(context.cwd, 'src');
    const file = context.filename;
    const from = areaOf(file, src);
    if (from === undefined) return {};
    const domain = from !== '' && !INFRASTRUCTURE.has(from);
    const check = (node) => {
      const specifier = node.source?.value;
      if (typeof specifier !== 'string') return;
      if (!specifier.startsWith('.')) {
        const name = BEHIND_THE_CORE.exec(specifier)?.[1];
        if (domain && name) context.report({ node: node.source, messageId: 'behindCore', data: { name } });
        return;
      }
      const target = path.resolve(path.dirname(file), specifier);
      const to = areaOf(target, src);
      if (to === undefined || to === from) return;
      if (BELOW_CORE.has(from) && !BELOW_CORE.has(to)) {
        context.report({ node: node.source, messageId: 'belowCore', data: { from, area: to || '.' } });
      } else if (from === 'core' && !CORE_MAY_USE.has(to)) {
        context.report({ node: node.source, messageId: 'coreImport', data: { area: to || '.' } });
      } else if (domain && to === 'core') {
        if (path.relative(path.join(src, 'core'), target) !== 'index.js') {
          context.report({ node: node.source, messageId: 'moduleApi' });
        }
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
