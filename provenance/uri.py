"""URI sanitising: nothing that can carry a credential is ever stored or logged.

Rules (applied to http(s), s3/s3a/gs/abfs(s)/wasb(s), file URIs and plain paths alike):

- user info (``user:password@`` or ``token@``) is removed from the authority; Azure
  ``abfs[s]``/``wasb[s]`` URIs keep a bare container name (``container@account...``) because it is
  part of the address, but lose it as soon as it carries a ``:`` (a secret);
- query strings (``?sig=...``, ``?X-Amz-Signature=...``) and fragments are removed;
- scp-like ``user@host:path`` loses the ``user@``.
"""

from __future__ import annotations

import re

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_AZURE_SCHEMES = frozenset({"abfs", "abfss", "wasb", "wasbs"})
_SCP_USER_RE = re.compile(r"^[^/@\s:]+@(?=[^/]+:)")


def _strip_query_fragment(text: str) -> str:
    return re.split(r"[?#]", text, maxsplit=1)[0]


def _authority_end(body: str) -> int:
    """Index where user info ends (after its '@'), or 0 when there is none.

    The authority normally ends at the first '/'; a password containing a raw '/' is caught by
    an authority with a non-numeric 'port' followed later by an '@'.
    """
    authority = body.split("/", 1)[0]
    if "@" in authority:
        return authority.rfind("@") + 1
    port = authority.rpartition(":")[2] if ":" in authority else ""
    if port and not port.isdigit() and "@" in body:
        return body.index("@") + 1
    return 0


def _sanitize_url(text: str, scheme: str) -> str:
    rest = _strip_query_fragment(text[len(scheme) + 1 :])
    if not rest.startswith("//"):
        return f"{scheme}:{rest}"
    body = rest[2:]
    end = _authority_end(body)
    userinfo = body[: end - 1] if end else ""
    keep_container = scheme in _AZURE_SCHEMES and userinfo and not re.search(r"[:/]", userinfo)
    return f"{scheme}://{body if keep_container else body[end:]}"


def sanitize_uri(uri: str) -> str:
    """``uri`` without user info, query string or fragment; scheme lower-cased."""
    text = uri.strip()
    match = _SCHEME_RE.match(text)
    if match and len(match.group(1)) > 1:  # one letter is a Windows drive, not a scheme
        scheme = match.group(1).lower()
        return _sanitize_url(scheme + text[len(scheme) :], scheme)
    return _SCP_USER_RE.sub("", _strip_query_fragment(text))


# Spark/Java regular expressions that do the same on a column (see provenance.columns).
SPARK_USERINFO_PATTERN = r"^((?!(?i:abfss?|wasbs?)://)[A-Za-z][A-Za-z0-9+.\-]*://)[^/@]*@"
SPARK_AZURE_SECRET_PATTERN = r"^((?i:abfss?|wasbs?)://)[^/@:]*:[^/@]*@"
SPARK_QUERY_PATTERN = r"[?#].*$"
