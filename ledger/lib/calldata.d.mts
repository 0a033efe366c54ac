// Types of calldata.mjs for TypeScript's node16/nodenext resolution (an .mjs file takes its
// types from the .d.mts beside it); the declarations are in calldata.d.ts.
export * from './calldata.js';
