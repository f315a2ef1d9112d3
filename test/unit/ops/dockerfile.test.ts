/**
 * The Dockerfile cannot be built here (no registry access), so it is read instead: the runtime
 * stage runs as a non-root user with production dependencies only, every path it copies from the
 * build context exists and is not excluded by .dockerignore, file: dependencies are copied before
 * `npm ci`, and the health check and command point at what the build produces.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** The node flags `npm start` runs the bot with; the image and the benchmarks must use the same. */
const SHIPPED_FLAGS = (() => {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts.start!;
  const m = /\bnode ((?:--\S+ )*)dist\/src\/main\.js/.exec(start);
  if (!m) throw new Error(`npm start does not run dist/src/main.js: ${start}`);
  return m[1]!.trim().split(/\s+/).filter(Boolean);
})();

describe('the node flags the bot ships with', () => {
  it('are the same for npm start, the image and the benchmarks', () => {
    expect(SHIPPED_FLAGS).toEqual(['--max-semi-space-size=4']);
    const bench = readFileSync(join(ROOT, 'bench', 'lib', 'bot.ts'), 'utf8');
    expect(/BOT_NODE_FLAGS = (\[[^\]]*\])/.exec(bench)?.[1]?.replace(/'/g, '"')).toBe(JSON.stringify(SHIPPED_FLAGS));
  });
});

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  name?: string;
  from: string;
  steps: Instruction[];
}

/** Instructions in order: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return logical
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l) => {
      const [keyword, ...rest] = l.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const i of instructions) {
    if (i.keyword === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(i.args)!;
      stages.push({ from: m[1]!, name: m[2], steps: [] });
    } else stages.at(-1)?.steps.push(i);
  }
  return stages;
}

/** A COPY's flags, sources and destination (shell form). */
function copyOf(args: string): { from?: string; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
}

/** True when a .dockerignore pattern (the simple forms we use) excludes `path`. */
function ignored(path: string, patterns: string[]): boolean {
  const clean = path.replace(/^\.\//, '').replace(/\/$/, '');
  return patterns.some((p) => {
    if (p.startsWith('**/'))
      return new RegExp(`${p.slice(3).replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`).test(clean);
    const re = new RegExp(`^${p.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}(/|$)`);
    return re.test(clean);
  });
}

const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const stages = stagesOf(dockerfile);
const runtime = stages.at(-1)!;
const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

describe('Dockerfile', () => {
  it('is multi-stage: a build stage and a runtime stage on a Node 20 (or later) image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const args = Object.fromEntries(
      dockerfile.filter((i) => i.keyword === 'ARG').map((i) => i.args.split('=') as [string, string]),
    );
    for (const s of stages) {
      const image = s.from.replace(/^\$\{(\w+)\}$/, (_, k: string) => args[k] ?? '');
      expect(image).toMatch(/^node:(2\d|[3-9]\d)(-|$)/);
    }
  });

  it('runs the runtime stage as a non-root user', () => {
    const users = runtime.steps.filter((i) => i.keyword === 'USER').map((i) => i.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users.at(-1));
    // Nothing runs after the user switch that would need root (and nothing switches back).
    const lastUser = runtime.steps.findIndex((i) => i.keyword === 'USER');
    expect(runtime.steps.slice(lastUser).filter((i) => i.keyword === 'RUN')).toEqual([]);
  });

  it('installs production dependencies only in the runtime stage, and never copies a node_modules across', () => {
    const installs = runtime.steps.filter(
      (i) => i.keyword === 'RUN' && /\bnpm\s+(ci|install|i)\b/.test(i.args),
    );
    expect(installs.length).toBe(1);
    expect(installs[0]!.args).toMatch(/\bnpm ci\b/);
    expect(installs[0]!.args).toMatch(/--omit=dev\b/);
    // A dev dependency that is also an optional peer of a runtime one is `devOptional` in the
    // lockfile, and npm installs it despite --omit=dev: then optional packages must be left out too.
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { devOptional?: boolean }>;
    };
    if (Object.values(lock.packages).some((p) => p.devOptional))
      expect(installs[0]!.args).toMatch(/--omit=optional\b/);
    const copies = runtime.steps.filter((i) => i.keyword === 'COPY').map((i) => copyOf(i.args));
    for (const c of copies) for (const s of c.sources) expect(s).not.toMatch(/node_modules/);
  });

  it('copies only paths that exist in the repository and are not excluded by .dockerignore', () => {
    const sources = stages.flatMap((s) =>
      s.steps
        .filter((i) => i.keyword === 'COPY')
        .map((i) => copyOf(i.args))
        .filter((c) => c.from === undefined)
        .flatMap((c) => c.sources),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
      expect([source, ignored(source, dockerignore)]).toEqual([source, false]);
    }
  });

  it('copies every file: dependency before each npm ci (the msgpackr-extract stub in vendor/)', () => {
    const local = Object.values(pkg.dependencies)
      .filter((v) => v.startsWith('file:'))
      .map((v) => v.slice('file:'.length).replace(/^\.\//, ''));
    expect(local.length).toBeGreaterThan(0);
    for (const stage of stages) {
      const ci = stage.steps.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
      if (ci < 0) continue;
      const copied = stage.steps
        .slice(0, ci)
        .filter((i) => i.keyword === 'COPY')
        .flatMap((i) => copyOf(i.args).sources.map((s) => s.replace(/^\.\//, '').replace(/\/$/, '')));
      for (const dep of local) expect(copied.some((c) => dep === c || dep.startsWith(`${c}/`))).toBe(true);
      expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
    }
  });

  it('copies from the build stage only what it builds, and starts dist/src/main.js', () => {
    const build = stages.find((s) => s.name === 'build')!;
    expect(build.steps.some((i) => i.keyword === 'RUN' && /npm run build/.test(i.args))).toBe(true);
    const fromBuild = runtime.steps
      .filter((i) => i.keyword === 'COPY')
      .map((i) => copyOf(i.args))
      .filter((c) => c.from !== undefined);
    for (const c of fromBuild) {
      expect(c.from).toBe('build');
      for (const s of c.sources) expect(s).toMatch(/^\/app\/dist\//);
    }
    const cmd = runtime.steps.filter((i) => i.keyword === 'CMD').at(-1)!;
    expect(JSON.parse(cmd.args)).toEqual(['node', ...SHIPPED_FLAGS, 'dist/src/main.js']);
    expect(existsSync(join(ROOT, 'src', 'main.ts'))).toBe(true);
  });

  it('exposes 3000, defaults ROLE, and checks health with node against /healthz (no curl in slim images)', () => {
    expect(runtime.steps.filter((i) => i.keyword === 'EXPOSE').map((i) => i.args)).toEqual(['3000']);
    expect(runtime.steps.some((i) => i.keyword === 'ENV' && /\bROLE=all\b/.test(i.args))).toBe(true);
    const health = runtime.steps.find((i) => i.keyword === 'HEALTHCHECK')!;
    const cmd = JSON.parse(health.args.slice(health.args.indexOf('CMD') + 3).trim()) as string[];
    expect(cmd[0]).toBe('node');
    expect(cmd.join(' ')).toContain('/healthz');
  });

  it('the health check command exits 0 when /healthz answers 200 and 1 when it does not', async () => {
    const health = runtime.steps.find((i) => i.keyword === 'HEALTHCHECK')!;
    const [node, ...args] = JSON.parse(health.args.slice(health.args.indexOf('CMD') + 3).trim()) as string[];
    let status = 200;
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(status).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = String((server.address() as AddressInfo).port);
    const run = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(node === 'node' ? process.execPath : node!, args, {
          env: { PORT: port },
          stdio: 'ignore',
        });
        child.on('close', resolve);
      });
    try {
      expect(await run()).toBe(0);
      status = 503;
      expect(await run()).toBe(1);
      expect(paths).toEqual(['/healthz', '/healthz']);
    } finally {
      server.close();
    }
  });
});
