#!/usr/bin/env python3
"""Enclave's guardrail detectors and presidio-analyzer's pattern recognizers side by side on one corpus.

Runs presidio's pattern recognizers (no spaCy model: each recognizer is called directly with
nlp_artifacts=None, so context words do not change scores) on every case of a JSON Lines corpus,
scores them exactly as `enclave eval guardrails` does (a recognizer fires on a case when it returns a
result of its entity at or above --score-threshold; per entity precision, recall, F1 and support), runs
`enclave eval guardrails --json` on the same file and prints both per entity.

Needs presidio-analyzer in the interpreter that runs this script (`make bench-guardrails-presidio` makes a
venv for it); presidio is never a dependency of Enclave.
"""
import argparse
import json
import logging
import subprocess
import sys

ENTITIES = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "IP_ADDRESS", "DATE_OF_BIRTH",
            "POSTAL_ADDRESS", "PERSON", "SECRET", "PROMPT_INJECTION"]


def presidio_recognizers():
    # tldextract (used by the e-mail recognizer) tries to download the public suffix list and falls back to
    # its bundled copy offline; keep its warning out of the report.
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    from presidio_analyzer.predefined_recognizers import (CreditCardRecognizer, EmailRecognizer, IbanRecognizer,
                                                          IpRecognizer, PhoneRecognizer, UsSsnRecognizer)
    return {
        "EMAIL_ADDRESS": EmailRecognizer(), "PHONE_NUMBER": PhoneRecognizer(), "CREDIT_CARD": CreditCardRecognizer(),
        "IBAN_CODE": IbanRecognizer(), "US_SSN": UsSsnRecognizer(), "IP_ADDRESS": IpRecognizer(),
    }


def score(counts):
    tp, fp, fn = counts
    precision = 1.0 if tp + fp == 0 else tp / (tp + fp)
    recall = 1.0 if tp + fn == 0 else tp / (tp + fn)
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}


def run_presidio(cases, threshold):
    recognizers = presidio_recognizers()
    counts = {name: [0, 0, 0] for name in recognizers}
    for case in cases:
        labels = set(case["labels"])
        for name, recognizer in recognizers.items():
            results = recognizer.analyze(case["text"], entities=[name], nlp_artifacts=None) or []
            fired = any(r.entity_type == name and r.score >= threshold for r in results)
            expected = name in labels
            if fired and expected:
                counts[name][0] += 1
            elif fired:
                counts[name][1] += 1
            elif expected:
                counts[name][2] += 1
    return {name: score(c) for name, c in counts.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", default="Tests/Data/guardrails/cases.jsonl")
    parser.add_argument("--bin", default=".build/release/enclave", help="the enclave executable")
    parser.add_argument("--enclave-json", help="use this saved `enclave eval guardrails --json` output instead of running it")
    parser.add_argument("--score-threshold", type=float, default=0.0,
                        help="presidio's least result score that counts (0, presidio's default, counts every result)")
    parser.add_argument("--json", action="store_true", help="print one JSON object with both reports")
    args = parser.parse_args()

    with open(args.file, encoding="utf-8") as handle:
        cases = [json.loads(line) for line in handle if line.strip()]
    presidio = run_presidio(cases, args.score_threshold)
    if args.enclave_json:
        with open(args.enclave_json, encoding="utf-8") as handle:
            enclave = json.load(handle)["detectors"]
    else:
        output = subprocess.run([args.bin, "eval", "guardrails", "--file", args.file, "--json"], check=True,
                                capture_output=True, text=True).stdout
        enclave = json.loads(output)["detectors"]

    if args.json:
        print(json.dumps({"cases": len(cases), "enclave": enclave, "presidio": presidio}, sort_keys=True))
        return
    print(f"{len(cases)} cases from {args.file}; presidio-analyzer pattern recognizers, score >= {args.score_threshold}")
    print(f"{'entity':<17} {'enclave P':>9} {'R':>6} {'F1':>6}   {'presidio P':>10} {'R':>6} {'F1':>6}  support")
    worse = []
    for name in ENTITIES:
        e = enclave.get(name)
        p = presidio.get(name)
        if e is None and p is None:
            continue
        left = f"{e['precision']:9.3f} {e['recall']:6.3f} {e['f1']:6.3f}" if e else f"{'-':>9} {'-':>6} {'-':>6}"
        right = f"{p['precision']:10.3f} {p['recall']:6.3f} {p['f1']:6.3f}" if p else f"{'-':>10} {'-':>6} {'-':>6}"
        support = (e or p)["support"]
        print(f"{name:<17} {left}   {right}  {support:7d}")
        if e and p and e["f1"] < p["f1"]:
            worse.append(name)
    if worse:
        print("Enclave's F1 is under presidio's for: " + ", ".join(worse))
        sys.exit(1)
    print("Enclave's F1 is at least presidio's on every entity both detect.")


if __name__ == "__main__":
    main()
