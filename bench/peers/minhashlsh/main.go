// Command minhashlsh is the benchmark's driver for the Go library
// github.com/ekzhu/minhash-lsh (Debian: golang-github-ekzhu-minhash-lsh-dev).
//
// It reads a JSON Lines corpus ({"id": ..., "text": ...} per line, plain or gzip),
// shingles each text into word 5-grams the way neardup does for ASCII text
// (maximal runs of letters, digits and marks, lowercased; a text of fewer than 5
// words is one shingle), computes a 128-value MinHash signature per document with
// the library, indexes them in the library's LSH index (threshold 0.8), queries
// each document and keeps candidate pairs whose MinHash estimate of the Jaccard
// similarity is at least the threshold (-verify none keeps every candidate). The
// clusters (connected components of the kept pairs) are written in neardup's
// --clusters format so that `neardup eval` scores every tool the same way.
//
//	minhashlsh [-threshold 0.8] [-perm 128] [-ngram 5] [-seed 1] [-verify estimate|none] \
//	           -clusters OUT CORPUS.jsonl[.gz]
//
// Exit status: 0 done, 1 bad input (file and line named), 2 usage.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode"

	minhashlsh "github.com/ekzhu/minhash-lsh"
)

type record struct {
	ID   json.RawMessage `json:"id"`
	Text string          `json:"text"`
}

func die(code int, format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "minhashlsh: "+format+"\n", a...)
	os.Exit(code)
}

// words splits text into lowercased maximal runs of letters, digits and marks.
func words(text string, buf []string) []string {
	buf = buf[:0]
	start := -1
	ascii := true
	flush := func(end int) {
		w := text[start:end]
		if ascii {
			lower := true
			for i := 0; i < len(w); i++ {
				if w[i] >= 'A' && w[i] <= 'Z' {
					lower = false
					break
				}
			}
			if !lower {
				w = strings.ToLower(w)
			}
		} else {
			w = strings.ToLower(w)
		}
		buf = append(buf, w)
	}
	for i, r := range text {
		isWord := false
		if r < 0x80 {
			c := byte(r)
			isWord = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		} else {
			isWord = unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) ||
				unicode.IsNumber(r)
		}
		if isWord {
			if start < 0 {
				start = i
				ascii = true
			}
			if r >= 0x80 {
				ascii = false
			}
		} else if start >= 0 {
			flush(i)
			start = -1
		}
	}
	if start >= 0 {
		flush(len(text))
	}
	return buf
}

func openCorpus(path string) (io.Reader, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(f, 1<<20)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		return zr, func() { zr.Close(); f.Close() }, nil
	}
	return br, func() { f.Close() }, nil
}

type uf []int

func (u uf) find(x int) int {
	for u[x] != x {
		u[x] = u[u[x]]
		x = u[x]
	}
	return x
}

func (u uf) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if ra > rb {
		ra, rb = rb, ra
	}
	u[rb] = ra // the root is the member that comes first in the input
}

func main() {
	threshold := flag.Float64("threshold", 0.8, "Jaccard threshold of the LSH index and the filter")
	perm := flag.Int("perm", 128, "MinHash permutations")
	ngram := flag.Int("ngram", 5, "words per shingle")
	seed := flag.Int64("seed", 1, "MinHash seed")
	verify := flag.String("verify", "estimate", "estimate: keep candidates whose MinHash "+
		"estimate >= threshold; none: keep every LSH candidate")
	out := flag.String("clusters", "", "output file of clusters (neardup's format)")
	flag.Parse()
	if flag.NArg() != 1 || *out == "" || (*verify != "estimate" && *verify != "none") ||
		*perm < 1 || *ngram < 1 {
		fmt.Fprintln(os.Stderr, "usage: minhashlsh [-threshold T] [-perm N] [-ngram N] [-seed S] "+
			"[-verify estimate|none] -clusters OUT CORPUS.jsonl[.gz]")
		os.Exit(2)
	}
	path := flag.Arg(0)
	r, closeIn, err := openCorpus(path)
	if err != nil {
		die(1, "%s: %v", path, err)
	}
	br := bufio.NewReaderSize(r, 4<<20)

	var ids []string
	var sigs [][]uint64
	var toks []string
	var sh []byte
	lineNo := 0
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			lineNo++
			var rec record
			if jerr := json.Unmarshal(line, &rec); jerr != nil {
				die(1, "%s:%d: not a JSON object: %v", path, lineNo, jerr)
			}
			id := fmt.Sprintf("%s:%d", path, lineNo)
			if len(rec.ID) > 0 && string(rec.ID) != "null" {
				var s string
				if json.Unmarshal(rec.ID, &s) == nil {
					id = s
				} else {
					id = string(rec.ID)
				}
			}
			toks = words(rec.Text, toks)
			m := minhashlsh.NewMinhash(*seed, *perm)
			n := *ngram
			if len(toks) < n && len(toks) > 0 {
				n = len(toks)
			}
			for i := 0; i+n <= len(toks); i++ {
				sh = sh[:0]
				for j := i; j < i+n; j++ {
					if j > i {
						sh = append(sh, ' ')
					}
					sh = append(sh, toks[j]...)
				}
				m.Push(sh)
			}
			ids = append(ids, id)
			sigs = append(sigs, m.Signature())
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			die(1, "%s: %v", path, err)
		}
	}
	closeIn()

	lsh := minhashlsh.NewMinhashLSH64(*perm, *threshold)
	for i, s := range sigs {
		lsh.Add(i, s)
	}
	lsh.Index()
	u := make(uf, len(sigs))
	for i := range u {
		u[i] = i
	}
	candidates, kept := 0, 0
	for i, s := range sigs {
		for _, k := range lsh.Query(s) {
			j := k.(int)
			if j <= i {
				continue
			}
			candidates++
			if *verify == "estimate" {
				eq := 0
				t := sigs[j]
				for x := range s {
					if s[x] == t[x] {
						eq++
					}
				}
				if float64(eq)/float64(len(s)) < *threshold {
					continue
				}
			}
			kept++
			u.union(i, j)
		}
	}

	groups := map[int][]int{}
	for i := range u {
		root := u.find(i)
		groups[root] = append(groups[root], i)
	}
	roots := make([]int, 0, len(groups))
	for root, m := range groups {
		if len(m) > 1 {
			roots = append(roots, root)
		}
	}
	sort.Ints(roots)
	tmp := *out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		die(1, "%s: %v", tmp, err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for c, root := range roots {
		m := groups[root] // ascending input order: the root first
		idj, _ := json.Marshal(ids[m[0]])
		fmt.Fprintf(w, `{"cluster":%d,"representative":%s,"size":%d,"members":[`, c, idj, len(m))
		for x, d := range m {
			idj, _ := json.Marshal(ids[d])
			rel := "near-duplicate"
			if x == 0 {
				rel = "representative"
			} else {
				w.WriteByte(',')
			}
			fmt.Fprintf(w, `{"id":%s,"relation":"%s"}`, idj, rel)
		}
		w.WriteString("]}\n")
	}
	if err := w.Flush(); err != nil {
		die(1, "%s: %v", tmp, err)
	}
	if err := f.Close(); err != nil {
		die(1, "%s: %v", tmp, err)
	}
	if err := os.Rename(tmp, *out); err != nil {
		die(1, "%s: %v", *out, err)
	}
	k, l := lsh.Params()
	fmt.Fprintf(os.Stderr, "minhashlsh: %d documents, LSH k=%d l=%d, %d candidate pairs, "+
		"%d kept, %d clusters\n", len(ids), k, l, candidates, kept, len(roots))
}
