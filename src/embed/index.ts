export * from './types.js';
export * from './glove.js';
export * from './openai.js';
export * from './ollama.js';
export * from './transformers.js';
export * from './cache.js';
export * from './create.js';
export { checkVectors } from './validate.js';
