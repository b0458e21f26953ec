"""What the ledger says was written when the chunks written are not only the first ones
(POSTs in flight when one failed)."""

from __future__ import annotations

from performanceplatform.pipeline.collector import Unit
from performanceplatform.pipeline.ledger import Ledger


def ledger(*sizes: int) -> Ledger:
    """Units ``A``, ``B``, ... with ``sizes`` records each, all handed to the sink."""
    units = [Unit(chr(ord("A") + n)) for n in range(len(sizes))]
    book = Ledger(units, "period", 2)
    for size in sizes:
        book.handed += size
        book.ends.append(book.handed)
    return book


def test_the_first_chunks_written_are_told_as_before():
    book = ledger(2, 2, 2, 2)
    assert book.summary(4) == book.summary(((0, 2), (2, 4))) == \
        "2 periods were written: A to B; 2 periods from C on were not"


def test_chunks_written_after_a_failed_one_count_their_whole_units():
    book = ledger(2, 2, 2, 2, 2, 2)  # a chunk per unit; chunk 2 failed, 3 and 5 went through
    assert book.written_units(((0, 2), (4, 6), (8, 10))) == [True, False, True, False, True,
                                                            False]
    assert book.summary(((0, 2), (4, 6), (8, 10))) == \
        "3 periods were written: A, C and E; 3 periods were not: B, D and F"


def test_a_unit_is_written_only_when_all_its_records_are():
    book = ledger(3, 3, 3, 3)  # chunks of 2: unit B is records 3 to 5
    assert book.summary(((0, 4), (6, 8))) == \
        "1 period was written: A; 3 periods from B on were not"
    assert book.summary(((0, 2), (2, 4), (4, 6), (8, 10), (10, 12))) == \
        "3 periods were written: A to B and D; 1 period was not: C"
    assert book.summary(((0, 2), (6, 8), (8, 10), (10, 12))) == \
        "2 periods were written: C to D; 2 periods were not: A to B"


def test_a_single_unit_written_in_part_says_so():
    book = ledger(5)
    assert book.summary(2) == book.summary(((2, 4),)) == "part of it was written"
    assert book.summary(0) == "nothing was written"
    assert book.summary(5) == "it was written"


def test_nothing_finished_nothing_written():
    book = ledger()
    book.units = [Unit("A"), Unit("B")]
    assert book.summary(0) == "no period was written; 2 periods from A on were not"
