export * from './input-error.js';
export * from './probability.js';
export * from './cfa.js';
export * from './descriptive.js';
export * from './multiple.js';
export * from './effects.js';
export * from './agreement.js';
export * from './bootstrap.js';
