export * from './input-error.js';
export * from './probability.js';
export * from './cfa.js';
