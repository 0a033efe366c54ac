// What the typings tests look for. Shared by exports, package and pack tests.

// The public typings: the word `any` anywhere except as a method name (`Selection.any()`).
export const ANY_PUBLIC = /\bany\b(?!\s*\()/;

// Every packed .d.ts, the raw ABI included: `any` as a type (an annotation, a generic or tuple
// argument, an array, a union member). The raw ABI's arrow results (`=> any`, a JS value
// returned as an externref) are not public API and stay allowed.
export const ANY_TYPE = /:\s*any\b|[<,[]\s*any\b|\bany\[\]|\|\s*any\b|\bany\s*\|/;
