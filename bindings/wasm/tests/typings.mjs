// `any` in a type position of a .d.ts (an annotation or return type, a generic argument, an array,
// a union), not the word in a name such as `Selection.any()`. Shared by the typings tests. The
// raw ABI's arrow types (`=> any` for a JS value crossing as an externref) are not public API.
export const ANY_TYPE = /:\s*any\b|<\s*any\s*[,>]|\bany\[\]|\|\s*any\b|\bany\s*\|/;
