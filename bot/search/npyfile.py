""".npy files written whole or in blocks, each one's size and checksum (XXH3-64) taken as
it is written.

The index's arrays are written once and checked at every load; taking the checksum on the
way out means a large array is never read back (nor mapped into memory) to record it.
"""

from __future__ import annotations

import math
import mmap
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import numpy as np
import xxhash

CHECKSUM = "xxh3_64"  # the manifest's name for an array's checksum


class _Counted:
    """A binary file that keeps the checksum and size of what is written to it."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.hash = xxhash.xxh3_64()
        self.size = 0

    def write(self, data: bytes | memoryview) -> int:
        self.hash.update(data)
        self.size += len(memoryview(data).cast("B"))
        return self.handle.write(data)


class Stream:
    """The blocks of one 1-D array, written in order."""

    def __init__(self, out: _Counted, dtype: np.dtype, length: int) -> None:
        self._out, self.dtype, self.length, self.written = out, dtype, length, 0

    def write(self, block: np.ndarray) -> None:
        """Append `block` (of the array's dtype) to the array."""
        block = np.ascontiguousarray(block, dtype=self.dtype)
        self.written += len(block)
        if self.written > self.length:
            raise ValueError(f"more than the {self.length} elements announced")
        self._out.write(block.data.cast("B"))


class ArrayWriter:
    """Writes arrays as .npy files into `folder` and records each one's size and checksum."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.recorded: dict[str, dict[str, int]] = {}

    def save(self, name: str, array: np.ndarray) -> None:
        """Write one whole array."""
        with (self.folder / f"{name}.npy").open("wb") as handle:
            out = _Counted(handle)
            np.lib.format.write_array(out, np.ascontiguousarray(array), allow_pickle=False)
        self.recorded[name] = {"size": out.size, CHECKSUM: out.hash.intdigest()}

    @contextmanager
    def stream(self, name: str, dtype: np.dtype, length: int) -> Iterator[Stream]:
        """Write a 1-D array of `length` elements block by block (`Stream.write`)."""
        with (self.folder / f"{name}.npy").open("wb") as handle:
            out = _Counted(handle)
            header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False}
            np.lib.format.write_array_header_1_0(out, {**header, "shape": (length,)})
            stream = Stream(out, dtype, length)
            yield stream
            if stream.written != length:
                raise ValueError(f"{name}: {stream.written} elements of {length} written")
        self.recorded[name] = {"size": out.size, CHECKSUM: out.hash.intdigest()}

    def mapped(self, names: Iterable[str]) -> dict[str, np.ndarray]:
        """The written arrays, memory-mapped read-only (plain ndarray views of the maps)."""
        return {name: load(self.folder / f"{name}.npy") for name in names}


def load(path: Path) -> np.ndarray:
    """A stored array, memory-mapped read-only (a plain ndarray view of the map: np.memmap's
    own indexing costs microseconds a call); an empty one, which no map can hold, read."""
    try:
        return np.asarray(np.load(path, mmap_mode="r"))
    except ValueError:  # mmap refuses a length of 0
        return np.load(path)


def load_checked(path: Path, checksum: int) -> np.ndarray | None:
    """The stored array memory-mapped read-only if its file's XXH3-64 is `checksum`,
    taken through that same map (None if not; raises ValueError for a file that is no
    .npy array of format 1.0 or 2.0). The bytes are checked before the header is read, so
    a damaged header is only a damaged file.

    Checking an array reads every page of it once: through the array's own map, those
    reads leave its pages mapped, so a question touching a posting list for the first
    time pays no page faults (through a map of its own, the check would leave them all to
    the questions)."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return None  # (no map can hold it, and no .npy file is empty)
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if xxhash.xxh3_64_intdigest(mapped) != checksum:
            mapped.close()
            return None
        version = np.lib.format.read_magic(handle)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
        else:
            raise ValueError(f"{path.name}: .npy format {version}, not 1.0 or 2.0")
        offset = handle.tell()
    count = math.prod(shape)
    if count == 0:
        return np.empty(shape, dtype=dtype)
    array = np.frombuffer(mapped, dtype=dtype, count=count, offset=offset)
    return array.reshape(shape, order="F" if fortran else "C")


class DamagedFile(Exception):
    """An index file whose size or checksum is not the one recorded, or no array."""


def checked_arrays(folder: Path, expected: dict[str, dict[str, int]]) -> dict[str, np.ndarray]:
    """Every array of the index, memory-mapped, each checked against its recorded size
    and checksum through its own map (see `load_checked`); raises DamagedFile
    naming the first that is not as recorded.

    Files are checked on all cores, largest first (xxhash releases the GIL), so verifying
    a large index costs about its read time divided by the cores.
    """

    def checked(name: str) -> np.ndarray | None:
        path = folder / f"{name}.npy"
        if path.stat().st_size != expected[name]["size"]:
            return None
        try:
            return load_checked(path, expected[name][CHECKSUM])
        except ValueError:
            return None

    names = sorted(expected, key=lambda name: -expected[name]["size"])
    arrays: dict[str, np.ndarray] = {}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for name, array in zip(names, pool.map(checked, names), strict=True):
            if array is None:
                raise DamagedFile(f"{name}.npy")
            arrays[name] = array
    return arrays
