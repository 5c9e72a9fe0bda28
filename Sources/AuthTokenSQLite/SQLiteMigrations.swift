import GRDB

/// The schema, as named steps. Append new steps at the end; never edit or reorder one that
/// has shipped, because installed databases have already run it.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-29-accounts") { db in
            try db.execute(sql: """
                CREATE TABLE account (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    email TEXT NOT NULL,
                    email_key TEXT NOT NULL UNIQUE,
                    display_name TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    confirmed INTEGER NOT NULL DEFAULT 0,
                    active INTEGER NOT NULL DEFAULT 1,
                    created_at INTEGER NOT NULL
                )
                """)
        }
        migrator.registerMigration("2026-11-29-tokens") { db in
            try db.execute(sql: """
                CREATE TABLE token (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    digest TEXT NOT NULL UNIQUE,
                    hint TEXT NOT NULL,
                    scopes TEXT NOT NULL,
                    display_name TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX token_account ON token(account_id);
                """)
        }
        migrator.registerMigration("2026-11-29-token-last-used") { db in
            try db.execute(sql: """
                ALTER TABLE token ADD COLUMN last_used_at INTEGER;
                ALTER TABLE token ADD COLUMN last_used_from TEXT;
                """)
        }
        migrator.registerMigration("2026-11-29-browser-sessions") { db in
            try db.execute(sql: """
                CREATE TABLE web_session (
                    digest TEXT PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    created_at INTEGER NOT NULL,
                    last_seen_at INTEGER NOT NULL
                );
                CREATE INDEX web_session_account ON web_session(account_id);
                """)
        }
        migrator.registerMigration("2026-11-29-browser-confirmations") { db in
            try db.execute(sql: """
                CREATE TABLE confirmation (
                    digest TEXT PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    expires_at INTEGER NOT NULL
                );
                CREATE INDEX confirmation_account ON confirmation(account_id);
                """)
        }
        return migrator
    }
}
