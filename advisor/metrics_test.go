package advisor

import (
	"math"
	"reflect"
	"testing"
)

func TestNormalizeWords(t *testing.T) {
	got := NormalizeWords("Hello, World!  Don't stop — São Paulo's 2nd  'quote'")
	want := []string{"hello", "world", "don't", "stop", "são", "paulo's", "2nd", "quote"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NormalizeWords = %q, want %q", got, want)
	}
}

// Hand-computed word error rates.
func TestWER(t *testing.T) {
	cases := []struct {
		ref, hyp string
		want     float64
	}{
		{"the cat sat on the mat", "the cat sat on the mat", 0},
		{"the cat sat on the mat", "The cat, sat on the mat.", 0},     // case and punctuation do not count
		{"the cat sat on the mat", "the cat sit on the mat", 1.0 / 6}, // 1 substitution
		{"the cat sat on the mat", "the cat on the mat", 1.0 / 6},     // 1 deletion
		{"the cat sat on the mat", "the big cat sat on the mat", 1.0 / 6},
		{"the cat sat on the mat", "a dog stood under a rug", 1}, // 6 substitutions
		{"hello world", "hello there big world out there", 2},    // 4 insertions / 2 words
		{"one two three four", "two three four five", 0.5},       // 1 deletion + 1 insertion
		{"", "", 0},
		{"", "noise", 1},
		{"something said", "", 1},
	}
	for _, c := range cases {
		if got := WER(c.ref, c.hyp); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("WER(%q, %q) = %v, want %v", c.ref, c.hyp, got, c.want)
		}
	}
}

// Hand-computed retrieval figures.
func TestRecallAndRank(t *testing.T) {
	ranked := []string{"d3", "d1", "d7", "d2", "d9"}
	if got := RecallAtK(ranked, []string{"d1", "d2"}, 3); got != 0.5 {
		t.Errorf("recall@3 = %v, want 0.5", got)
	}
	if got := RecallAtK(ranked, []string{"d1", "d2"}, 5); got != 1 {
		t.Errorf("recall@5 = %v, want 1", got)
	}
	if got := RecallAtK([]string{"d1", "d1"}, []string{"d1", "d2"}, 2); got != 0.5 {
		t.Errorf("a duplicate counted twice: recall = %v, want 0.5", got)
	}
	if got := RecallAtK(ranked, nil, 3); got != 0 {
		t.Errorf("recall with nothing relevant = %v", got)
	}
	if got := ReciprocalRank(ranked, []string{"d7", "d2"}); math.Abs(got-1.0/3) > 1e-12 {
		t.Errorf("reciprocal rank = %v, want 1/3", got)
	}
	if got := ReciprocalRank(ranked, []string{"x"}); got != 0 {
		t.Errorf("reciprocal rank of a missing id = %v", got)
	}
}

func TestCosine(t *testing.T) {
	if got := Cosine([]float32{1, 0}, []float32{0, 1}); got != 0 {
		t.Errorf("orthogonal = %v", got)
	}
	if got := Cosine([]float32{1, 2, 3}, []float32{2, 4, 6}); math.Abs(got-1) > 1e-9 {
		t.Errorf("parallel = %v", got)
	}
	if got := Cosine([]float32{1, 1}, []float32{-1, -1}); math.Abs(got+1) > 1e-9 {
		t.Errorf("opposite = %v", got)
	}
	if got := Cosine([]float32{1}, []float32{1, 2}); got != 0 {
		t.Errorf("length mismatch = %v", got)
	}
}

func BenchmarkWER(b *testing.B) {
	ref := "the quick brown fox jumps over the lazy dog and then runs far away into the forest where nobody can find it"
	hyp := "the quick brown fox jumped over a lazy dog and then ran away into the forest where no one can find it again"
	for i := 0; i < b.N; i++ {
		WER(ref, hyp)
	}
}
