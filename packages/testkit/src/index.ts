export * from './dapr-run-dir';
export * from './daprd';
export * from './free-port';
export * from './listen';
export * from './managed-process';
export * from './postgres';
export * from './redis';
export * from './system-binaries';
