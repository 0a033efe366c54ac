// Argument checks at the JavaScript boundary of the cipherchart bindings.
//
// wasm-bindgen's glue converts arguments without looking at their types: a string where bytes
// are expected is copied as that many zero bytes, an `ArrayBuffer` as no bytes, a `Uint16Array`
// as its elements cut to their low bytes, a bare string where a `string[]` is expected as its
// characters, a time in milliseconds as a time in seconds. Every export of the package is
// therefore wrapped, in this one place, by a check of each argument against the declared type
// of the parameter (the TypeScript declarations wasm-bindgen writes, read when the package is
// assembled: `specFromDts`). A wrong argument throws `InvalidArgument` (`.code`
// `invalid_argument`) naming the function and the argument; nothing is called.
//
// What is checked, by declared type:
// - `Uint8Array` (declared `Uint8Array | number[]`): a `Uint8Array` (or a subclass such as Node's
//   `Buffer`, judged by its internal slot, not by `instanceof`: a Proxy is not one), or an array
//   of integers from 0 to 255 (converted exactly); not an `ArrayBuffer`, another typed array, a
//   `DataView`, an array holding anything else, or a string. Every byte argument is copied
//   before the checks (through the intrinsic accessors, or by index for an array) and the copy
//   is what is passed on: a lying `length` or a getter cannot change what the call reads;
// - `string`: a string; `boolean`: a boolean;
// - `string[]`, `Uint8Array[]`, `T[]`: an array (a bare string is not one) of such elements;
// - `A | B` where both are checkable (`SealedRecord | Uint8Array`): either;
// - `number`: a non-negative safe integer (every number of the API is a count, an index, a size
//   or a time). Parameters named `time`, `now`, `notBefore` or `expiry` are Unix times in
//   **seconds** and must also be at most `MAX_TIME_SECONDS` (9999-12-31T23:59:59Z): a time in
//   milliseconds (`Date.now()`) is refused rather than read as a date some 50 000 years ahead;
// - a class of the package: an object this build's bindings made (a registry records each one
//   with its class and pointer; an object of the verify-only build passed to the full build, or
//   the reverse, is refused and said so), of that class, not freed, not consumed by an earlier
//   call, and unaltered (its own prototype, no own property besides its pointer, the pointer it
//   was made with): a forged, copied, JSON-revived or proxied object is refused;
// - `T | null` / optional parameters: also `null` or `undefined`.
// The object a method, a getter or `free()` is called on must pass the same class check.
// Array and byte arguments are read once, before any check, and the checked copy is what is
// passed on.

import { InvalidArgument } from './errors.js';

/** The largest accepted time in seconds: 9999-12-31T23:59:59Z. */
export const MAX_TIME_SECONDS = 253_402_300_799;

/** Parameters that are Unix times in seconds. */
export const TIME_PARAMETERS = Object.freeze(['time', 'now', 'notBefore', 'expiry']);

const CHECKED = Symbol.for('cipherchart.checked');
/**
 * Every object the bindings made (by `Class.__wrap`, which wasm-bindgen's glue calls for each
 * object it hands out, or by a checked constructor), with its class and its pointer at birth.
 * An argument or receiver of a class must be one of them, of that class, with that pointer (or
 * 0 once freed): an object forged from the prototype, revived from JSON, a Proxy, or a real
 * object whose pointer was overwritten is refused before any call (outside review FB-2, FB-3).
 */
const MADE = new WeakMap();
/** The published exports of each module already wrapped. */
const INSTALLED = new WeakMap();

// ---------------------------------------------------------------------------------------------
// Reading the declarations (when the package is assembled, by scripts/wasm-package.mjs).

/** Splits `a: X, b?: Y<Z, W>` at its top-level commas. */
function splitTopLevel(text) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ('<([{'.includes(c)) depth++;
    else if ('>)]}'.includes(c) && !(c === '>' && text[i - 1] === '=')) depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (text.slice(start).trim()) parts.push(text.slice(start).trim());
  return parts;
}

/** The check of a declared type: a string, `['array', check]`, `['optional', check]`, or null. */
function typeCheck(type, classes) {
  type = type.trim();
  // wasm-bindgen declares byte slices `Uint8Array | number[]`.
  if (type === 'Uint8Array | number[]') return 'Uint8Array';
  const alts = splitUnion(type);
  if (alts.length > 1) {
    const rest = alts.filter((t) => t !== 'null' && t !== 'undefined');
    if (rest.length === alts.length) {
      // `A | B`: checked when every alternative is (`SealedRecord | Uint8Array`).
      const checks = alts.map((t) => typeCheck(t, classes));
      return checks.includes(null) ? null : ['anyOf', checks];
    }
    const inner = typeCheck(rest.join(' | '), classes);
    return inner === null ? null : ['optional', inner];
  }
  if (type === 'Uint8Array' || type === 'string' || type === 'number' || type === 'boolean') return type;
  const array = /^(?:Array<(.+)>|(\w+)\[\])$/.exec(type);
  if (array) {
    const inner = typeCheck(array[1] ?? array[2], classes);
    return inner === null ? null : ['array', inner];
  }
  if (classes.has(type)) return ['class', type];
  return null;
}

function splitUnion(type) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < type.length; i++) {
    const c = type[i];
    if ('<([{'.includes(c)) depth++;
    else if ('>)]}'.includes(c)) depth--;
    else if (c === '|' && depth === 0) {
      parts.push(type.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(type.slice(start).trim());
  return parts;
}

function parseParams(text, classes) {
  return splitTopLevel(text).map((p) => {
    const m = /^(\w+)(\??):\s*([\s\S]+)$/.exec(p);
    if (!m) throw new Error(`cannot read the parameter ${JSON.stringify(p)}`);
    let check = typeCheck(m[3], classes);
    if (m[2] === '?' && check !== null && check[0] !== 'optional') check = ['optional', check];
    return TIME_PARAMETERS.includes(m[1]) && check !== null ? [m[1], check, 'time'] : [m[1], check];
  });
}

/**
 * The argument specification of a build, from the `.d.ts` wasm-bindgen wrote for it:
 * `{ functions: {name: params}, classes: {name: {constructor, static: {}, methods: {}}} }`
 * where `params` is a list of `[name, check]` (or `[name, check, 'time']`).
 * @param {string} dts
 */
export function specFromDts(dts) {
  const text = dts.split('export interface InitOutput')[0].replace(/\/\*[\s\S]*?\*\//g, '');
  const classes = new Set([...text.matchAll(/^export class (\w+)/gm)].map((m) => m[1]));
  const spec = { functions: {}, classes: {} };
  for (const m of text.matchAll(/^export function (\w+)\(([\s\S]*?)\):[^;]*;/gm)) {
    spec.functions[m[1]] = parseParams(m[2], classes);
  }
  for (const m of text.matchAll(/^export class (\w+) \{\n([\s\S]*?)\n\}/gm)) {
    const cls = { constructor: null, static: {}, methods: {} };
    for (const raw of m[2].split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('private ') || line.startsWith('readonly ') || line.startsWith('static readonly ')
        || line.startsWith('[Symbol.') || line.startsWith('get ') || line.startsWith('set ')) continue;
      const ctor = /^constructor\(([\s\S]*)\);$/.exec(line);
      if (ctor) {
        cls.constructor = parseParams(ctor[1], classes);
        continue;
      }
      const method = /^(static )?(\w+)\(([\s\S]*?)\)(?::[\s\S]*)?;$/.exec(line);
      if (!method) continue; // a property (`x: T;`) is not a call
      if (method[2] === 'free') continue;
      (method[1] ? cls.static : cls.methods)[method[2]] = parseParams(method[3], classes);
    }
    spec.classes[m[1]] = cls;
  }
  return spec;
}

// ---------------------------------------------------------------------------------------------
// Checking (at run time).

function describe(v) {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)})`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'bigint') return `the bigint ${v}`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object' || typeof v === 'function') {
    const name = v.constructor?.name;
    return name ? `a ${name}` : 'an object';
  }
  return `a ${typeof v}`;
}

/** What a check accepts, for messages: `a Uint8Array`, `a SealedRecord`, … */
function label(check) {
  if (typeof check === 'string') return check === 'Uint8Array' ? 'a Uint8Array' : `a ${check}`;
  if (check[0] === 'class') return `a ${check[1]}`;
  if (check[0] === 'array') return 'an array';
  return 'a value of the declared type';
}

// The intrinsic accessors of typed arrays, read once: a subclass or an object may override
// `length`, `byteLength` or `buffer` with getters that lie; these read the real slots, and
// give `undefined` (the tag) for anything that is not a typed array, a Proxy of one included.
const TYPED_ARRAY = Object.getPrototypeOf(Uint8Array.prototype);
const intrinsic = (name) => Object.getOwnPropertyDescriptor(TYPED_ARRAY, name).get;
const TAG = intrinsic(Symbol.toStringTag);
const BUFFER = intrinsic('buffer');
const BYTE_OFFSET = intrinsic('byteOffset');
const BYTE_LENGTH = intrinsic('byteLength');

/** Whether `v` is a real Uint8Array (by its internal slot: a subclass such as Buffer is one). */
const isUint8Array = (v) => v !== null && typeof v === 'object' && Reflect.apply(TAG, v, []) === 'Uint8Array';

const isBytes = (v) => isUint8Array(v)
  || (Array.isArray(v) && v.every((b) => Number.isInteger(b) && b >= 0 && b <= 255));

/**
 * A byte argument as the checks and the call will both see it (outside review HB-2, HB-3): a
 * real Uint8Array copied into a fresh plain one through the intrinsic accessors (so a subclass
 * whose `length` lies, or a view of a buffer the caller changes later, cannot make the glue
 * copy more or other bytes than were checked), an array copied once by index (so a getter in
 * it cannot change a byte after the check). Anything else is returned as it is, for the checks
 * to refuse (a Proxy of a Uint8Array is not one).
 */
function copyBytes(v) {
  if (Array.isArray(v)) return copyArray(v);
  if (!isUint8Array(v)) return v;
  try {
    const length = Reflect.apply(BYTE_LENGTH, v, []);
    const out = new Uint8Array(length);
    out.set(new Uint8Array(Reflect.apply(BUFFER, v, []), Reflect.apply(BYTE_OFFSET, v, []), length));
    return out;
  } catch {
    // A view of a detached (transferred) buffer: the accessors throw. It is refused by the
    // check that follows ("must be a Uint8Array, got a Uint8Array over a detached buffer"),
    // as InvalidArgument, not left to throw a bare TypeError in the glue (outside review SB-4).
    return new DetachedView();
  }
}

/** What `copyBytes` gives for a view of a detached buffer: not bytes, named in messages. */
class DetachedView {}
Object.defineProperty(DetachedView, 'name', { value: 'Uint8Array over a detached buffer' });

/** Whether a declared check has bytes in it (only those arguments are copied element-wise). */
function hasBytes(check) {
  if (check === 'Uint8Array') return true;
  if (!Array.isArray(check)) return false;
  if (check[0] === 'anyOf') return check[1].some(hasBytes);
  return hasBytes(check[1]);
}

/** `v` with every byte argument inside it copied (`copyBytes`), following the declared `check`. */
function copyFor(check, v) {
  if (check === 'Uint8Array') return copyBytes(v);
  if (!Array.isArray(check) || !hasBytes(check)) return v;
  switch (check[0]) {
    case 'optional':
      return v === null || v === undefined ? v : copyFor(check[1], v);
    case 'array':
      // (A sparse giant is left for the element checks, which refuse its first hole at once.)
      return Array.isArray(v) ? copyArray(v, (e) => copyFor(check[1], e)) : v;
    case 'anyOf':
      return check[1].includes('Uint8Array') ? copyBytes(v) : v;
    default:
      return v;
  }
}

/**
 * Whether an object of a class was changed after the library made it: an object of the bindings
 * has the class's own prototype and exactly one own property, its pointer, a plain number. An
 * own method (a `__copyForBatch` the bindings call back during a call, outside review FB-5), an
 * accessor for the pointer, or a subclass is refused before anything runs.
 */
function altered(v, cls) {
  if (Object.getPrototypeOf(v) !== cls.prototype) return true;
  const own = Reflect.ownKeys(v);
  const d = Object.getOwnPropertyDescriptor(v, '__wbg_ptr');
  return own.length !== 1 || !d || !('value' in d) || typeof d.value !== 'number';
}

/**
 * Why `v`, an instance of `cls`, is not a live object of it that the bindings made, or null.
 * @param {object} v
 */
function notLive(v, cls, name) {
  const entry = MADE.get(v);
  if (!entry || entry.cls !== cls) {
    return !v.__wbg_ptr ? `(a ${name}) was freed or consumed by an earlier call, or never made by the library`
      : `(a ${name}) was not made by the library (a forged or copied object)`;
  }
  if (!v.__wbg_ptr) return `(a ${name}) was freed or consumed by an earlier call`;
  if (altered(v, cls) || v.__wbg_ptr !== entry.ptr) {
    return `(a ${name}) is not as the library made it: it has another prototype, own properties besides its `
      + 'pointer, an accessor for it, or another pointer';
  }
  return null;
}

/** Why `v` does not fit `check`, or null if it does. */
function problem(check, v, classes, time) {
  if (check === null) return null;
  if (typeof check === 'string') {
    switch (check) {
      case 'Uint8Array':
        if (isBytes(v)) return null;
        return Array.isArray(v) ? `must be a Uint8Array (or an array of integers 0 to 255), got an array holding ${
          describe(v.find((b) => !(Number.isInteger(b) && b >= 0 && b <= 255)))}` : `must be a Uint8Array, got ${describe(v)}`;
      case 'string':
        return typeof v === 'string' ? null : `must be a string, got ${describe(v)}`;
      case 'boolean':
        return typeof v === 'boolean' ? null : `must be a boolean, got ${describe(v)}`;
      case 'number':
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
          return `must be a non-negative safe integer${time ? ' (seconds)' : ''}, got ${describe(v)}`;
        }
        if (time && v > MAX_TIME_SECONDS) {
          return `must be a Unix time in seconds, at most ${MAX_TIME_SECONDS} (9999-12-31T23:59:59Z); `
            + `${v} looks like milliseconds`;
        }
        return null;
      default:
        return null;
    }
  }
  switch (check[0]) {
    case 'optional':
      return v === null || v === undefined ? null : problem(check[1], v, classes, time);
    case 'array': {
      if (!Array.isArray(v)) return `must be an array, got ${describe(v)}`;
      for (let i = 0; i < v.length; i++) {
        const p = problem(check[1], v[i], classes, time);
        if (p) return `[${i}] ${p}`;
      }
      return null;
    }
    case 'anyOf': {
      const problems = check[1].map((c) => problem(c, v, classes, time));
      if (problems.includes(null)) return null;
      // A freed object or one of the other build: say that, not "must be A or B".
      const specific = problems.find((p) => /freed or consumed|another cipherchart build|made by the library|library made it/.test(p));
      return specific ?? `must be ${check[1].map(label).join(' or ')}, got ${describe(v)}`;
    }
    case 'class': {
      const cls = classes[check[1]];
      // `!ptr`, not `=== 0`: a shell made by `new Class()` has no pointer at all (RB-4).
      if (v instanceof cls) return notLive(v, cls, check[1]);
      if (v !== null && typeof v === 'object' && v.constructor?.name === check[1]) {
        return `is a ${check[1]} of another cipherchart build (objects of the full and the verify-only `
          + 'builds cannot be mixed: decode its bytes with this build)';
      }
      return `must be a ${check[1]}, got ${describe(v)}`;
    }
    default:
      return null;
  }
}

/**
 * A string (or a string in an array) with a lone surrogate: wasm-bindgen would turn it into
 * U+FFFD without a word, so two different strings would name one attribute (outside review
 * RB-3). Passphrases are left to the key-file wrapper, which gives its own typed error.
 */
function illFormed(check, v) {
  if (check === 'string') {
    return typeof v === 'string' && !v.isWellFormed()
      ? 'must be well-formed Unicode, got a string with a lone surrogate' : null;
  }
  if (Array.isArray(check) && check[0] === 'optional') return illFormed(check[1], v);
  if (Array.isArray(check) && check[0] === 'array' && Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = illFormed(check[1], v[i]);
      if (p) return `[${i}] ${p}`;
    }
  }
  return null;
}

/** The longest array argument copied by `snapshot` (far above any real call). */
const MAX_COPIED_ELEMENTS = 1 << 24;

/**
 * `v` (an array) copied element by element, by index, up to its `length` read **once**, each
 * element through `map`: a Proxy cannot report one length to the size guard and another to
 * the copy (outside review SB-17b), and a hole becomes `undefined`, which the element checks
 * refuse. `v` itself when it is longer than `MAX_COPIED_ELEMENTS` (a sparse giant is left for
 * the element checks, which refuse its first hole at once).
 */
function copyArray(v, map = (e) => e) {
  const n = v.length;
  if (!(Number.isSafeInteger(n) && n >= 0 && n <= MAX_COPIED_ELEMENTS)) return v;
  const out = new Array(n);
  for (let k = 0; k < n; k++) out[k] = map(v[k]);
  return out;
}

/**
 * The arguments with every array argument copied once (`slice`: each element read once, by
 * index, no iterator), so that what is checked is what the bindings read: a getter in an array
 * cannot hand the checks one value and the call another, nor free the receiver after it was
 * checked (outside review FB-4).
 */
function snapshot(params, args) {
  const out = Array.from(args);
  for (let i = 0; i < params.length && i < out.length; i++) {
    const check = params[i][1];
    const isArray = Array.isArray(check) && (check[0] === 'array'
      || (check[0] === 'optional' && Array.isArray(check[1]) && check[1][0] === 'array'));
    // (Not a sparse giant: `length` 2^32 − 1 with holes would take minutes to copy; the
    // element checks refuse its first hole at once.)
    if (isArray && Array.isArray(out[i])) out[i] = copyArray(out[i]);
    // Byte arguments, alone or in the copied arrays, are copied too (HB-2, HB-3).
    out[i] = copyFor(check, out[i]);
  }
  return out;
}

function checkArgs(where, params, args, classes) {
  for (let i = 0; i < params.length; i++) {
    const [name, check, time] = params[i];
    const p = problem(check, args[i], classes, time === 'time')
      ?? (name === 'passphrase' ? null : illFormed(check, args[i]));
    if (p) throw new InvalidArgument(`invalid argument: ${where}: ${name} ${p}`);
  }
}

function checkThis(where, self, cls) {
  const p = self !== null && typeof self === 'object' ? notLive(self, cls, cls.name)
    : `(${describe(self)}) is not a ${cls.name}`;
  if (p) throw new InvalidArgument(`invalid argument: ${where}: this ${p}`);
}

/** Records an object the bindings just made. */
function made(obj, cls) {
  if (obj !== null && typeof obj === 'object' && Object.getPrototypeOf(obj) === cls.prototype) {
    MADE.set(obj, { cls, ptr: obj.__wbg_ptr });
  }
  return obj;
}

function wrapFunction(where, fn, params, classes) {
  const wrapped = {
    [fn.name](...given) {
      const args = snapshot(params, given);
      checkArgs(where, params, args, classes);
      return fn.apply(this, args);
    },
  }[fn.name];
  wrapped[CHECKED] = true;
  return wrapped;
}

/**
 * Wraps every export of `bindings` (a wasm-bindgen module) that `spec` describes: functions
 * are replaced by checking wrappers, methods and static methods of classes are replaced in
 * place (so objects the bindings return and `instanceof` are unchanged), and a class whose
 * constructor takes arguments is returned behind a `Proxy` that checks them. Returns the
 * exports to publish. Idempotent per module.
 * @param {Record<string, any>} bindings
 * @param {ReturnType<typeof specFromDts>} spec
 */
export function install(bindings, spec) {
  if (INSTALLED.has(bindings)) return INSTALLED.get(bindings);
  const classes = {};
  for (const name of Object.keys(spec.classes)) if (typeof bindings[name] === 'function') classes[name] = bindings[name];
  const out = {};
  for (const [name, params] of Object.entries(spec.functions)) {
    if (typeof bindings[name] === 'function') out[name] = wrapFunction(name, bindings[name], params, classes);
  }
  for (const [name, cls] of Object.entries(classes)) {
    const s = spec.classes[name];
    // The internal copy methods the bindings call back during a call (`__copyForBatch`, …)
    // are fixed on the prototype: a caller's replacement could run code inside a call (free
    // a borrowed object, which wasm-bindgen then half-frees without wiping it; outside
    // review SB-20b). An own property of that name on an object is refused by `altered`.
    for (const key of Reflect.ownKeys(cls.prototype)) {
      if (typeof key !== 'string' || !key.startsWith('__copyFor')) continue;
      const d = Object.getOwnPropertyDescriptor(cls.prototype, key);
      if (d.configurable) {
        Object.defineProperty(cls.prototype, key, { value: d.value, writable: false, configurable: false, enumerable: d.enumerable });
      }
    }
    // Every object the glue hands out goes through `Class.__wrap`: record it.
    const wrap = cls.__wrap;
    if (typeof wrap === 'function' && !wrap[CHECKED]) {
      const recorded = function __wrap(ptr) { return made(wrap.call(this, ptr), cls); };
      recorded[CHECKED] = true;
      Object.defineProperty(cls, '__wrap', { value: recorded, writable: true, configurable: true });
    }
    // `free()` of a freed, consumed or forged object: InvalidArgument, not wasm-bindgen's plain
    // Error (outside review RB-4).
    const free = cls.prototype.free;
    if (typeof free === 'function' && !free[CHECKED]) {
      const where = `${name}.free`;
      const checkedFree = { free() { checkThis(where, this, cls); return free.call(this); } }.free;
      checkedFree[CHECKED] = true;
      Object.defineProperty(cls.prototype, 'free', { value: checkedFree, writable: true, configurable: true });
    }
    // Getters read the receiver's memory: the receiver must be a live object of this class.
    for (const [prop, d] of Object.entries(Object.getOwnPropertyDescriptors(cls.prototype))) {
      if (typeof d.get !== 'function' || d.get[CHECKED]) continue;
      const where = `${name}.${prop}`;
      const get = d.get;
      const checked = { get [prop]() { checkThis(where, this, cls); return get.call(this); } };
      const g = Object.getOwnPropertyDescriptor(checked, prop).get;
      g[CHECKED] = true;
      Object.defineProperty(cls.prototype, prop, { ...d, get: g });
    }
    for (const [m, params] of Object.entries(s.static)) {
      const fn = cls[m];
      if (typeof fn !== 'function' || fn[CHECKED]) continue;
      Object.defineProperty(cls, m, { value: wrapFunction(`${name}.${m}`, fn, params, classes), writable: true, configurable: true });
    }
    for (const [m, params] of Object.entries(s.methods)) {
      const fn = cls.prototype[m];
      if (typeof fn !== 'function' || fn[CHECKED]) continue;
      const where = `${name}.${m}`;
      const wrapped = {
        [m](...given) {
          // The arrays first: reading them may run the caller's getters, which must not
          // change the receiver after its check.
          const args = snapshot(params, given);
          checkThis(where, this, cls);
          checkArgs(where, params, args, classes);
          return fn.apply(this, args);
        },
      }[m];
      wrapped[CHECKED] = true;
      Object.defineProperty(cls.prototype, m, { value: wrapped, writable: true, configurable: true });
    }
    const ctor = s.constructor;
    // Every constructor is checked and records what it makes (a class without one in the
    // typings makes nothing usable: its objects have no pointer).
    out[name] = ctor
      ? new Proxy(cls, {
        construct(target, given, newTarget) {
          const args = snapshot(ctor, given);
          checkArgs(`new ${name}`, ctor, args, classes);
          return made(Reflect.construct(target, args, newTarget), cls);
        },
      })
      : cls;
  }
  INSTALLED.set(bindings, out);
  return out;
}
