"""The cache folder's entries of one engine, named in one place (store/cache.py) for the build's pruning and
the command's early worker start."""

from pipeline.store.boot import nothing_built
from pipeline.store.cache import cache_file, entries


def test_entries_are_one_engines_whatever_their_version(tmp_path):
    cache = tmp_path / ".cache"
    cache.mkdir()
    ours = cache_file(cache, "ab" * 32, "pdfium")
    old = cache / "abab-pdfium-0.1.0-0123456789ab-0123456789ab.json.z"  # an older version's entry
    for f in (ours, old, cache_file(cache, "cd" * 32, "pdfplumber"), cache / "note-pdfium-.txt"):
        f.write_bytes(b"x")
    assert entries(cache, "pdfium") == sorted([ours, old])
    assert entries(tmp_path / "missing", "pdfium") == []


def test_nothing_built_reads_the_cache_entries_of_its_engine(tmp_path):
    assert nothing_built(tmp_path, "pdfium")
    (tmp_path / ".cache").mkdir()
    cache_file(tmp_path / ".cache", "ab" * 32, "pdfplumber").write_bytes(b"x")
    assert nothing_built(tmp_path, "pdfium") and not nothing_built(tmp_path, "pdfplumber")
