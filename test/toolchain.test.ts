/**
 * The toolchain the project installs for itself: Node 24 from the `node` devDependency (npm
 * scripts find it first on their PATH), with `.nvmrc`, `engines` and the Lambda runtime saying
 * the same; and a lockfile that `npm ci` accepts on any platform npm supports.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { lambdaBundling } from '../lib/bundling.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const readJson = async (path: string) => JSON.parse(await readFile(`${projectRoot}/${path}`, 'utf8'));

interface LockedPackage {
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

describe('Node 24', () => {
  it('runs the tests, and .nvmrc, engines, the node devDependency and the bundles agree on it', async () => {
    const major = Number(process.versions.node.split('.')[0]);
    expect(major).toBe(24);
    const pkg = await readJson('package.json');
    expect((await readFile(`${projectRoot}/.nvmrc`, 'utf8')).trim()).toBe(String(major));
    expect(pkg.engines.node).toMatch(new RegExp(`^>=${major}\\.`));
    expect(pkg.devDependencies.node).toMatch(new RegExp(`^\\^${major}\\.`));
    expect(lambdaBundling.target).toBe(`node${major}`);
  });

  it('gets no NodeVersionSupportWarning from the AWS SDK', async () => {
    const script = [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "new DynamoDBClient({ region: 'eu-west-3' });",
      'await new Promise((resolve) => setTimeout(resolve, 50));',
    ].join('\n');
    const { stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: projectRoot,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '' },
    });
    expect(stderr).not.toMatch(/NodeVersionSupportWarning/);
  });
});

describe('the lockfile', () => {
  it('is in sync with package.json', async () => {
    const pkg = await readJson('package.json');
    const root: LockedPackage = (await readJson('package-lock.json')).packages[''];
    expect(root.dependencies).toEqual(pkg.dependencies);
    expect(root.devDependencies).toEqual(pkg.devDependencies);
  });

  it('locks every optional, platform-specific package, so `npm ci` works on any platform', async () => {
    const locked: Record<string, LockedPackage> = (await readJson('package-lock.json')).packages;
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(locked)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        // npm resolves a dependency in the nearest node_modules up the tree.
        const candidates: string[] = [];
        for (let dir = path; ; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/node_modules/')))) {
          candidates.push(`${dir ? `${dir}/` : ''}node_modules/${name}`);
          if (!dir.includes('/node_modules/')) {
            if (dir) candidates.push(`node_modules/${name}`);
            break;
          }
        }
        if (!candidates.some((candidate) => locked[candidate]))
          missing.push(`${path || '(root)'} -> ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
