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
        migrator.registerMigration("2026-11-29-2fa-totp") { db in
            try db.execute(sql: """
                CREATE TABLE two_factor (
                    account_id INTEGER PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
                    sealed_secret BLOB NOT NULL,
                    enabled INTEGER NOT NULL DEFAULT 0,
                    last_step INTEGER
                );
                CREATE TABLE recovery_code (
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    digest TEXT NOT NULL,
                    PRIMARY KEY (account_id, digest)
                );
                CREATE TABLE pending_sign_in (
                    digest TEXT PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    expires_at INTEGER NOT NULL
                );
                CREATE INDEX pending_sign_in_account ON pending_sign_in(account_id);
                """)
        }
        migrator.registerMigration("2026-11-29-2fa-app-passwords") { db in
            try db.execute(sql: """
                CREATE TABLE app_password (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    last_used_at INTEGER
                );
                CREATE INDEX app_password_account ON app_password(account_id);
                """)
        }
        // No foreign key: a revoked app password is deleted, and its tokens stay (permanent).
        migrator.registerMigration("2026-11-29-2fa-token-app-password") { db in
            try db.execute(sql: "ALTER TABLE token ADD COLUMN app_password_id INTEGER")
        }
        // Failure counters by key ("account:<id>", "address:<addr>"): no foreign key, since
        // addresses have no row elsewhere and an account's counter is harmless once it is gone.
        migrator.registerMigration("2026-11-29-hardening-throttle") { db in
            try db.execute(sql: """
                CREATE TABLE throttle (
                    key TEXT PRIMARY KEY,
                    failures INTEGER NOT NULL,
                    window_start INTEGER NOT NULL,
                    blocked_until INTEGER
                )
                """)
        }
        // Entries outlive nothing they describe by design, but go with their account.
        migrator.registerMigration("2026-11-29-hardening-activity") { db in
            try db.execute(sql: """
                CREATE TABLE activity (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,
                    account_id INTEGER REFERENCES account(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    address TEXT NOT NULL,
                    user_agent TEXT NOT NULL,
                    detail TEXT NOT NULL
                );
                CREATE INDEX activity_account ON activity(account_id, id);
                """)
        }
        // Attempts are counted before the password is checked and taken back on success
        // (attempts: in flight plus failed); failures alone decide blocks (see ThrottleRule).
        migrator.registerMigration("2026-11-29-guard-throttle-attempts") { db in
            try db.execute(sql: """
                ALTER TABLE throttle RENAME COLUMN failures TO attempts;
                ALTER TABLE throttle ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
                UPDATE throttle SET failures = attempts;
                """)
        }
        // Application passwords are found by a keyed digest of their value, so checking one
        // costs one Argon2 hash however many the account holds. Rows made before this step
        // have no digest and can no longer be used (their owners create new ones).
        migrator.registerMigration("2026-11-29-guard-app-password-lookup") { db in
            try db.execute(sql: """
                ALTER TABLE app_password ADD COLUMN lookup_digest TEXT;
                CREATE UNIQUE INDEX app_password_lookup ON app_password(account_id, lookup_digest);
                """)
        }
        // The sessions page names each session by where it signed in from.
        migrator.registerMigration("2026-11-29-accounts-session-client") { db in
            try db.execute(sql: """
                ALTER TABLE web_session ADD COLUMN address TEXT NOT NULL DEFAULT '';
                ALTER TABLE web_session ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
                """)
        }
        // Password-reset links: single use, stored as digests, like confirmation links.
        migrator.registerMigration("2026-11-29-accounts-password-reset") { db in
            try db.execute(sql: """
                CREATE TABLE password_reset (
                    digest TEXT PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    expires_at INTEGER NOT NULL
                );
                CREATE INDEX password_reset_account ON password_reset(account_id);
                """)
        }
        // Optional expiry: the instant a token stops working and the lifetime it was made
        // with (seconds), both NULL for the permanent tokens of the legacy protocol.
        migrator.registerMigration("2026-11-30-lifecycle-token-expiry") { db in
            try db.execute(sql: """
                ALTER TABLE token ADD COLUMN expires_at INTEGER;
                ALTER TABLE token ADD COLUMN lifetime INTEGER;
                """)
        }
        // Rotation: values rotated out of a token, by digest, kept while the token lives
        // (they go with it) so that a use after the grace window is recognised as reuse.
        migrator.registerMigration("2026-11-30-lifecycle-token-rotation") { db in
            try db.execute(sql: """
                CREATE TABLE retired_token (
                    digest TEXT PRIMARY KEY,
                    token_id INTEGER NOT NULL REFERENCES token(id) ON DELETE CASCADE,
                    hint TEXT NOT NULL,
                    retired_at INTEGER NOT NULL,
                    works_until INTEGER NOT NULL
                );
                CREATE INDEX retired_token_token ON retired_token(token_id);
                ALTER TABLE token ADD COLUMN rotated_at INTEGER;
                ALTER TABLE token ADD COLUMN rotated_from TEXT;
                """)
        }
        // Expiry reminders: the smallest number of days before expiry whose reminder went
        // out for the current value (7, then 1); NULL: none yet.
        migrator.registerMigration("2026-11-30-lifecycle-token-reminders") { db in
            try db.execute(sql: "ALTER TABLE token ADD COLUMN reminded_days INTEGER")
        }
        // The administrators' pages: who may use them, and the indexes their lists and
        // filters read (the inventory by age and last use, activity across accounts by kind).
        migrator.registerMigration("2026-11-30-admin-pages") { db in
            try db.execute(sql: """
                ALTER TABLE account ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX token_last_used ON token(last_used_at, created_at, id);
                CREATE INDEX token_created ON token(created_at, id);
                CREATE INDEX token_app_password ON token(app_password_id);
                CREATE INDEX activity_kind ON activity(kind, id);
                """)
        }
        // Whether a session's sign-in took a two-factor code: the administrators' pages need
        // one from the session itself, not only two-factor being on for the account now.
        migrator.registerMigration("2026-11-30-session-second-factor") { db in
            try db.execute(sql: "ALTER TABLE web_session ADD COLUMN second_factor INTEGER NOT NULL DEFAULT 0")
        }
        // A registration's password and name wait with the link mailed for it: only that
        // link confirms them, so a later registration of the address cannot change what an
        // earlier link confirms (NULL: an older link, which confirms the account as it is).
        migrator.registerMigration("2026-12-02-registration-link-password") { db in
            try db.execute(sql: """
                ALTER TABLE confirmation ADD COLUMN password_hash TEXT;
                ALTER TABLE confirmation ADD COLUMN display_name TEXT;
                """)
        }
        // Passkeys (WebAuthn) as a second factor: the public keys, and the single-use
        // challenges of their ceremonies.
        migrator.registerMigration("2026-12-02-passkeys") { db in
            try db.execute(sql: """
                CREATE TABLE passkey (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    credential_id BLOB NOT NULL UNIQUE,
                    public_key BLOB NOT NULL,
                    sign_count INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    last_used_at INTEGER
                );
                CREATE INDEX passkey_account ON passkey(account_id);
                CREATE TABLE passkey_challenge (
                    digest TEXT PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    purpose TEXT NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                CREATE INDEX passkey_challenge_account ON passkey_challenge(account_id);
                CREATE INDEX passkey_challenge_expiry ON passkey_challenge(expires_at);
                """)
        }
        // Where an account's password lives: `local`, or `directory` (docs/directory.md).
        migrator.registerMigration("2026-12-02-account-origin") { db in
            try db.execute(sql: "ALTER TABLE account ADD COLUMN origin TEXT NOT NULL DEFAULT 'local'")
        }
        // The last directory sync's result, for the administrators' pages of every instance
        // (docs/directory.md): one row, id 1, replaced by each sync.
        migrator.registerMigration("2026-12-02-directory-sync") { db in
            try db.execute(sql: """
                CREATE TABLE directory_sync (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    at INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    checked INTEGER NOT NULL,
                    deactivated INTEGER NOT NULL,
                    reactivated INTEGER NOT NULL,
                    admin_changes INTEGER NOT NULL,
                    error_class TEXT
                )
                """)
        }
        // Daily use (docs/usage.md): uses per token per UTC day (days since 1970), and the
        // token check's answers per day, added to by every instance's usage flusher.
        migrator.registerMigration("2026-12-03-daily-use") { db in
            try db.execute(sql: """
                CREATE TABLE token_daily_use (
                    token_id INTEGER NOT NULL REFERENCES token(id) ON DELETE CASCADE,
                    day INTEGER NOT NULL,
                    uses INTEGER NOT NULL,
                    PRIMARY KEY (token_id, day)
                );
                CREATE INDEX token_daily_use_day ON token_daily_use(day);
                CREATE TABLE check_daily (
                    day INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    checks INTEGER NOT NULL,
                    PRIMARY KEY (day, outcome)
                );
                """)
        }
        return migrator
    }
}
