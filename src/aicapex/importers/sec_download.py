"""Fetch a companyfacts file from SEC EDGAR by CIK, through a local cache.

SEC's fair-access rules: a User-Agent naming the requester with a contact, and no more than
10 requests per second (https://www.sec.gov/os/accessing-edgar-data). The User-Agent is
$AICAPEX_SEC_USER_AGENT or a default naming this project; the cache is
$AICAPEX_SEC_CACHE or `<user cache dir>/aicapex/sec`. A cached file is used as is (pass
refresh=True to fetch again). $AICAPEX_OFFLINE=1 forbids the network altogether.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import platformdirs

from ..errors import DataError, Problem

URL = "https://data.sec.gov/api/xbrl/companyfacts/CIK{cik:010d}.json"
USER_AGENT_ENV = "AICAPEX_SEC_USER_AGENT"
CACHE_ENV = "AICAPEX_SEC_CACHE"
OFFLINE_ENV = "AICAPEX_OFFLINE"
DEFAULT_USER_AGENT = (
    "aicapex research tool (AI capex model; set AICAPEX_SEC_USER_AGENT to 'Name email')"
)
MIN_INTERVAL_S = 0.1  # SEC allows at most 10 requests per second
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
) -> Path:
    """The local path of CIK's companyfacts JSON, downloading it into the cache if needed.

    on_progress(bytes_done, bytes_total or None), if given, is called as the download proceeds.
    """
    path = cached_path(cik, directory)
    if path.exists() and not refresh:
        return path
    url = URL.format(cik=cik)
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
            "User-Agent": os.environ.get(USER_AGENT_ENV) or DEFAULT_USER_AGENT,
            "Accept-Encoding": "gzip",
            "Accept": "application/json",
        },
    )
    _wait_for_rate_limit()
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
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
    except urllib.error.HTTPError as exc:
        hint = (
            " (no such CIK?)"
            if exc.code == 404
            else " (SEC asks for a User-Agent with a contact)"
            if exc.code == 403
            else ""
        )
        raise DataError(
            Problem(url, None, None, None, f"download failed: HTTP {exc.code}{hint}")
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DataError(
            Problem(
                url,
                None,
                None,
                None,
                f"download failed: {reason}; no network? "
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
    return path
