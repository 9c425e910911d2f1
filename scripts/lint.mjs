// Architecture lint: rules from ARCHITECTURE.md that the type checker cannot see.
//  1. Pure policy folders (and core) import no node:* module and no I/O library.
//  2. Every source file opens with a one-line comment saying what it is for.
//  3. No `any` in hand-written sources (explicit `: any` / `as any`).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const PURE = ['core', 'perfmodel', 'scheduler', 'router', 'autoscale', 'placement'];
const IO_LIBS = /^(node:|fs$|path$|os$|child_process$|net$|http$|onnxruntime-node|fastify|@grpc\/|pino|prom-client)/;

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

const problems = [];
for (const top of ['src', 'test', 'bench']) {
  let files;
  try {
    files = [...walk(join(root, top))];
  } catch {
    continue;
  }
  for (const file of files) {
    const rel = relative(root, file);
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const first = (lines[0]?.startsWith('#!') ? lines[1] : lines[0]) ?? '';
    if (!first.startsWith('//')) problems.push(`${rel}:1 file must open with a one-line comment saying what it is for`);
    const parts = rel.split('/');
    const isTest = rel.endsWith('.test.ts') || rel.endsWith('.case.ts');
    if (parts[0] === 'src' && PURE.includes(parts[1] ?? '') && !isTest) {
      for (const m of text.matchAll(/^\s*import[^'"]*['"]([^'"]+)['"]/gm)) {
        if (IO_LIBS.test(m[1])) problems.push(`${rel}: pure module imports '${m[1]}' (policies do no I/O)`);
      }
    }
    text.split('\n').forEach((line, i) => {
      if (/(:\s*any\s*([;,)=\]|>{]|$)|\bas any\b|<any>)/.test(line) && !line.includes('lint-allow-any')) {
        problems.push(`${rel}:${i + 1} explicit any`);
      }
    });
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`lint: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log('lint: ok');
