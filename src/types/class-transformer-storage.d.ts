// class-transformer ships the types of its metadata storage beside its CommonJS build's, not
// at the path Node resolves (`cjs/storage.js`); the docs read that storage (nested DTO types).
declare module 'class-transformer/cjs/storage.js' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage.js';
}
