"""Are the domain reviews (transfer learning in `transformers`) what the generator says, and did
adding them leave the lab's datasets untouched?

The generator is autograder/nlp_lab/data/make_datasets.py; the domain files the `transformers`
assignment releases are in assignments/transformers/data/ (see the DATASHEET.md there), its
hidden test split in autograder/transformers/data/.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections import Counter

import pytest

from conftest import COURSE

DATA = COURSE.hidden_tests("nlp_lab") / "data"
PUBLIC = COURSE.source_notebook("transformers").parent / "data"
HIDDEN = COURSE.hidden_tests("transformers") / "data"
SPLITS = ("source_train", "target_train", "target_val", "target_test")
# The lab's files as its thresholds were set on them (sha256). A change here is a change of the
# lab's data: its thresholds (autograder/nlp_lab/lab.py) must be set again.
LAB_FILES = {
    "public/DATASHEET.md": "02b8af606ab03e4604f7d97cb464a362f4d55247f8d4f306016ae180205f14b6",
    "public/corpus_train.txt": "a3aa11625cd0602c5007c6d98336a45101e1b9a6f89e023f2f9c14bd2b09f5f9",
    "public/corpus_val.txt": "d4ebeafe2d676d2a0e9a35c27092d180d82594f246f14c08237859b3efac5a8d",
    "public/reviews_train.tsv": "a479502a64cb90448aeec853a4b96008f7de100310b244e3bca2b288cea7e496",
    "public/reviews_val.tsv": "b009455b2a609ed136dd916e962e2b6a6ccd4bd445ee30fa662d8438274dfa7a",
    "hidden/README.md": "1653d7a533ca45ec3ec4830e835f2efc3a049889258aa53e39c0a91b7763be16",
    "hidden/corpus_test.txt": "65efe92874c749cca9a060115e503d8b460ccb8c8465bdfffd2df9e57f1fa358",
    "hidden/reviews_test.tsv": "e0204c0c347909a0397b8c799dda5a9b1cd739e73349443fabde3eb36d6f319e",
}


@pytest.fixture(scope="module")
def gen():
    spec = importlib.util.spec_from_file_location("make_datasets", DATA / "make_datasets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def reviews() -> dict[str, list[tuple[int, str]]]:
    """split -> [(label, text)], as shipped."""
    out = {}
    for split in SPLITS:
        folder = HIDDEN if split == "target_test" else PUBLIC
        lines = (folder / f"{split}.tsv").read_text(encoding="utf-8").splitlines()
        out[split] = [(int(y), t) for y, t in (line.split("\t") for line in lines)]
    return out


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_lab_files_are_still_the_ones_its_thresholds_were_set_on(gen, tmp_path):
    """Does the generator, extended with the domains, still write the lab's files byte for byte
    as they were, and are the shipped ones those?"""
    gen.generate(tmp_path / "public", tmp_path / "hidden")
    shipped = {"public": COURSE.source_notebook("nlp_lab").parent / "data", "hidden": DATA}
    written = {f"{d.name}/{f.name}" for d in tmp_path.iterdir() for f in d.iterdir()}
    assert written == set(LAB_FILES)
    for name, digest in LAB_FILES.items():
        folder, file = name.split("/")
        assert _sha(tmp_path / name) == digest, f"the generator changed the lab's {file}"
        assert _sha(shipped[folder] / file) == digest, f"the shipped {file} changed"


def test_domain_files_regenerate_byte_for_byte(gen, tmp_path):
    """Does generate_domains (seeded) write exactly the shipped domain files and datasheet?"""
    gen.generate_domains(tmp_path / "public", tmp_path / "hidden")
    written = {f"{d.name}/{f.name}" for d in tmp_path.iterdir() for f in d.iterdir()}
    public = [f"public/{s}.tsv" for s in SPLITS if s != "target_test"]
    assert written == {*public, "public/DATASHEET.md", "hidden/target_test.tsv"}
    shipped = {"public": PUBLIC, "hidden": HIDDEN}
    for name in written:
        folder, file = name.split("/")
        assert (tmp_path / name).read_bytes() == (shipped[folder] / file).read_bytes(), name


def test_sizes_are_those_of_the_generator_and_the_files_small(gen, reviews):
    for split in SPLITS:
        assert len(reviews[split]) == gen.TRANSFER_SPLITS[split][1]
    files = [PUBLIC / f"{s}.tsv" for s in SPLITS[:-1]] + [HIDDEN / "target_test.tsv"]
    assert sum(f.stat().st_size for f in files) < 300_000


def _domain_of(gen, text: str) -> set[str]:
    words = set(text.split())
    return {d for d in gen.TRANSFER_DOMAINS if words & gen.own_words(d)}


def test_labels_are_balanced_in_every_split_and_source_domain(gen, reviews):
    for split, rows in reviews.items():
        domains = gen.TRANSFER_SPLITS[split][0]
        counts = Counter((d, y) for y, t in rows for d in _domain_of(gen, t))
        per_cell = len(rows) // (2 * len(domains))
        assert counts == {(d, y): per_cell for d in domains for y in (0, 1)}, split


def test_no_text_occurs_twice_within_or_across_splits(reviews):
    texts = [t for rows in reviews.values() for _, t in rows]
    assert len(set(texts)) == len(texts)


def test_each_review_uses_its_own_domain_words_and_the_shared_ones_only(gen, reviews):
    """Does every review use the words of exactly one domain, one of its split's, besides the
    shared words (templates, generic sentiment, flip words)?"""
    shared = gen.shared_words()
    for split, rows in reviews.items():
        for _, text in rows:
            (domain,) = _domain_of(gen, text)
            assert domain in gen.TRANSFER_SPLITS[split][0], (split, text)
            assert set(text.split()) <= shared | gen.own_words(domain), (split, text)


def test_source_and_target_vocabularies_overlap_only_in_the_shared_words(gen, reviews):
    """Is the overlap the intended bridge: shared words only, and most generic sentiment words
    and every flip word on both sides?"""
    source = {w for _, t in reviews["source_train"] for w in t.split()}
    target = {w for s in SPLITS[1:] for _, t in reviews[s] for w in t.split()}
    both = source & target
    assert both <= gen.shared_words()
    generic = set(gen.POS_ADJS) | set(gen.NEG_ADJS)
    assert len(both & generic) >= 0.9 * len(generic)
    assert set(gen.FLIP_WORDS) <= both


def test_flip_words_lean_to_opposite_labels_in_source_and_target(gen, reviews):
    """Is a flip word ("light") mostly positive in the source and mostly negative in films (or
    the other way round), as designed? Negation ("not light") is rare, so the lean is clear."""
    target = [r for s in SPLITS[1:] for r in reviews[s]]
    for word, source_positive in gen.FLIP_WORDS.items():
        for rows, positive in (
            (reviews["source_train"], source_positive),
            (target, not source_positive),
        ):
            labels = [y for y, t in rows if word in t.split()]
            share = sum(labels) / len(labels)
            assert len(labels) >= 10 and (share > 0.75 if positive else share < 0.25), word


def test_film_reviews_lack_a_generic_sentiment_word_far_more_often_than_source_ones(gen, reviews):
    """Would a model that knows only the source's words be left guessing on about half the film
    reviews (so that the target labels are needed), and on far fewer source reviews? (Shipped:
    0.53 of the film test reviews, 0.30 of the source ones.)"""
    cues = set(gen.POS_ADJS) | set(gen.NEG_ADJS)
    cues |= {v for pair in gen.POS_VERBS + gen.NEG_VERBS for v in pair}

    def without(rows) -> float:
        return sum(not set(t.split()) & cues for _, t in rows) / len(rows)

    assert without(reviews["target_test"]) > 0.45
    assert without(reviews["source_train"]) < 0.35
