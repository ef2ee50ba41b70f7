package verdict

import (
	"math"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// Win rates by hand. a and b were compared 6 times: a won 3 (twice shown
// left, once right), b won 1, 1 was "same" and 1 "both bad". a and c twice,
// c won both. Points (a win 1, a tie ½): a = 3 + ½ + ½ = 4 of 8 = 0.5; b =
// 1 + ½ + ½ = 2 of 6 = 0.3333; c = 2 of 2 = 1.
//
// Wilson with z = 1.959964, z² = 3.841459, for the pair a–b (a: 4 of 6,
// p̂ = 0.666667): den = 1 + z²/6 = 1.640243, centre = (0.666667 +
// z²/12)/den = 0.986789/1.640243 = 0.601611, half = z/den · √(p̂(1−p̂)/6 +
// z²/144) = 1.194923 · √0.063714 = 0.301620, so [0.299991, 0.903231].
// For a's whole record (4 of 8, p̂ = ½): den = 1.480182, centre = ½, half
// = z/den · √(0.25/8 + z²/256) = 1.324138 · √0.046256 = 0.284784, so
// [0.215216, 0.784784]. For c (2 of 2, p̂ = 1): den = 2.920730, centre =
// (1 + z²/4)/den = 0.671187, half = z/den · z/4 = 0.328806: [0.342381, 1].
func TestPairwiseByHand(t *testing.T) {
	zs := advisor.StrategyZeroShot
	rs := []advisor.Result{}
	id := int64(0)
	add := func(ep string, c int) int64 {
		id++
		rs = append(rs, advisor.Result{ID: id, Endpoint: ep, Strategy: zs, Case: c})
		return id
	}
	a, b, c := map[int]int64{}, map[int]int64{}, map[int]int64{}
	for i := 0; i < 8; i++ {
		a[i], b[i], c[i] = add("a", i), add("b", i), add("c", i)
	}
	js := []Judgement{
		{Left: a[0], Right: b[0], Choice: ChoiceLeft},
		{Left: a[1], Right: b[1], Choice: ChoiceLeft},
		{Left: b[2], Right: a[2], Choice: ChoiceRight},
		{Left: b[3], Right: a[3], Choice: ChoiceLeft},
		{Left: a[4], Right: b[4], Choice: ChoiceSame},
		{Left: b[5], Right: a[5], Choice: ChoiceBothBad},
		{Left: a[6], Right: c[6], Choice: ChoiceRight},
		{Left: c[7], Right: a[7], Choice: ChoiceLeft},
		{Left: a[0], Right: a[1], Choice: ChoiceLeft}, // one candidate: left out
		{Left: a[0], Right: 999, Choice: ChoiceLeft},  // unknown answer: left out
		{Left: a[2], Right: b[2], Choice: "maybe"},    // no such choice: left out
	}
	v := Verdict{Lang: "en", Candidates: []Candidate{{Endpoint: "a", Strategy: zs}, {Endpoint: "b", Strategy: zs}, {Endpoint: "c", Strategy: zs}, {Endpoint: "d", Strategy: zs}}}
	AddPairwise(&v, rs, js)
	near := func(x, want float64) bool { return math.Abs(x-want) < 1e-5 }
	ca, cb, cc, cd := v.Candidates[0], v.Candidates[1], v.Candidates[2], v.Candidates[3]
	if ca.HumanWinRate == nil || !near(*ca.HumanWinRate, 0.5) || ca.HumanJudged != 8 || !near(ca.HumanWinCI[0], 0.215216) || !near(ca.HumanWinCI[1], 0.784784) {
		t.Errorf("a: %v %v %d", ca.HumanWinRate, ca.HumanWinCI, ca.HumanJudged)
	}
	if cb.HumanWinRate == nil || !near(*cb.HumanWinRate, 2.0/6) || cb.HumanJudged != 6 {
		t.Errorf("b: %v %d", cb.HumanWinRate, cb.HumanJudged)
	}
	if cc.HumanWinRate == nil || *cc.HumanWinRate != 1 || !near(cc.HumanWinCI[0], 0.342381) || !near(cc.HumanWinCI[1], 1) {
		t.Errorf("c: %v %v", cc.HumanWinRate, cc.HumanWinCI)
	}
	if cd.HumanWinRate != nil || cd.HumanJudged != 0 {
		t.Errorf("d was never judged: %+v", cd)
	}
	if len(v.HumanPairs) != 2 {
		t.Fatalf("pairs %+v", v.HumanPairs)
	}
	ab := v.HumanPairs[0]
	if ab.A.Endpoint != "a" || ab.B.Endpoint != "b" || ab.Judged != 6 || ab.AWins != 3 || ab.BWins != 1 || ab.Same != 1 || ab.BothBad != 1 ||
		!near(ab.WinRate, 4.0/6) || math.Abs(ab.WinCI[0]-0.299991) > 1e-5 || math.Abs(ab.WinCI[1]-0.903231) > 1e-5 {
		t.Errorf("a–b %+v", ab)
	}
	if !strings.HasPrefix(ab.Sentence, "No clear preference between a (zero-shot) and b (zero-shot): a (zero-shot) won 3, lost 1 and tied 2 of 6 blind comparisons (win rate 67%") {
		t.Errorf("a–b sentence %q", ab.Sentence)
	}
	ac := v.HumanPairs[1]
	if ac.A.Endpoint != "a" || ac.B.Endpoint != "c" || ac.BWins != 2 || ac.WinRate != 0 {
		t.Errorf("a–c %+v", ac)
	}
	// c won 2 of 2: its interval [0.342, 1] does not hold ½, yet it is not
	// above ½ at the lower end either (0.342): no clear preference.
	if !strings.Contains(ac.Sentence, "No clear preference between c (zero-shot) and a (zero-shot): c (zero-shot) won 2, lost 0") {
		t.Errorf("a–c sentence %q", ac.Sentence)
	}
}

// Twenty wins of twenty for b: Wilson(20, 20) = [0.8389, 1], clear of ½.
func TestPairSentenceClear(t *testing.T) {
	zs := advisor.StrategyZeroShot
	var rs []advisor.Result
	var js []Judgement
	for i := 0; i < 20; i++ {
		rs = append(rs, advisor.Result{ID: int64(2*i + 1), Endpoint: "a", Strategy: zs, Case: i}, advisor.Result{ID: int64(2*i + 2), Endpoint: "b", Strategy: zs, Case: i})
		js = append(js, Judgement{Left: int64(2*i + 1), Right: int64(2*i + 2), Choice: ChoiceRight})
	}
	for _, lang := range []string{"en", "pt-BR"} {
		v := Verdict{Lang: lang, Candidates: []Candidate{{Endpoint: "a", Strategy: zs}, {Endpoint: "b", Strategy: zs}}}
		AddPairwise(&v, rs, js)
		want := map[string]string{
			"en":    "You preferred b (zero-shot) over a (zero-shot): it won 20, lost 0 and tied 0 of 20 blind comparisons (win rate 100%, 95% range 84%–100%).",
			"pt-BR": "Vocês preferiram b (zero-shot) em vez de a (zero-shot): venceu 20, perdeu 0 e empatou 0 das 20 comparações às cegas (taxa de vitória 100%, faixa de 95% 84%–100%).",
		}[lang]
		if got := v.HumanPairs[0].Sentence; got != want {
			t.Errorf("%s: %q\nwant %q", lang, got, want)
		}
	}
}

func TestBlindPairs(t *testing.T) {
	k := func(ep string) Key { return Key{Endpoint: ep, Strategy: "zero-shot"} }
	c := func(ep string, q float64, elig bool, vs string) Candidate {
		return Candidate{Endpoint: ep, Strategy: "zero-shot", Quality: q, Eligible: elig, VsBest: vs}
	}
	// The pick (cheap, tied) against the best (big), then the top three
	// among the eligible: big, cheap, mid. slow is not eligible.
	v := Verdict{Candidates: []Candidate{c("slow", 0.99, false, VsWorse), c("big", 0.9, true, VsBest), c("cheap", 0.85, true, VsTied), c("mid", 0.8, true, VsWorse), c("low", 0.2, true, VsWorse)},
		Pick: &Pick{Endpoint: "cheap", Strategy: "zero-shot"}}
	got := BlindPairs(v)
	want := [][2]Key{{k("cheap"), k("big")}, {k("big"), k("mid")}, {k("cheap"), k("mid")}}
	if len(got) != len(want) {
		t.Fatalf("pairs %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("pair %d: %v, want %v", i, got[i], want[i])
		}
	}
	if p := BlindPairs(Verdict{Candidates: []Candidate{c("one", 1, true, VsBest)}}); len(p) != 0 {
		t.Errorf("one candidate has no pair: %v", p)
	}
}

// The layout is random yet repeatable: the same seed gives the same items;
// across 40 cases both orders occur for each candidate, and another seed
// gives another layout.
func TestBlindItemsSeeded(t *testing.T) {
	zs := advisor.StrategyZeroShot
	var rs []advisor.Result
	for i := 0; i < 40; i++ {
		rs = append(rs, advisor.Result{ID: int64(100 + i), Endpoint: "a", Strategy: zs, Case: i},
			advisor.Result{ID: int64(200 + i), Endpoint: "b", Strategy: zs, Case: i})
	}
	rs = append(rs, advisor.Result{ID: 300, Endpoint: "a", Strategy: zs, Case: 40}, // b has no case 40
		advisor.Result{ID: 301, Endpoint: "a", Strategy: zs, Case: 1, Repeat: 1}, // a repeat
		advisor.Result{ID: 302, Endpoint: "b", Strategy: zs, Case: 41, ErrorClass: "timeout"},
		advisor.Result{ID: 303, Endpoint: "a", Strategy: zs, Case: 41})
	pairs := [][2]Key{{{Endpoint: "a", Strategy: zs}, {Endpoint: "b", Strategy: zs}}}
	one, two, other := BlindItems(rs, pairs, 7), BlindItems(rs, pairs, 7), BlindItems(rs, pairs, 8)
	if len(one) != 40 {
		t.Fatalf("%d items, want the 40 cases both answered", len(one))
	}
	same, aLeft := true, 0
	cases := map[int]bool{}
	for i := range one {
		if one[i] != two[i] {
			t.Fatalf("item %d differs for one seed: %+v %+v", i, one[i], two[i])
		}
		if one[i] != other[i] {
			same = false
		}
		if one[i].Left < 200 {
			aLeft++
		}
		if one[i].Left%100 != one[i].Right%100 || one[i].Case != int(one[i].Left%100) {
			t.Errorf("item %+v pairs answers to different cases", one[i])
		}
		cases[one[i].Case] = true
	}
	if same {
		t.Error("another seed gave the same layout")
	}
	if aLeft == 0 || aLeft == 40 {
		t.Errorf("a was on the left %d of 40 times: the order is fixed by candidate", aLeft)
	}
	if len(cases) != 40 {
		t.Errorf("%d distinct cases", len(cases))
	}
	inOrder := true
	for i := 1; i < len(one); i++ {
		if one[i].Case < one[i-1].Case {
			inOrder = false
		}
	}
	if inOrder {
		t.Error("the cases come in their own order: not shuffled")
	}
}

// Against the baseline: case 0 drops 1 → 0 (a regression), case 1 drops
// 1 → 0.5, case 2 rises 0 → 1, case 3 stays; case 4, scored the same,
// people preferred the other blind (better); case 5 the baseline failed
// with an error (0) and the other passed. Sorted: the larger drop first,
// then the improvements (largest rise first, ties by case), then same.
func TestBaselineDiffSorted(t *testing.T) {
	zs := advisor.StrategyZeroShot
	r := func(id int64, ep string, c int, s float64) advisor.Result {
		return advisor.Result{ID: id, Endpoint: ep, Strategy: zs, Case: c, Score: s}
	}
	rs := []advisor.Result{
		r(1, "base", 0, 1), r(2, "new", 0, 0),
		r(3, "base", 1, 1), r(4, "new", 1, 0.5),
		r(5, "base", 2, 0), r(6, "new", 2, 1),
		r(7, "base", 3, 1), r(8, "new", 3, 1),
		r(9, "base", 4, 1), r(10, "new", 4, 1),
		{ID: 11, Endpoint: "base", Strategy: zs, Case: 5, Score: 1, ErrorClass: "timeout"}, r(12, "new", 5, 1),
		r(13, "base", 6, 1), // the other never ran case 6
	}
	js := []Judgement{{Left: 9, Right: 10, Choice: ChoiceRight}, {Left: 10, Right: 9, Choice: ChoiceLeft}}
	ds := BaselineDiff(rs, Key{Endpoint: "base", Strategy: zs}, Key{Endpoint: "new", Strategy: zs}, js)
	var got []string
	for _, d := range ds {
		got = append(got, d.Outcome+":"+string(rune('0'+d.Case)))
	}
	want := "worse:0 worse:1 better:2 better:5 better:4 same:3"
	if strings.Join(got, " ") != want {
		t.Errorf("diff %v, want %s", got, want)
	}
	if ds[4].Human != DiffBetter || ds[4].Baseline != 1 || ds[4].Other != 1 {
		t.Errorf("case 4 %+v", ds[4])
	}
	if w, b, s := DiffCounts(ds); w != 2 || b != 3 || s != 1 {
		t.Errorf("counts %d %d %d", w, b, s)
	}
}
