"""Corpus → Searcher: chunk, tokenize (in worker processes for a large corpus), index.

`open_searcher` is what the commands and the bot call: it loads the index file when
it still matches the corpus and the settings, and otherwise builds and saves a new one.
"""

from __future__ import annotations

import logging
import multiprocessing
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from bot.config import Settings
from bot.documents.corpus import Corpus, load_corpus
from bot.documents.reading import ReadLimits
from bot.models import Chunk, Document, SkippedFile
from bot.passages import chunk_corpus
from bot.search import indexfile, tokens
from bot.search.npyfile import ArrayWriter
from bot.search.postings import Batch, build_index, count_batch
from bot.search.quotes import QuoteIndex
from bot.search.reference import RankBM25Engine
from bot.search.searcher import Searcher, index_parts, index_text
from bot.search.store import ChunkStore

log = logging.getLogger(__name__)

PARALLEL_FROM = 5000  # passages; below this, worker start-up costs more than it saves
WORKER_BATCH = 512  # passages a worker counts at a time
WINDOW = 64  # batches handed to the workers at a time


@dataclass(frozen=True)
class Opened:
    """A ready Searcher, and how it came to be."""

    searcher: Searcher
    skipped: tuple[SkippedFile, ...]
    loaded: bool  # True when read from the index file, False when built
    reason: str  # why it was (re)built, or where it was loaded from
    corpus: dict[str, Any]  # size, time and digest of each corpus file it reflects


_worker_tokenizer: tokens.Tokenizer | None = None  # a build worker's copy of the index's


def _prepare_worker(cache: str | None, tokenizer: tokens.Tokenizer) -> None:
    global _worker_tokenizer
    tokens.use_cache_dir(Path(cache) if cache else None)
    _worker_tokenizer = tokenizer


def _count(parts: list[tuple[str, str]]) -> Batch:
    assert _worker_tokenizer is not None
    return count_batch(passage_terms(_worker_tokenizer, parts))


def passage_terms(
    tokenizer: tokens.Tokenizer, parts: Iterable[tuple[str, str]]
) -> Iterator[list[str]]:
    """Each passage's terms from its `index_parts`: those of `index_text(chunk)`, in
    another order. Its heading part, the same for every passage of a section, is
    tokenized once (no word or character pair crosses the line break between them)."""
    heading_terms: dict[str, list[str]] = {}
    for heading, text in parts:
        if heading not in heading_terms:
            heading_terms[heading] = tokenizer.tokenize(heading)
        yield heading_terms[heading] + tokenizer.tokenize(text)


def counted_batches(
    chunks: Sequence[Chunk], tokenizer: tokens.Tokenizer, workers: int, progress: bool
) -> Iterator[Batch]:
    """The passages' term counts, a batch at a time and in order; counted in `workers`
    processes for a large corpus, WINDOW batches in flight at most (so the texts sent
    to them are never all in memory at once)."""
    from tqdm import tqdm  # (a one-shot command on a current index builds nothing)

    bar = tqdm(
        total=len(chunks), unit=" passages", desc="Indexing", disable=not progress, smoothing=0.1
    )
    starts = range(0, len(chunks), WORKER_BATCH)

    def texts(low: int) -> list[tuple[str, str]]:
        return [index_parts(chunk) for chunk in chunks[low : low + WORKER_BATCH]]

    with bar:
        if workers > 1 and len(chunks) >= PARALLEL_FROM:
            context = multiprocessing.get_context("spawn")  # safe beside threads (the bot)
            cache = tokens.cache_dir()  # the parent's, so workers share its cached tables
            with context.Pool(workers, _prepare_worker, (str(cache), tokenizer)) as pool:
                for window in range(0, len(starts), WINDOW):
                    lows = starts[window : window + WINDOW]
                    for batch in pool.imap(_count, [texts(low) for low in lows]):
                        bar.update(len(batch.lengths))
                        yield batch
        else:
            for low in starts:
                batch = count_batch(passage_terms(tokenizer, texts(low)))
                bar.update(len(batch.lengths))
                yield batch


def searcher_from_chunks(
    chunks: Sequence[Chunk],
    documents: Sequence[Document],
    settings: Settings,
    quoted_terms: Sequence[str] = (),
    user_dict: Path | None = None,
    progress: bool = False,
    quotes: QuoteIndex | None = None,
    writer: ArrayWriter | None = None,
) -> Searcher:
    """Index passages with the settings' BM25 parameters, with `quotes` (the documents'
    quote index, see `quote_index_of`) for quote checks; without it the searcher's
    `quote` refuses. The arrays are written through `writer` (into the
    index folder being saved) as each part is made, and memory-mapped from there, so a
    large corpus's parts are not all in memory at once; without a writer the BM25
    arrays go to a temporary folder and the rest stays in memory."""
    tokenizer = tokens.Tokenizer(quoted_terms, user_dict)
    batches = counted_batches(chunks, tokenizer, settings.build_workers, progress)
    index = build_index(
        batches, len(chunks), writer, settings.bm25_k1, settings.bm25_b, settings.bm25_epsilon
    )
    built = ChunkStore.build(chunks, documents)
    store = ChunkStore.from_stored(built.tables(), written(built.arrays(), writer))
    del built
    return Searcher(
        store,
        index,
        tokenizer,
        settings.min_coverage,
        time.time(),
        list(quoted_terms),
        quotes=quotes,
    )


def written(arrays: dict[str, np.ndarray], writer: ArrayWriter | None) -> dict[str, np.ndarray]:
    """The arrays, written through `writer` and memory-mapped back (their memory freed
    once the caller drops them); without a writer, as they are."""
    if writer is None:
        return arrays
    for name, array in arrays.items():
        writer.save(name, array)
    return writer.mapped(arrays)


def quote_index_of(documents: Sequence[Document], writer: ArrayWriter | None) -> QuoteIndex:
    """The documents' quote index, its arrays written through `writer` (if any)."""
    return QuoteIndex.from_arrays(written(QuoteIndex.build(documents).arrays(), writer))


def corpus_of(settings: Settings) -> Corpus:
    """The settings' corpus, read within the settings' file and archive limits."""
    return load_corpus(settings.corpus_dir, read_limits(settings), settings.build_workers)


def read_limits(settings: Settings) -> ReadLimits:
    """The settings' limits on what a corpus file may hold."""
    return ReadLimits(
        max_bytes=settings.max_file_mb * 2**20,
        max_inflated_bytes=settings.max_inflated_mb * 2**20,
        max_entries=settings.max_archive_entries,
        max_ratio=settings.max_inflate_ratio,
    )


def build_searcher(
    corpus: Corpus,
    settings: Settings,
    progress: bool = False,
    quote_index: bool = True,
    writer: ArrayWriter | None = None,
) -> Searcher:
    """Chunk and index the corpus, with a tokenizer that knows its domain terms (its
    quoted terms and user dictionary), and its quote index unless `quote_index` is False;
    the index's arrays go through `writer` (see `searcher_from_chunks`)."""
    quoted = list(
        dict.fromkeys(t for doc in corpus.documents for t in tokens.quoted_terms(doc.text))
    )
    # The quote index first, while there are no passages yet: its sort is the build's
    # largest allocation, and the passages of a large corpus take as much again.
    quotes = quote_index_of(corpus.documents, writer) if quote_index else None
    chunks = chunk_corpus(corpus.documents, settings.max_chunk_chars)
    return searcher_from_chunks(
        chunks, corpus.documents, settings, quoted, corpus.user_dict, progress, quotes, writer
    )


def corpus_changed(settings: Settings, known: dict[str, Any]) -> bool:
    """Whether any corpus file was added, removed or changed since `known` was taken."""
    current = indexfile.corpus_state(settings.corpus_dir, known)
    return indexfile.digests(current) != indexfile.digests(known)


def open_searcher(settings: Settings, progress: bool = False, rebuild: bool = False) -> Opened:
    """The searcher for the settings' corpus: from the index file when it is current,
    otherwise built from the corpus and saved (atomically) for the next start.

    Raises CorpusError when the corpus cannot be served at all.
    """
    directory = indexfile.location(settings)
    reason = "rebuild requested"
    if not rebuild:
        began = time.perf_counter()
        loaded = indexfile.load(directory, settings)
        if isinstance(loaded, indexfile.Loaded):
            log.info("Loaded the index from %s in %.2f s", directory, time.perf_counter() - began)
            searcher = with_engine(loaded.searcher, settings)
            searcher.warm()
            return Opened(
                searcher, loaded.skipped, True, f"loaded from {directory}", loaded.corpus
            )
        reason = loaded.reason
        log.info("Building the index: %s", reason)
    state = indexfile.corpus_state(settings.corpus_dir)
    corpus = corpus_of(settings)
    try:  # the index's arrays are written straight into the folder being saved
        writer: ArrayWriter | None = ArrayWriter(indexfile.new_folder(directory))
    except OSError as error:
        log.warning("Could not save the index to %s: %s", directory, error)
        writer = None
    try:
        searcher = build_searcher(corpus, settings, progress, writer=writer)
    except BaseException:
        if writer is not None:
            shutil.rmtree(writer.folder, ignore_errors=True)
        raise
    if writer is not None:
        try:
            indexfile.save(directory, searcher, settings, state, corpus.skipped, writer)
        except OSError as error:
            log.warning("Could not save the index to %s: %s", directory, error)
    searcher = with_engine(searcher, settings)
    searcher.warm()
    return Opened(searcher, corpus.skipped, False, reason, state)


def with_engine(searcher: Searcher, settings: Settings) -> Searcher:
    """The searcher ranking with the settings' BM25_ENGINE: the index's own engine, or
    rank-bm25's BM25Okapi over the passages' token lists (made here, in this process)."""
    if settings.bm25_engine != "rank-bm25":
        return searcher
    token_lists = [searcher.tokenizer.tokenize(index_text(chunk)) for chunk in searcher.store]
    engine = RankBM25Engine(
        token_lists, k1=settings.bm25_k1, b=settings.bm25_b, epsilon=settings.bm25_epsilon
    )
    log.info("Ranking with rank-bm25 (BM25_ENGINE=rank-bm25)")
    return replace(searcher, ranking=engine)
