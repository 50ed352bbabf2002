"""recsim.outputs.direct.DirectFolder: a batch shard's media written by a thread, past
the first CACHED_BYTES of a process with O_DIRECT (or through the page cache where the
file system refuses it): every file holds exactly its bytes, whatever its size against
the 4096-byte blocks; failures are raised naming the file; an abandoned folder drops
what is queued. The tests set CACHED_BYTES to 0 (every file past the cache) unless they
test it."""

from __future__ import annotations

import errno
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recsim.errors import OutputError
from recsim.outputs import direct, encode_parts
from recsim.outputs.direct import ALIGN, DirectFolder


@pytest.fixture(autouse=True)
def _past_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(direct, "CACHED_BYTES", 0)


SIZES = st.one_of(st.integers(0, 3 * ALIGN + 7), st.sampled_from([ALIGN - 1, ALIGN, ALIGN + 1, 2 * ALIGN]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(SIZES, min_size=1, max_size=3), min_size=1, max_size=6), st.integers(0, 2**32 - 1))
def test_every_file_holds_exactly_its_parts(tmp_path_factory: pytest.TempPathFactory, files: list[list[int]],
                                            seed: int) -> None:
    folder = tmp_path_factory.mktemp("direct")
    rng = np.random.default_rng(seed)
    want = {}
    out = DirectFolder(folder)
    for i, sizes in enumerate(files):  # sizes up and down: the aligned buffer grows and is reused
        parts = tuple(rng.integers(0, 256, n, dtype=np.uint8).tobytes() for n in sizes)
        data = parts[0] if len(parts) == 1 else parts
        out.write(f"f{i}.bin", data)
        want[f"f{i}.bin"] = b"".join(parts)
    out.close()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == want


def test_a_wav_in_parts_is_its_encoding(tmp_path: Path) -> None:
    """The header and a view of the int16 samples (:func:`encode_parts`), as a shard
    writes them: the file is the joined WAV, its samples intact."""
    x = np.random.default_rng(3).integers(-32768, 32767, (480_001, 2), dtype=np.int16)
    parts = encode_parts(x, "wav")
    out = DirectFolder(tmp_path)
    out.write("a.wav", parts)
    out.close()
    data = (tmp_path / "a.wav").read_bytes()
    assert data == b"".join(bytes(p) for p in parts) and len(data) == 44 + x.nbytes
    assert np.array_equal(np.frombuffer(data[44:], dtype="<i2").reshape(-1, 2), x)


def test_a_file_system_that_refuses_o_direct_gets_the_page_cache(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: DirectFolder, path: str, parts: list[memoryview], n: int) -> None:
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(DirectFolder, "_write_direct", refuse)
    out = DirectFolder(tmp_path)
    out.write("a.bin", b"x" * 5000)
    out.write("b.bin", (b"head", b"y" * ALIGN))
    out.close()
    assert (tmp_path / "a.bin").read_bytes() == b"x" * 5000
    assert (tmp_path / "b.bin").read_bytes() == b"head" + b"y" * ALIGN
    assert out._direct is False  # decided once, for the folder's later files too


def test_a_failed_write_is_raised_naming_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(self: DirectFolder, path: str, parts: list[memoryview], n: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(DirectFolder, "_write_direct", full)
    out = DirectFolder(tmp_path)
    out.write("a.wav", b"x" * 10)
    with pytest.raises(OutputError, match=r"a\.wav: cannot write \(the disk is full\)"):
        out.close()
    later = DirectFolder(tmp_path)
    later.write("b.wav", b"x")
    deadline = time.monotonic() + 10
    while later._failed is None and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(OutputError, match=r"b\.wav: cannot write \(the disk is full\)"):
        later.write("c.wav", b"x")  # the next write tells, before queueing more
    later.abandon()


def test_an_unexpected_error_in_the_thread_is_raised_not_a_hang(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: DirectFolder, path: str, parts: list[memoryview], n: int) -> None:
        raise MemoryError

    monkeypatch.setattr(DirectFolder, "_write_direct", broken)
    out = DirectFolder(tmp_path)
    for i in range(3 * 4):  # more than the queue holds: the thread keeps taking them
        try:
            out.write(f"f{i}", b"x")
        except MemoryError:
            break
    with pytest.raises(MemoryError):
        out.close()
    assert not out._thread.is_alive()


def test_abandon_drops_what_is_queued_and_raises_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(self: DirectFolder, path: str, parts: list[memoryview], n: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(DirectFolder, "_write_direct", full)
    out = DirectFolder(tmp_path)
    out.write("a.wav", b"x")
    out.abandon()  # the shard's own error is the one its caller sees
    assert not out._thread.is_alive()


def test_the_first_cached_bytes_of_a_process_go_through_the_page_cache(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A small batch is written (and read back) at memory speed: files go past the cache
    only once the process has written CACHED_BYTES."""
    monkeypatch.setattr(direct, "_written", 0)
    monkeypatch.setattr(direct, "CACHED_BYTES", 3 * ALIGN)
    seen: list[str] = []
    real = DirectFolder._write_direct

    def spy(self: DirectFolder, path: str, parts: list[memoryview], n: int) -> None:
        seen.append(Path(path).name)
        real(self, path, parts, n)

    monkeypatch.setattr(DirectFolder, "_write_direct", spy)
    out = DirectFolder(tmp_path)
    for i in range(5):
        out.write(f"f{i}", bytes([i]) * ALIGN)
    out.close()
    assert seen == ["f3", "f4"]  # 4, 5 blocks written: past 3
    assert all((tmp_path / f"f{i}").read_bytes() == bytes([i]) * ALIGN for i in range(5))

