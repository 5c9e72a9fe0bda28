"""Daily use in headless Chromium, on an instance of its own: a token used through nginx
today and on days seeded into the store shows a 30-day chart whose bars are those counts,
and a year on its own page; the administrators' overview shows what the store holds, and
its CSV is the charts' data. Screenshots at 1280 and 390 pixels."""
import csv
import io
import time

import pytest
import requests

from conftest import Browser, GENEROUS_THROTTLE, new_email, new_password, running_instance
from test_admin_pages import api_token, make_admin

DAY = 86400
BARS = """return Array.from(document.querySelectorAll(arguments[0] + ' .bar')).map(g => [g.dataset.day,
    Number(g.dataset.count), Object.fromEntries(Array.from(g.querySelectorAll('rect[data-count]')).map(
        r => [r.getAttribute('class'), [Number(r.dataset.count), r.getBoundingClientRect().height]]))])"""


@pytest.fixture(scope="module")
def inst(tmp_path_factory):
    with running_instance(tmp_path_factory, "usage", GENEROUS_THROTTLE) as inst:
        yield inst


def iso(day):
    return time.strftime("%Y-%m-%d", time.gmtime(day * DAY))


def wait_for(query, args, wanted, inst):
    deadline = time.time() + 30  # the flusher writes about once a second
    while time.time() < deadline:
        with inst.db() as con:
            got = con.execute(query, args).fetchone()[0]
        if got == wanted:
            return
        time.sleep(0.2)
    pytest.fail(f"{query} {args}: {got}, not {wanted}")


def seed(inst, rows):
    """Days of use written into the store as the flusher writes them (adding)."""
    import sqlite3
    con = sqlite3.connect(inst.data_dir / "authtoken.sqlite", timeout=30)
    with con:
        for token_id, day, uses in rows:
            con.execute("INSERT INTO token_daily_use (token_id, day, uses) VALUES (?, ?, ?) ON CONFLICT (token_id, day)"
                        " DO UPDATE SET uses = uses + excluded.uses", (token_id, day, uses))
            con.execute("INSERT INTO check_daily (day, outcome, checks) VALUES (?, 'allowed', ?) ON CONFLICT (day, outcome)"
                        " DO UPDATE SET checks = checks + excluded.checks", (day, uses))
    con.close()


def bars(browser, chart):
    return {day: (count, parts) for day, count, parts in browser.d.execute_script(BARS, "#" + chart)}


def test_a_tokens_chart_shows_its_uses_per_day_and_the_overview_and_its_csv_the_stores(inst, chrome):
    email, pw = new_email("charted"), new_password()
    inst.add_user(email, pw)
    token = api_token(inst, email, pw, name="nightly export")
    crm = api_token(inst, email, pw, scope="ZohoCRM/crmapi", name="idle")
    with inst.db() as con:
        token_id = con.execute("SELECT id FROM token WHERE display_name = 'nightly export'").fetchone()[0]
        idle_id = con.execute("SELECT id FROM token WHERE display_name = 'idle'").fetchone()[0]
    guarded = inst.url + "/recruit/private/json/JobOpenings/getRecords"
    for _ in range(7):
        assert inst.http.get(guarded, params={"authtoken": token, "scope": "recruitapi"}, timeout=10).status_code == 200
    for _ in range(2):  # a live token without this location's scope
        inst.http.get(guarded, params={"authtoken": crm, "scope": "recruitapi"}, timeout=10)
    for _ in range(3):  # no such token
        inst.http.get(guarded, params={"authtoken": "0" * 32, "scope": "recruitapi"}, timeout=10)
    today = int(time.time()) // DAY
    wait_for("SELECT coalesce(sum(uses), 0) FROM token_daily_use WHERE token_id = ? AND day = ?", (token_id, today), 7, inst)
    wait_for("SELECT coalesce(sum(checks), 0) FROM check_daily WHERE outcome = 'dead' AND day = ?", (today,), 3, inst)
    wait_for("SELECT coalesce(sum(checks), 0) FROM check_daily WHERE outcome = 'scope' AND day = ?", (today,), 2, inst)
    seeded = {today - 1: 40, today - 5: 3, today - 12: 120, today - 29: 1, today - 30: 500, today - 200: 9}
    seed(inst, [(token_id, day, uses) for day, uses in seeded.items()])
    expected = {iso(day): 0 for day in range(today - 29, today + 1)}
    expected.update({iso(day): uses for day, uses in seeded.items() if day > today - 30})
    expected[iso(today)] = 7

    chrome.delete_all_cookies()
    browser = Browser(chrome, inst)
    browser.open("/signin")
    browser.sign_in(email, pw)
    browser.open("/tokens")
    shown = bars(browser, f"usage-{token_id}")
    assert {day: count for day, (count, _) in shown.items()} == expected
    # Drawn to scale: the tallest day (120) fills the chart, the others in proportion.
    height = browser.d.execute_script(f"return document.querySelector('#usage-{token_id} svg').clientHeight")  # inside the border
    assert abs(shown[iso(today - 12)][1]["uses"][1] - height) < 0.5
    assert abs(shown[iso(today - 1)][1]["uses"][1] - height * 40 / 120) < 0.5
    assert browser.find(f"#usage-{token_id}-caption").text == f"171 uses in 30 days, the last on {iso(today)}."
    assert browser.find(f"#usage-{idle_id}-caption").text == "No uses in 30 days."
    assert all(count == 0 for count, _ in bars(browser, f"usage-{idle_id}").values())
    assert browser.console_errors() == []  # nothing refused by the CSP
    browser.shot("usage-tokens-1280", 1280)
    browser.shot("usage-tokens-390", 390)

    browser.open(f"/tokens/usage?id={token_id}")
    year = bars(browser, f"usage-{token_id}")
    assert len(year) == 365 and year[iso(today - 200)][0] == 9 and year[iso(today - 30)][0] == 500
    assert sum(count for count, _ in year.values()) == 171 + 500 + 9
    browser.shot("usage-token-year-1280", 1280)

    # The overview, as an administrator.
    chrome.delete_all_cookies()
    admin_email, admin_pw = new_email("overseer"), new_password()
    _, codes = make_admin(inst, admin_email, admin_pw)
    browser.open("/signin")
    browser.sign_in(admin_email, admin_pw)
    browser.fill(code=codes.pop())
    browser.submit("Verify")
    browser.open("/admin/overview")
    assert browser.h1() == "Overview"
    first = today - 29
    checks = bars(browser, "overview-checks")
    with inst.db() as con:
        stored = con.execute("SELECT day, outcome, checks FROM check_daily WHERE day >= ?", (first,)).fetchall()
        activity = con.execute("SELECT at / 86400, kind, count(*) FROM activity WHERE at >= ? GROUP BY at / 86400, kind",
                               (first * DAY,)).fetchall()
        busiest = con.execute("SELECT token_id, sum(uses) AS n FROM token_daily_use WHERE day >= ? GROUP BY token_id"
                              " ORDER BY n DESC, token_id LIMIT 10", (first,)).fetchall()
        never = con.execute("SELECT count(*) FROM token WHERE last_used_at IS NULL").fetchone()[0]
    from_store = {(iso(day), outcome): n for day, outcome, n in stored}
    from_chart = {(day, series): count for day, (_, parts) in checks.items() for series, (count, _) in parts.items()}
    assert from_chart == from_store
    assert from_store[(iso(today), "dead")] >= 3 and from_store[(iso(today), "scope")] >= 2
    charts = {}
    for kind in ("sign-in", "sign-in-failed", "blocked", "token-created", "token-removed"):
        charts[kind] = {day: count for day, (count, _) in bars(browser, f"overview-{kind}").items()}
        assert {day: n for day, n in charts[kind].items() if n} == {iso(d): n for d, k, n in activity if k == kind}, kind
    assert charts["token-created"][iso(today)] >= 2 and charts["sign-in"][iso(today)] >= 2
    rows = browser.find_all("table.busiest tr[data-token]")
    assert [(int(r.get_attribute("data-token")), int(r.find_element("css selector", ".uses").text)) for r in rows] == \
        [tuple(row) for row in busiest]
    assert int(browser.find(".never-used").text) == never
    # A bar links to the activity it counts: that day's sign-ins.
    link = browser.d.execute_script(
        "return document.querySelector('#overview-sign-in .bar[data-day=\"' + arguments[0] + '\"] a').getAttribute('href')",
        iso(today))
    assert link == f"/admin/activity?kind=sign-in&from={iso(today)}&until={iso(today)}"
    browser.open(link)
    assert len(browser.find_all("table.activity tbody tr")) == charts["sign-in"][iso(today)]
    browser.open("/admin/overview")
    assert browser.console_errors() == []
    browser.shot("usage-overview-1280", 1280)
    browser.shot("usage-overview-390", 390)
    browser.open("/admin/tokens")
    browser.shot("usage-inventory-1280", 1280)
    browser.shot("usage-inventory-390", 390)

    # The CSV is the charts' data, day by day.
    cookies = {c["name"]: c["value"] for c in chrome.get_cookies()}
    r = requests.get(inst.url + "/admin/overview/csv", cookies=cookies, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=UTF-8"
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["day"] for row in table] == [iso(day) for day in range(first, today + 1)]
    for row in table:
        for outcome in ("allowed", "dead", "expired", "scope", "reused"):
            assert int(row[outcome]) == from_chart.get((row["day"], outcome), 0), (row, outcome)
        for kind, counts in charts.items():
            assert int(row[kind]) == counts[row["day"]], (row, kind)
