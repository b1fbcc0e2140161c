"""Fetch a companyfacts file from SEC EDGAR by CIK, through a local cache.

SEC's fair-access rules: a User-Agent naming the requester with a contact, and no more than
10 requests per second (https://www.sec.gov/os/accessing-edgar-data). The User-Agent is the
`user_agent` argument (`aicapex import sec --user-agent`) or $AICAPEX_SEC_USER_AGENT; without
one nothing is downloaded (a clear error says how to give it). Failed requests (HTTP 429, 5xx,
network errors) are retried with exponential backoff. The cache is $AICAPEX_SEC_CACHE or
`<user cache dir>/aicapex/sec`; beside each file, `<file>.meta.json` records the URL and the
download date. A cached file is used as is (pass refresh=True to fetch again).
$AICAPEX_OFFLINE=1 forbids the network altogether; $AICAPEX_SEC_URL replaces the URL template
(a local server in tests).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from ..errors import DataError, Problem

URL = "https://data.sec.gov/api/xbrl/companyfacts/CIK{cik:010d}.json"
URL_ENV = "AICAPEX_SEC_URL"
USER_AGENT_ENV = "AICAPEX_SEC_USER_AGENT"
CACHE_ENV = "AICAPEX_SEC_CACHE"
OFFLINE_ENV = "AICAPEX_OFFLINE"
MIN_INTERVAL_S = 0.1  # SEC allows at most 10 requests per second
RETRIES = 3  # after the first try
BACKOFF_S = 1.0  # wait 1, 2, 4 s between tries
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_CIK = re.compile(r"^(?:CIK)?0*(\d{1,10})$", re.IGNORECASE)
_last_request_s = 0.0


def parse_cik(text: str) -> int | None:
    """'1652044', '0001652044' or 'CIK0001652044' -> 1652044; anything else -> None."""
    m = _CIK.match(str(text).strip())
    return int(m.group(1)) if m and int(m.group(1)) > 0 else None


def cache_dir() -> Path:
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path(platformdirs.user_cache_dir("aicapex")) / "sec"


def cached_path(cik: int, directory: Path | None = None) -> Path:
    return (directory or cache_dir()) / f"CIK{cik:010d}.json"


def meta_path(path: Path) -> Path:
    """The sidecar of a cached file: URL, download date (UTC), size."""
    return path.with_name(path.name + ".meta.json")


def cache_info(cik: int, directory: Path | None = None) -> dict | None:
    """What the cache knows of CIK's file ({"url", "downloaded", "bytes"}), or None."""
    meta = meta_path(cached_path(cik, directory))
    if not meta.exists():
        return None
    try:
        return json.loads(meta.read_text())
    except ValueError:
        return None


def user_agent(given: str | None = None) -> str:
    """The declared User-Agent: the argument, else $AICAPEX_SEC_USER_AGENT; else a DataError."""
    agent = (given or os.environ.get(USER_AGENT_ENV) or "").strip()
    if not agent:
        raise DataError(
            Problem(
                None,
                None,
                "user_agent",
                None,
                "SEC's fair-access rules require a User-Agent naming you with a contact: pass "
                f"--user-agent 'Name email@example.org' or set ${USER_AGENT_ENV}",
            )
        )
    return agent


def _wait_for_rate_limit() -> None:
    global _last_request_s
    wait = MIN_INTERVAL_S - (time.monotonic() - _last_request_s)
    if wait > 0:
        time.sleep(wait)
    _last_request_s = time.monotonic()


def companyfacts_file(
    cik: int,
    *,
    directory: Path | None = None,
    refresh: bool = False,
    timeout_s: float = 30.0,
    on_progress=None,
    agent: str | None = None,
    retries: int = RETRIES,
    backoff_s: float = BACKOFF_S,
    opener=None,
) -> Path:
    """The local path of CIK's companyfacts JSON, downloading it into the cache if needed.

    on_progress(bytes_done, bytes_total or None), if given, is called as the download proceeds.
    agent: the User-Agent (else $AICAPEX_SEC_USER_AGENT; none: DataError). opener: a callable
    like `urllib.request.urlopen` (tests inject one). Retries HTTP 429/5xx and network errors
    `retries` times, waiting backoff_s x 2^k.
    """
    path = cached_path(cik, directory)
    if path.exists() and not refresh:
        return path
    url = (os.environ.get(URL_ENV) or URL).format(cik=cik)
    if os.environ.get(OFFLINE_ENV, "") not in ("", "0"):
        raise DataError(
            Problem(
                url,
                None,
                None,
                None,
                f"not in the cache ({path}) and ${OFFLINE_ENV} forbids downloading",
            )
        )
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": user_agent(agent),
            "Accept-Encoding": "gzip",
            "Accept": "application/json",
        },
    )
    opener = opener or urllib.request.urlopen
    for attempt in range(retries + 1):
        _wait_for_rate_limit()
        try:
            body = _fetch(opener, request, timeout_s, on_progress)
            break
        except urllib.error.HTTPError as exc:
            if exc.code in _RETRY_STATUS and attempt < retries:
                time.sleep(backoff_s * 2**attempt)
                continue
            hint = (
                " (no such CIK?)"
                if exc.code == 404
                else " (SEC asks for a User-Agent with a contact)"
                if exc.code == 403
                else f" after {attempt + 1} tries"
                if exc.code in _RETRY_STATUS
                else ""
            )
            raise DataError(
                Problem(url, None, None, None, f"download failed: HTTP {exc.code}{hint}")
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            if attempt < retries:
                time.sleep(backoff_s * 2**attempt)
                continue
            reason = getattr(exc, "reason", exc)
            raise DataError(
                Problem(
                    url,
                    None,
                    None,
                    None,
                    f"download failed after {attempt + 1} tries: {reason}; no network? "
                    "Download the file by hand and pass its path",
                )
            ) from None
    try:
        json.loads(body)
    except ValueError:
        raise DataError(Problem(url, None, None, None, "the response is not JSON")) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(body)
    partial.replace(path)  # never leave a half-written file in the cache
    meta = {
        "url": url,
        "downloaded": datetime.now(UTC).isoformat(timespec="seconds"),
        "bytes": len(body),
    }
    meta_path(path).write_text(json.dumps(meta))
    return path


def _fetch(opener, request, timeout_s: float, on_progress) -> bytes:
    with opener(request, timeout=timeout_s) as response:
        if on_progress is None:
            body = response.read()
        else:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            parts: list[bytes] = []
            done = 0
            while chunk := response.read(1 << 16):
                parts.append(chunk)
                done += len(chunk)
                on_progress(done, total)
            body = b"".join(parts)
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
    return body
