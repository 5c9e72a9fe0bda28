"""Hostile values for test_hostile: one list, reused in every field of every endpoint."""
import secrets

# Marks this run's hostile passwords, so the log test can look for exactly them.
MARK = secrets.token_hex(4)

SCRIPT = "<script>alert(1)</script>"

# (id, value). Each goes into each field; ids keep the test names readable.
INJECT = [
    ("sqli-or", "' OR 1=1 --"),
    ("sqli-or-dq", '" OR ""="'),
    ("sqli-drop-token", '"; DROP TABLE token; --'),
    ("sqli-drop-account", "'; DROP TABLE account; --"),
    ("sqli-union", "' UNION SELECT digest, hint, scopes FROM token --"),
    ("html-script", SCRIPT),
    ("html-attr", '"><img src=x onerror=alert(1)>'),
    ("mustache", "{{csrf}}{{{email}}}"),
    ("crlf-header", "x\r\nX-Injected: 1\r\nSet-Cookie: injected=1"),
    ("unicode-bidi", "\u202egnp.exe \u00fcn\u00efc\u00f8d\u00e9 \U0001F600"),
    ("long", "A" * 5000),
]

# Values that a header can carry (requests refuses CR/LF and sends headers as latin-1).
HEADER_SAFE = [(i, v) for i, v in INJECT if v.isascii() and "\r" not in v and "\n" not in v]

# Open-redirect and header-splitting attempts through sign-in's `next`.
NEXT = [
    ("double-slash", "//evil.example/"),
    ("backslash", "/\\evil.example/"),
    ("tab", "/\t/evil.example/"),
    ("absolute", "https://evil.example/"),
    ("scheme-relative-encoded", "/%2F%2Fevil.example"),
    ("javascript", "javascript:alert(1)"),
    ("crlf-cookie", "/\r\nSet-Cookie: injected=1"),
    ("crlf-encoded", "/%0d%0aSet-Cookie:injected=1"),
    ("nul", "/tokens\x00evil"),
]

# Raw query strings nginx passes on unchanged: the server's strict parser must say 400.
BAD_QUERIES = [
    ("pct-alone", "SCOPE=%"),
    ("pct-short", "SCOPE=%4"),
    ("pct-nonhex", "SCOPE=%G1"),
    ("pct-zz", "EMAIL_ID=%zz&PASSWORD=x"),
    ("utf8-ff", "EMAIL_ID=%ff&PASSWORD=x"),
    ("utf8-truncated", "EMAIL_ID=%c3&PASSWORD=x"),
    ("utf8-bad-continuation", "EMAIL_ID=%c3%28&PASSWORD=x"),
    ("utf8-surrogate", "DISPLAY_NAME=%ed%a0%80&EMAIL_ID=a&PASSWORD=b"),
    ("utf8-overlong", "SCOPE=%c0%af"),
    ("nul-value", "EMAIL_ID=a%00b&PASSWORD=x"),
    ("nul-name", "EMAIL%00_ID=a&PASSWORD=x"),
    ("too-many", "&".join(f"p{i}=1" for i in range(300))),
]

# Garbage session ids: each must leave the browser signed out.
SESSION_GARBAGE = [
    ("empty", ""),
    ("short", "x"),
    ("hex64", secrets.token_hex(32)),
    ("urlsafe", secrets.token_urlsafe(32)),
    ("sqli", "' OR 1=1 --"),
    ("traversal", "../../../etc/passwd"),
    ("long", "a" * 4000),
    ("quotes", '"abc"'),
    ("percent", "%00%ff"),
]
