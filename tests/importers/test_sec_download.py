"""Download by CIK or ticker (issue #12 item 8), against a local HTTP server on 127.0.0.1 that
serves the recorded Alphabet companyfacts file: nothing here touches the internet."""

from __future__ import annotations

import http.server
import threading

import pytest

from aicapex.cli import main
from aicapex.errors import DataError
from aicapex.importers import sec_download
from aicapex.importers.sec_store import loop_tickers, resolve_source, ticker_cik

ALPHABET = "CIK0001652044_ALPHABET.json"


class _Server:
    """Serves one recorded file; fails the first `fail` requests with HTTP 503."""

    def __init__(self, body: bytes, fail: int = 0):
        self.body, self.fail, self.requests = body, fail, []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append((self.path, self.headers.get("User-Agent")))
                if len(outer.requests) <= outer.fail:
                    self.send_response(503)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/CIK{{cik:010d}}.json"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(sec_file, monkeypatch, tmp_path):
    srv = _Server(sec_file(ALPHABET).read_bytes())
    monkeypatch.setenv(sec_download.URL_ENV, srv.url)
    monkeypatch.setenv(sec_download.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(sec_download.USER_AGENT_ENV, raising=False)
    monkeypatch.delenv(sec_download.OFFLINE_ENV, raising=False)
    yield srv
    srv.close()


def test_no_user_agent_is_refused_with_a_clear_message(server):
    with pytest.raises(DataError, match="--user-agent"):
        sec_download.companyfacts_file(1652044)
    assert server.requests == []  # nothing was asked of the server


def test_download_declares_the_user_agent_and_caches_with_the_date(server, monkeypatch):
    monkeypatch.setenv(sec_download.USER_AGENT_ENV, "Test Person test@example.org")
    path = sec_download.companyfacts_file(1652044)
    assert server.requests == [("/CIK0001652044.json", "Test Person test@example.org")]
    assert path.read_bytes() == server.body
    info = sec_download.cache_info(1652044)
    assert info["downloaded"][:2] == "20" and info["bytes"] == len(server.body)
    # the cached file is used as is: no second request
    assert sec_download.companyfacts_file(1652044) == path
    assert len(server.requests) == 1


def test_retries_with_backoff(server, monkeypatch):
    server.fail = 2  # two HTTP 503s, then the file
    waits = []
    monkeypatch.setattr(sec_download.time, "sleep", waits.append)
    path = sec_download.companyfacts_file(1652044, agent="T t@example.org", backoff_s=0.5)
    assert len(server.requests) == 3 and path.exists()
    # backoff 0.5 then 1.0 (doubling); the rate limit may add its own short waits (<= 0.1 s)
    assert [w for w in waits if w > sec_download.MIN_INTERVAL_S] == [0.5, 1.0]


def test_gives_up_after_the_retries(server, monkeypatch):
    server.fail = 10
    monkeypatch.setattr(sec_download.time, "sleep", lambda s: None)
    with pytest.raises(DataError, match="HTTP 503 after 3 tries"):
        sec_download.companyfacts_file(1652044, agent="T t@example.org", retries=2)


def test_at_most_ten_requests_a_second(server, monkeypatch):
    waits = []
    monkeypatch.setattr(sec_download.time, "sleep", waits.append)
    clock = iter([100.0, 100.0, 100.02, 100.1])  # second request 20 ms after the first
    monkeypatch.setattr(sec_download.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(sec_download, "_last_request_s", 0.0)
    for _ in range(2):
        sec_download.companyfacts_file(1652044, agent="T t@example.org", refresh=True)
    assert waits == [pytest.approx(0.08)]  # 0.1 s between requests: 100 ms - 20 ms


def test_tickers_and_the_loop():
    assert ticker_cik("googl") == 1652044
    assert ticker_cik("MSFT") == 789019
    assert ticker_cik("NOPE") is None
    assert {"MSFT", "GOOGL", "AMZN", "META", "ORCL", "NVDA", "AMD", "AVGO", "AAPL", "CRWV"} <= set(
        loop_tickers()
    )


def test_a_local_file_still_works(sec_file):
    assert resolve_source(str(sec_file(ALPHABET))) == sec_file(ALPHABET)


def test_cli_imports_by_ticker(server, tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    code = main(["--db", db, "import", "sec", "GOOGL", "--user-agent", "T t@example.org"])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert "alphabet" in err and server.requests[0][1] == "T t@example.org"
    # without a User-Agent a download is refused: one line, exit code 2
    code = main(["--db", db, "import", "sec", "NVDA"])
    _, err = capsys.readouterr()
    assert code == 2 and "user-agent" in err.lower() and len(err.strip().splitlines()) == 1
