export * from './dapr-run-dir';
export * from './daprd';
export * from './free-port';
export * from './managed-process';
export * from './redis';
export * from './system-binaries';
