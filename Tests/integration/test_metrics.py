"""/_authtoken/metrics: the Prometheus text format, parsed with prometheus_client; counters
move by exactly what the test did."""
import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import SCOPE, assert_cause, assert_token, new_email, new_password

GUARDED = "/recruit/private/json/JobOpenings/getRecords"


def scrape(server):
    r = requests.get(server.url + "/_authtoken/metrics", timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.text
    samples = {}
    for family in text_string_to_metric_families(r.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_count_exactly_what_happened(server):
    email, pw = new_email("metrics"), new_password()
    server.add_user(email, pw)
    token = assert_token(server.create({"EMAIL_ID": email, "PASSWORD": pw, "SCOPE": "ZohoRecruit/recruitapi"}))
    before = scrape(server)
    for _ in range(3):
        assert requests.get(f"{server.url}{GUARDED}?authtoken={token}&scope=recruitapi", timeout=10).status_code == 200
    for _ in range(2):
        requests.get(f"{server.url}{GUARDED}?authtoken={'0' * 32}&scope=recruitapi", timeout=10)
    assert_cause(server.create({"EMAIL_ID": email, "PASSWORD": "wrong-" + pw, "SCOPE": SCOPE}), "INVALID_PASSWORD")
    after = scrape(server)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)
    assert delta("authtoken_requests_total", route="check", outcome="allowed") == 3
    assert delta("authtoken_requests_total", route="check", outcome="401") == 2
    assert delta("authtoken_requests_total", route="create", outcome="INVALID_PASSWORD") == 1
    assert delta("authtoken_check_duration_seconds_count") == 5
    assert delta("authtoken_password_work_total") == 1  # the wrong password's one hash
    assert value(after, "authtoken_tokens") >= 1
    assert value(after, "authtoken_process_resident_memory_bytes") > 1_000_000
    assert value(after, "authtoken_process_threads") > 10
    assert value(after, "authtoken_process_open_fds") > 3
    assert "authtoken_password_queue_waiting" in {name for name, _ in after}
