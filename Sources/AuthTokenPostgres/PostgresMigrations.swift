/// The PostgreSQL schema, as named steps recorded in `schema_migrations`. Append new steps
/// at the end; never edit, rename or reorder one that has shipped, because installed
/// databases have already run it.
///
/// The steps mirror `SQLiteMigrations` in meaning, not one to one. The SQLite history has
/// steps that only change its own earlier steps; PostgreSQL starts from the current schema,
/// so those are folded into the step that creates the table:
///
/// | SQLite step                              | PostgreSQL step                     |
/// |------------------------------------------|-------------------------------------|
/// | 2026-11-29-accounts                      | 2026-11-29-accounts                 |
/// | 2026-11-29-tokens                        | 2026-11-29-tokens                   |
/// | 2026-11-29-token-last-used               | folded into 2026-11-29-tokens       |
/// | 2026-11-29-2fa-token-app-password        | folded into 2026-11-29-tokens       |
/// | 2026-11-29-browser-sessions              | 2026-11-29-browser-sessions         |
/// | 2026-11-29-browser-confirmations         | 2026-11-29-browser-confirmations    |
/// | 2026-11-29-2fa-totp                      | 2026-11-29-2fa-totp                 |
/// | 2026-11-29-2fa-app-passwords             | 2026-11-29-2fa-app-passwords        |
/// | 2026-11-29-guard-app-password-lookup     | folded into 2026-11-29-2fa-app-passwords (`lookup_digest` NOT NULL: no old rows) |
/// | 2026-11-29-hardening-throttle            | 2026-11-29-hardening-throttle       |
/// | 2026-11-29-guard-throttle-attempts       | folded into 2026-11-29-hardening-throttle (columns `attempts` and `failures`) |
/// | 2026-11-29-hardening-activity            | 2026-11-29-hardening-activity       |
/// | 2026-11-29-accounts-session-client       | 2026-11-29-accounts-session-client  |
/// | 2026-11-29-accounts-password-reset       | 2026-11-29-accounts-password-reset  |
/// | 2026-11-30-admin-pages                   | 2026-11-30-admin-pages              |
///
/// A step added to both backends later keeps the same name in both.
///
/// Types: ids are `bigint GENERATED ALWAYS AS IDENTITY`; flags are `boolean`; the sealed
/// TOTP secret is `bytea`; every time is `bigint` whole seconds since 1970, as in the
/// SQLite schema, so dates round-trip to the second in both; scopes are one comma-joined
/// `text` (scope names cannot hold a comma). Foreign keys to `account` are
/// `ON DELETE CASCADE`, as in SQLite; `token.app_password_id` has none (a revoked
/// application password's tokens stay) and `throttle` is keyed by text.
enum PostgresMigrations {
    struct Step {
        var name: String
        var sql: String
    }

    /// `pg_advisory_lock` key held while migrating: "authtokn" in ASCII.
    static let lockKey: Int64 = 0x6175_7468_746F_6B6E

    static let table = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            name text PRIMARY KEY,
            position integer NOT NULL UNIQUE,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    static let steps: [Step] = [
        Step(name: "2026-11-29-accounts", sql: """
            CREATE TABLE account (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                email text NOT NULL,
                email_key text NOT NULL CONSTRAINT account_email_key_unique UNIQUE,
                display_name text NOT NULL,
                password_hash text NOT NULL,
                confirmed boolean NOT NULL DEFAULT false,
                active boolean NOT NULL DEFAULT true,
                created_at bigint NOT NULL
            );
            """),
        Step(name: "2026-11-29-tokens", sql: """
            CREATE TABLE token (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                digest text NOT NULL CONSTRAINT token_digest_unique UNIQUE,
                hint text NOT NULL,
                scopes text NOT NULL,
                display_name text NOT NULL,
                created_at bigint NOT NULL,
                last_used_at bigint,
                last_used_from text,
                app_password_id bigint
            );
            CREATE INDEX token_account ON token(account_id);
            """),
        Step(name: "2026-11-29-browser-sessions", sql: """
            CREATE TABLE web_session (
                digest text PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                created_at bigint NOT NULL,
                last_seen_at bigint NOT NULL
            );
            CREATE INDEX web_session_account ON web_session(account_id);
            """),
        Step(name: "2026-11-29-browser-confirmations", sql: """
            CREATE TABLE confirmation (
                digest text PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                expires_at bigint NOT NULL
            );
            CREATE INDEX confirmation_account ON confirmation(account_id);
            """),
        Step(name: "2026-11-29-2fa-totp", sql: """
            CREATE TABLE two_factor (
                account_id bigint PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
                sealed_secret bytea NOT NULL,
                enabled boolean NOT NULL DEFAULT false,
                last_step bigint
            );
            CREATE TABLE recovery_code (
                account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                digest text NOT NULL,
                PRIMARY KEY (account_id, digest)
            );
            CREATE TABLE pending_sign_in (
                digest text PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                expires_at bigint NOT NULL
            );
            CREATE INDEX pending_sign_in_account ON pending_sign_in(account_id);
            CREATE INDEX pending_sign_in_expiry ON pending_sign_in(expires_at);
            """),
        Step(name: "2026-11-29-2fa-app-passwords", sql: """
            CREATE TABLE app_password (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                name text NOT NULL,
                password_hash text NOT NULL,
                lookup_digest text NOT NULL,
                created_at bigint NOT NULL,
                last_used_at bigint,
                CONSTRAINT app_password_lookup UNIQUE (account_id, lookup_digest)
            );
            """),
        Step(name: "2026-11-29-hardening-throttle", sql: """
            CREATE TABLE throttle (
                key text PRIMARY KEY,
                attempts bigint NOT NULL,
                failures bigint NOT NULL DEFAULT 0,
                window_start bigint NOT NULL,
                blocked_until bigint
            );
            """),
        Step(name: "2026-11-29-hardening-activity", sql: """
            CREATE TABLE activity (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at bigint NOT NULL,
                account_id bigint REFERENCES account(id) ON DELETE CASCADE,
                kind text NOT NULL,
                address text NOT NULL,
                user_agent text NOT NULL,
                detail text NOT NULL
            );
            CREATE INDEX activity_account ON activity(account_id, id);
            """),
        Step(name: "2026-11-29-accounts-session-client", sql: """
            ALTER TABLE web_session ADD COLUMN address text NOT NULL DEFAULT '';
            ALTER TABLE web_session ADD COLUMN user_agent text NOT NULL DEFAULT '';
            """),
        Step(name: "2026-11-29-accounts-password-reset", sql: """
            CREATE TABLE password_reset (
                digest text PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                expires_at bigint NOT NULL
            );
            CREATE INDEX password_reset_account ON password_reset(account_id);
            """),
        Step(name: "2026-11-30-lifecycle-token-expiry", sql: """
            ALTER TABLE token ADD COLUMN expires_at bigint;
            ALTER TABLE token ADD COLUMN lifetime bigint;
            """),
        Step(name: "2026-11-30-lifecycle-token-rotation", sql: """
            CREATE TABLE retired_token (
                digest text PRIMARY KEY,
                token_id bigint NOT NULL REFERENCES token(id) ON DELETE CASCADE,
                hint text NOT NULL,
                retired_at bigint NOT NULL,
                works_until bigint NOT NULL
            );
            CREATE INDEX retired_token_token ON retired_token(token_id);
            ALTER TABLE token ADD COLUMN rotated_at bigint;
            ALTER TABLE token ADD COLUMN rotated_from text;
            """),
        Step(name: "2026-11-30-lifecycle-token-reminders", sql: """
            ALTER TABLE token ADD COLUMN reminded_days bigint;
            """),
        Step(name: "2026-11-30-admin-pages", sql: """
            ALTER TABLE account ADD COLUMN admin boolean NOT NULL DEFAULT false;
            CREATE INDEX token_last_used ON token(last_used_at DESC NULLS LAST, created_at DESC, id DESC);
            CREATE INDEX token_created ON token(created_at, id);
            CREATE INDEX token_app_password ON token(app_password_id);
            CREATE INDEX activity_kind ON activity(kind, id);
            """),
        Step(name: "2026-11-30-session-second-factor", sql: """
            ALTER TABLE web_session ADD COLUMN second_factor boolean NOT NULL DEFAULT false;
            """),
        Step(name: "2026-12-02-registration-link-password", sql: """
            ALTER TABLE confirmation ADD COLUMN password_hash text;
            ALTER TABLE confirmation ADD COLUMN display_name text;
            """),
        Step(name: "2026-12-02-passkeys", sql: """
            CREATE TABLE passkey (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                credential_id bytea NOT NULL UNIQUE,
                public_key bytea NOT NULL,
                sign_count bigint NOT NULL,
                name text NOT NULL,
                created_at bigint NOT NULL,
                last_used_at bigint
            );
            CREATE INDEX passkey_account ON passkey(account_id);
            CREATE TABLE passkey_challenge (
                digest text PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                purpose text NOT NULL,
                expires_at bigint NOT NULL
            );
            CREATE INDEX passkey_challenge_account ON passkey_challenge(account_id);
            CREATE INDEX passkey_challenge_expiry ON passkey_challenge(expires_at);
            """),
        Step(name: "2026-12-02-account-origin", sql: """
            ALTER TABLE account ADD COLUMN origin text NOT NULL DEFAULT 'local';
            """),
        Step(name: "2026-12-02-directory-sync", sql: """
            CREATE TABLE directory_sync (
                id bigint PRIMARY KEY CHECK (id = 1),
                at bigint NOT NULL,
                outcome text NOT NULL,
                checked bigint NOT NULL,
                deactivated bigint NOT NULL,
                reactivated bigint NOT NULL,
                admin_changes bigint NOT NULL,
                error_class text
            );
            """),
        Step(name: "2026-12-03-daily-use", sql: """
            CREATE TABLE token_daily_use (
                token_id bigint NOT NULL REFERENCES token(id) ON DELETE CASCADE,
                day bigint NOT NULL,
                uses bigint NOT NULL,
                PRIMARY KEY (token_id, day)
            );
            CREATE INDEX token_daily_use_day ON token_daily_use(day);
            CREATE TABLE check_daily (
                day bigint NOT NULL,
                outcome text NOT NULL,
                checks bigint NOT NULL,
                PRIMARY KEY (day, outcome)
            );
            """),
    ]

    /// Applies the steps not yet recorded, each in its own transaction together with its
    /// record, holding the advisory lock so that instances starting together take turns:
    /// the second finds the first's steps recorded and runs none of them.
    static func migrate(_ connections: PostgresConnections) throws {
        try connections.withAdvisoryLock(lockKey) { connection in
            try connection.executeScript(table)
            let applied = Set(try names(connection))
            for (position, step) in steps.enumerated() where !applied.contains(step.name) {
                try connection.transaction { connection in
                    try connection.executeScript(step.sql)
                    try connection.execute(
                        "INSERT INTO schema_migrations (name, position) VALUES ($1, $2)", [step.name, position])
                }
            }
        }
    }

    /// The recorded steps, in the order they were applied.
    static func names(_ connection: PostgresConnection) throws -> [String] {
        try connection.execute("SELECT name FROM schema_migrations ORDER BY position").map { try $0.string(0) }
    }
}
