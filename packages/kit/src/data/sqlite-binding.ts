/**
 * better-sqlite3's options for the compiled addon it loads. The addon is tied to one Node ABI, and node_modules
 * holds the build for the Node that ran `npm install`; to run the same checkout on another Node (the suite's pass
 * on the second LTS line, tools/node-runtime.sh), SHOP_SQLITE_BINDING names a build of the addon for that Node.
 * Every place that opens SQLite goes through this, so one variable moves them all.
 */
export function sqliteBindingOptions(env: NodeJS.ProcessEnv = process.env): { nativeBinding?: string } {
  const binding = env.SHOP_SQLITE_BINDING;
  return binding ? { nativeBinding: binding } : {};
}
