import { join } from 'node:path';
import { RuleTester } from 'eslint';
import importLayers from '../../eslint-rules/import-layers.js';

/**
 * The house's layer rule (eslint-rules/import-layers.js) on files placed where the project's
 * own lie: the rule resolves each import from the file's folder, so the names are real paths.
 */
const src = (file: string): string => join(process.cwd(), 'src', file);
const tester = new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: 'module' } });

describe('import-layers', () => {
  tester.run('import-layers', importLayers, {
    valid: [
      {
        filename: src('parcels/parcels.service.ts'),
        code: "import { ChannelPublisher } from '../core/index.js';",
      },
      { filename: src('parcels/parcels.service.ts'), code: "import { Injectable } from '@nestjs/common';" },
      { filename: src('core/stores/x.ts'), code: "import Redis from 'ioredis';" },
      { filename: src('hooks/outbox.ts'), code: "import { Server } from 'socket.io';" },
      {
        filename: src('core/delivery/x.ts'),
        code: "import { AppConfig } from '../../config/app-config.js';",
      },
    ],
    invalid: [
      {
        filename: src('parcels/parcels.service.ts'),
        code: "import { ChannelRegistry } from '../core/channels/channel-registry.js';",
        errors: [{ messageId: 'moduleApi' }],
      },
      ...['ioredis', 'socket.io', '@socket.io/redis-adapter', 'engine.io', 'ws', '@nestjs/websockets'].map(
        (name) => ({
          filename: src('parcels/parcels.service.ts'),
          code: `import x from '${name}';`,
          errors: [{ messageId: 'behindCore', data: { name } }],
        }),
      ),
      {
        filename: src('core/connections/x.ts'),
        code: "import { ChatService } from '../../chat/chat.service.js';",
        errors: [{ messageId: 'coreImport' }],
      },
      {
        filename: src('config/x.ts'),
        code: "import { CoreModule } from '../core/core.module.js';",
        errors: [{ messageId: 'belowCore' }],
      },
    ],
  });
});
