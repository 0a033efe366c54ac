// The package's typings compile for TypeScript users (issue 23): tests/typecheck/usage.ts is
// type-checked with tsc (from .ci/js) against the built package, with and without the
// esnext.disposable lib (the typings declare `Symbol.dispose` themselves when it is missing).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const tsc = fileURLToPath(new URL('../../../.ci/js/node_modules/typescript/bin/tsc', import.meta.url));
const usage = fileURLToPath(new URL('typecheck/usage.ts', import.meta.url));

function check(lib, skipLibCheck) {
  const args = [tsc, '--noEmit', '--strict', '--target', 'es2020', '--module', 'nodenext',
    '--moduleResolution', 'nodenext', '--lib', lib.join(','), usage];
  if (skipLibCheck) args.push('--skipLibCheck');
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc --lib ${lib} ${skipLibCheck ? '--skipLibCheck' : ''}:\n${r.stdout}${r.stderr}`);
}

const skip = existsSync(tsc) ? false : 'typescript is not installed (npm ci in .ci/js)';

test('typings: lib es2020 only, no esnext.disposable (Symbol.dispose declared by the package)', { skip }, () => {
  // skipLibCheck: without the DOM lib, the web init() signature names fetch types
  // (Response, WebAssembly) that Node projects get from @types/node.
  check(['es2020'], true);
});

test('typings: every .d.ts checked, with and without esnext.disposable', { skip }, () => {
  check(['es2020', 'dom'], false);
  check(['es2022', 'dom', 'esnext.disposable'], false);
});
