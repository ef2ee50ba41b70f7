package advisor

import (
	"math"
	"strings"
	"unicode"
)

// NormalizeWords lowercases text, drops punctuation and splits it into words,
// the normalisation used before a word error rate is computed (so "Hello,
// world!" and "hello world" are the same transcript). Apostrophes inside a
// word are kept ("don't" stays one word).
func NormalizeWords(s string) []string {
	var b strings.Builder
	rs := []rune(strings.ToLower(s))
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case (r == '\'' || r == '’') && i > 0 && i < len(rs)-1 && unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1]):
			b.WriteRune('\'')
		default:
			b.WriteRune(' ')
		}
	}
	return strings.Fields(b.String())
}

// WER is the word error rate of a hypothesis against a reference transcript:
// (substitutions + deletions + insertions) / reference words, after
// NormalizeWords. An empty reference gives 0 when the hypothesis is empty
// too and 1 otherwise. WER can exceed 1 when the hypothesis adds many words.
func WER(reference, hypothesis string) float64 {
	ref, hyp := NormalizeWords(reference), NormalizeWords(hypothesis)
	if len(ref) == 0 {
		if len(hyp) == 0 {
			return 0
		}
		return 1
	}
	return float64(editDistance(ref, hyp)) / float64(len(ref))
}

// editDistance is the word-level Levenshtein distance, in O(len(b)) memory.
func editDistance(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// RecallAtK is the share of the relevant ids that appear among the first k
// ranked ids (0 when nothing is relevant).
func RecallAtK(ranked, relevant []string, k int) float64 {
	if len(relevant) == 0 {
		return 0
	}
	want := map[string]bool{}
	for _, id := range relevant {
		want[id] = true
	}
	found := 0
	for i, id := range ranked {
		if i >= k {
			break
		}
		if want[id] {
			found++
			delete(want, id) // a duplicate in the ranking counts once
		}
	}
	return float64(found) / float64(len(relevant))
}

// ReciprocalRank is 1/rank of the first relevant id in the ranking (rank
// from 1), or 0 when none is ranked. Its mean over queries is the MRR.
func ReciprocalRank(ranked, relevant []string) float64 {
	want := map[string]bool{}
	for _, id := range relevant {
		want[id] = true
	}
	for i, id := range ranked {
		if want[id] {
			return 1 / float64(i+1)
		}
	}
	return 0
}

// Cosine is the cosine similarity of two vectors (0 when either is zero or
// their lengths differ).
func Cosine(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / (math.Sqrt(na) * math.Sqrt(nb))
}
