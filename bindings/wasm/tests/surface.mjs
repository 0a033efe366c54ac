// bindings/surface.txt, the one list of the public surface in Rust, Python and JavaScript:
// its rows as { kind, rust, python, js, verify } (see the file's header for the columns).
import { readFileSync } from 'node:fs';

export const SURFACE = readFileSync(new URL('../../surface.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [kind, rust, python, js, verify] = l.split(/\s+/);
    return { kind, rust, python, js, verify: verify === 'y' };
  });

/** The JavaScript names of the rows of `kind` (all kinds if omitted) in the full build. */
export const jsNames = (kind) => SURFACE.filter((r) => r.js !== '-' && (!kind || r.kind === kind)).map((r) => r.js);

/** The JavaScript names of the rows the verify-only build has. */
export const verifyNames = (kind) => SURFACE.filter((r) => r.js !== '-' && r.verify && (!kind || r.kind === kind))
  .map((r) => r.js);
