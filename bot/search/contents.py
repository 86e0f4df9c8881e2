"""A library's table of contents: each document's headings as a tree, for browsing.

A section is named by its document's index and the indexes of its headings level by
level (`(2, (0, 3))`: the fourth subsection of the first section of the third
document), small enough for a button.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.search.store import ChunkStore


@dataclass
class Section:
    """A heading with the passages under it and its subsections, in document order."""

    heading: str
    first: int  # the position of the first passage under it
    children: list[Section] = field(default_factory=list)


@dataclass
class Contents:
    """The outline of every document of a store."""

    store: ChunkStore
    visible: frozenset[int] | None = None  # the documents shown (None: all)
    roots: list[Section] = field(init=False)  # one per document, its heading its title

    def __post_init__(self) -> None:
        store, paths = self.store, self.store.heading_paths
        self.roots = []
        for doc, meta in enumerate(store.docs):
            begin, end = store.doc_range(doc)
            root = Section(meta["title"], begin)
            for position in range(begin, end):
                node = root
                for heading in paths[int(store.headings_of[position])]:
                    if not node.children or node.children[-1].heading != heading:
                        node.children.append(Section(heading, position))
                    node = node.children[-1]
            self.roots.append(root)

    def section(self, doc: int, path: tuple[int, ...] = ()) -> Section | None:
        """The section at `path` in document `doc`, or None when there is none."""
        if not 0 <= doc < len(self.roots) or not self.shows(doc):
            return None
        node = self.roots[doc]
        for index in path:
            if not 0 <= index < len(node.children):
                return None
            node = node.children[index]
        return node

    def shows(self, doc: int) -> bool:
        """Whether the contents show document `doc`."""
        return self.visible is None or doc in self.visible

    def documents(self) -> list[tuple[int, Section]]:
        """The documents shown, with their index, in corpus order."""
        return [(doc, root) for doc, root in enumerate(self.roots) if self.shows(doc)]

    def path_of(self, position: int) -> tuple[int, ...]:
        """Where to browse up to from a passage: its document and top-level section, or
        the document alone when the passage sits before the first heading or its section
        has no subsections (its page is the passages themselves)."""
        doc = int(self.store.doc_of[position])
        headings = self.store.heading_paths[int(self.store.headings_of[position])]
        if not headings:
            return (doc,)
        children = self.roots[doc].children
        top = max(i for i, child in enumerate(children) if child.first <= position)
        return (doc, top) if children[top].children else (doc,)

    def neighbours(self, position: int) -> tuple[int | None, int | None]:
        """The passages before and after `position` in its document."""
        begin, end = self.store.doc_range(int(self.store.doc_of[position]))
        before = position - 1 if position > begin else None
        after = position + 1 if position + 1 < end else None
        return before, after
