"""The extraction cache: one Edition per PDF as JSON, never pickle, authenticated with a per-user key.

An entry is used only when its HMAC (keyed with a secret outside the output directory) verifies and it
names the SHA-256 of the very bytes being built; anything else (a planted file, a `parsed/` copied from
a share, a torn write) is a miss and the PDF is extracted again. Decoding builds only the record types
of `records.py`, so no entry can run code."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import types
import typing
import zlib
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .. import __version__
from ..config import config_hash
from ..model import records
from ..model.records import Edition
from .boot import CACHE_ENTRIES

FORMAT = 1
MAX_INFLATED = 256 * 1024 * 1024  # an entry is a few MB; more is not ours
CODE_HASH_DIGITS = 12  # hex digits of the pipeline's source hash in a cache key
CACHE_KEY_DIGITS = 24  # hex digits of a PDF's SHA-256 in its cache key
ZLIB_LEVEL = 1  # a fifth larger than level 6, four times faster: an entry is sealed in every build that extracts


def key_file() -> Path:
    env = os.environ.get("NHR_CACHE_KEY")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "nhr" / "cache.key"


@lru_cache(maxsize=1)
def secret() -> bytes:
    """This user's cache key (created on first use, mode 0600); a per-process key when none can be kept."""
    path = key_file()
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except OSError:
        pass
    new = os.urandom(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(new)
        return new
    except FileExistsError:  # another build created it first
        return path.read_bytes()
    except OSError:
        return new


# ---------------------------------------------------------------- records ↔ JSON


def encode(obj):
    """A record tree as JSON-able values (dataclasses as dicts, tuples as lists)."""
    if obj is None or isinstance(obj, (str, int, float)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [encode(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): encode(v) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {n: encode(getattr(obj, n)) for n in _names(type(obj))}
    return obj


@cache
def _names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@cache
def _hints(cls) -> dict:
    return typing.get_type_hints(cls, vars(records))


def decode(tp, value):
    """Rebuild a value of type `tp` from JSON, checking every type on the way (ValueError if wrong)."""
    return _decoder(tp)(value)


@cache
def _decoder(tp) -> Callable[[Any], Any]:
    """The function that decodes (and checks) a JSON value of type `tp`, worked out once per type."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _union(tp)
    if tp is type(None):
        return _none
    if origin in (list, tuple):
        return _sequence(tp, origin)
    if origin is dict or tp is dict:
        return _dict
    if dataclasses.is_dataclass(tp):
        return lambda value: _decode_record(tp, value)
    return _scalar(tp)


def _none(value):
    if value is None:
        return None
    raise ValueError("expected null")


def _dict(value):
    if not isinstance(value, dict):
        raise ValueError("expected an object")
    return dict(value)


def _union(tp) -> Callable[[Any], Any]:
    alts = typing.get_args(tp)
    optional = type(None) in alts  # only NoneType's decoder takes null: answer it without trying the others

    def union(value):
        if value is None and optional:
            return None
        for alt in alts:
            try:
                return _decoder(alt)(value)
            except ValueError:
                continue
        raise ValueError(f"no alternative of {tp} fits")

    return union


def _sequence(tp, origin) -> Callable[[Any], Any]:
    args = typing.get_args(tp)

    def sequence(value):
        if not isinstance(value, list):
            raise ValueError(f"expected a list for {tp}")
        if origin is list:
            item = _decoder(args[0])
            return [item(v) for v in value]
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return tuple(item(v) for v in value)
        if len(args) != len(value):
            raise ValueError(f"expected {len(args)} items")
        return tuple(_decoder(a)(v) for a, v in zip(args, value))

    return sequence


def _scalar(tp) -> Callable[[Any], Any]:
    def scalar(value):
        if tp is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if tp in (str, int, bool) and type(value) is tp:
            return value
        raise ValueError(f"expected {tp}, got {type(value).__name__}")

    return scalar


def _decode_record(cls, value):
    if not isinstance(value, dict):
        raise ValueError(f"expected an object for {cls.__name__}")
    fields = _fields(cls)
    if value.keys() != fields.keys():
        raise ValueError(f"fields of {cls.__name__} differ")
    return cls(**{n: d(value[n]) for n, d in fields.items()})


@cache
def _fields(cls) -> dict[str, Callable[[Any], Any]]:
    """Each field of a record type and the decoder of its type."""
    hints = _hints(cls)
    return {f.name: _decoder(hints[f.name]) for f in dataclasses.fields(cls)}


# ---------------------------------------------------------------- entries


def seal(ed: Edition, digest: str, key: str) -> bytes:
    """A cache entry: HMAC line, then the compressed JSON that names the PDF hash and the cache key."""
    payload = zlib.compress(
        json.dumps(
            {"format": FORMAT, "pdf_sha256": digest, "key": key, "edition": encode(ed)},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8"),
        ZLIB_LEVEL,
    )
    mac = hmac.new(secret(), payload, hashlib.sha256).hexdigest().encode()
    return mac + b"\n" + payload


def unseal(blob: bytes, digest: str, key: str) -> Edition:
    """The Edition of an entry, or ValueError unless it is authentic and made for these PDF bytes."""
    mac, _, payload = blob.partition(b"\n")
    want = hmac.new(secret(), payload, hashlib.sha256).hexdigest().encode()
    if not hmac.compare_digest(mac, want):
        raise ValueError("cache entry not made by this user's nhr (or damaged)")
    z = zlib.decompressobj()
    raw = z.decompress(payload, MAX_INFLATED)
    if z.unconsumed_tail:
        raise ValueError("cache entry too large")
    data = json.loads(raw)
    if data.get("format") != FORMAT or data.get("pdf_sha256") != digest or data.get("key") != key:
        raise ValueError("cache entry made for other bytes or another version")
    return _decode_record(Edition, data["edition"])


@lru_cache(maxsize=1)
def code_hash() -> str:
    """Hash of the pipeline's own source, the C glyph loop included: a changed extractor never serves
    stale cached records."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for f in sorted([*root.rglob("*.py"), *root.rglob("*.c")]):
        h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:CODE_HASH_DIGITS]


def cache_key(digest: str, engine: str) -> str:
    """An entry's key: the PDF's bytes, the engine, and nhr's version, source and configuration."""
    return f"{digest[:CACHE_KEY_DIGITS]}-{engine}-{__version__}-{code_hash()}-{config_hash()}"


def cache_file(folder: Path, digest: str, engine: str) -> Path:
    """Where the entry of these PDF bytes read by `engine` lives in the cache folder."""
    return folder / f"{cache_key(digest, engine)}.json.z"


def entries(folder: Path, engine: str) -> list[Path]:
    """The entries `engine` wrote in the cache folder, of any version, code or configuration."""
    return sorted(folder.glob(CACHE_ENTRIES.format(engine=engine)))


def from_cache(folder: Path, digest: str, engine: str) -> Edition | None:
    """The cached Edition for these PDF bytes, or None (missing, forged, damaged, other version)."""
    f = cache_file(folder, digest, engine)
    try:
        return unseal(f.read_bytes(), digest, cache_key(digest, engine))
    except (OSError, ValueError, TypeError, KeyError, zlib.error):
        return None
