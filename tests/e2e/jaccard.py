#!/usr/bin/env python3
"""Independent word n-gram Jaccard of two text files, for the e2e tests.

Tokens are maximal runs of letters, digits and combining marks, lowercased
(neardup's rule for scripts written with spaces); shingles are n consecutive
tokens (n = 5 by default); a text with fewer than n tokens is one shingle.
Prints the Jaccard with 4 decimals."""
import re
import sys
import unicodedata

WORD = re.compile(r"[^\W_]+(?:[\u0300-\u036f]+[^\W_]*)*")


def tokens(text):
    text = unicodedata.normalize("NFKC", text).casefold()
    return WORD.findall(text)


def shingles(text, n=5):
    t = tokens(text)
    if len(t) < n:
        return {tuple(t)} if t else set()
    return {tuple(t[i:i + n]) for i in range(len(t) - n + 1)}


def jaccard(a, b, n=5):
    x, y = shingles(a, n), shingles(b, n)
    return len(x & y) / len(x | y) if x | y else 1.0


if __name__ == "__main__":
    a = open(sys.argv[1], encoding="utf-8", errors="replace").read()
    b = open(sys.argv[2], encoding="utf-8", errors="replace").read()
    print(f"{jaccard(a, b):.4f}")
