import Database from 'better-sqlite3';
import { sqliteBindingOptions } from '../data/sqlite-binding';

/** One stored state entry as the embedded state store keeps it. */
export interface PersistedEntry {
  key: string;
  /** The value as JSON text. */
  json: string;
  version: number;
  expiresAtMs?: number;
}

/**
 * Where the embedded state stores keep their entries across restarts of `npm start`: one SQLite file beside the
 * services' databases, written through on every change. The stores still answer reads from memory (the catalog's
 * cached reads are the embedded topology's hot path); the file is read once, when an app's store is made.
 */
export class StateFile {
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(path: string) {
    this.db = new Database(path, sqliteBindingOptions());
    this.db.pragma('journal_mode = WAL');
    // Losing the last few changes at a power cut is acceptable for development state; a crash of Node is not.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS state_entries (
      app_id TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      version INTEGER NOT NULL,
      expires_at_ms INTEGER,
      PRIMARY KEY (app_id, key)
    )`);
    this.upsert = this.db.prepare(
      `INSERT INTO state_entries (app_id, key, value, version, expires_at_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (app_id, key) DO UPDATE SET value = excluded.value, version = excluded.version,
       expires_at_ms = excluded.expires_at_ms`,
    );
    this.remove = this.db.prepare('DELETE FROM state_entries WHERE app_id = ? AND key = ?');
  }

  /** The app's live entries; expired ones are dropped from the file on the way. */
  load(appId: string, nowMs: number): PersistedEntry[] {
    this.db.prepare('DELETE FROM state_entries WHERE app_id = ? AND expires_at_ms <= ?').run(appId, nowMs);
    const rows = this.db
      .prepare('SELECT key, value, version, expires_at_ms FROM state_entries WHERE app_id = ?')
      .all(appId) as Array<{ key: string; value: string; version: number; expires_at_ms: number | null }>;
    return rows.map((row) => ({
      key: row.key,
      json: row.value,
      version: row.version,
      ...(row.expires_at_ms === null ? {} : { expiresAtMs: row.expires_at_ms }),
    }));
  }

  put(appId: string, entry: PersistedEntry): void {
    this.upsert.run(appId, entry.key, entry.json, entry.version, entry.expiresAtMs ?? null);
  }

  delete(appId: string, key: string): void {
    this.remove.run(appId, key);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
