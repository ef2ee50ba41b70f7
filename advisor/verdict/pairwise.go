package verdict

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/locale"
)

// Choices of a blind side-by-side judgement, as the person saw the two
// answers: the left one better, the right one better, the same, or both bad.
const (
	ChoiceLeft    = "left"
	ChoiceRight   = "right"
	ChoiceSame    = "same"
	ChoiceBothBad = "both_bad"
)

// Choices lists the choices in the order of their keys (1 2 3 4).
var Choices = []string{ChoiceLeft, ChoiceRight, ChoiceSame, ChoiceBothBad}

// ValidChoice reports whether c is one of Choices.
func ValidChoice(c string) bool {
	for _, x := range Choices {
		if c == x {
			return true
		}
	}
	return false
}

// Judgement is one person's choice between two answers to the same case,
// Left and Right being the result ids in the order they were shown.
type Judgement struct {
	Left   int64  `json:"left_result"`
	Right  int64  `json:"right_result"`
	Choice string `json:"choice"`
	Who    string `json:"who"`
}

// Key names a candidate: case set, endpoint and strategy.
type Key struct {
	Set      string `json:"set,omitempty"`
	Endpoint string `json:"endpoint"`
	Strategy string `json:"strategy"`
}

// Key is the candidate's key.
func (c Candidate) Key() Key { return Key{c.Set, c.Endpoint, c.Strategy} }

// Label is "endpoint (strategy)".
func (k Key) Label() string { return k.Endpoint + " (" + k.Strategy + ")" }

func keyOf(r advisor.Result) Key { return Key{r.Set, r.Endpoint, r.Strategy} }

// PairResult is what people chose between two candidates: A's wins, B's
// wins, the ties ("same") and the cases both answers were bad, and A's win
// rate over B with ties and "both bad" counted half to each (neither is
// preferred), with its 95 % Wilson interval.
type PairResult struct {
	A        Key        `json:"a"`
	B        Key        `json:"b"`
	Judged   int        `json:"judged"`
	AWins    int        `json:"a_wins"`
	BWins    int        `json:"b_wins"`
	Same     int        `json:"same"`
	BothBad  int        `json:"both_bad"`
	WinRate  float64    `json:"a_win_rate"`
	WinCI    [2]float64 `json:"a_win_ci"`
	Sentence string     `json:"sentence"`
}

// AddPairwise puts people's blind side-by-side choices into the verdict:
// each candidate's win rate over every answer it was judged on (a win 1, a
// tie or "both bad" ½, a loss 0) with its 95 % Wilson interval (the
// fractional form AddHuman uses: conservative for the half points), and the
// result of each pair judged. A judgement whose answers are unknown, or
// belong to one candidate, is left out.
func AddPairwise(v *Verdict, results []advisor.Result, js []Judgement) {
	byID := make(map[int64]Key, len(results))
	for _, r := range results {
		if r.ID != 0 {
			byID[r.ID] = keyOf(r)
		}
	}
	wins := map[Key]float64{}
	n := map[Key]int{}
	pairs := map[[2]Key]*PairResult{}
	var order [][2]Key
	for _, j := range js {
		l, okl := byID[j.Left]
		r, okr := byID[j.Right]
		if !okl || !okr || l == r || !ValidChoice(j.Choice) {
			continue
		}
		n[l]++
		n[r]++
		a, b := l, r
		if less(b, a) {
			a, b = b, a
		}
		pk := [2]Key{a, b}
		p := pairs[pk]
		if p == nil {
			p = &PairResult{A: a, B: b}
			pairs[pk] = p
			order = append(order, pk)
		}
		p.Judged++
		switch j.Choice {
		case ChoiceLeft, ChoiceRight:
			w := l
			if j.Choice == ChoiceRight {
				w = r
			}
			wins[w]++
			if w == a {
				p.AWins++
			} else {
				p.BWins++
			}
		case ChoiceSame:
			wins[l] += 0.5
			wins[r] += 0.5
			p.Same++
		case ChoiceBothBad:
			wins[l] += 0.5
			wins[r] += 0.5
			p.BothBad++
		}
	}
	for i := range v.Candidates {
		c := &v.Candidates[i]
		k := c.Key()
		if n[k] == 0 {
			continue
		}
		q := wins[k] / float64(n[k])
		lo, hi := Wilson(wins[k], float64(n[k]))
		c.HumanWinRate, c.HumanWinCI, c.HumanJudged = &q, &[2]float64{lo, hi}, n[k]
	}
	sort.Slice(order, func(i, j int) bool {
		if pairs[order[i]].Judged != pairs[order[j]].Judged {
			return pairs[order[i]].Judged > pairs[order[j]].Judged
		}
		return less(order[i][0], order[j][0]) || (order[i][0] == order[j][0] && less(order[i][1], order[j][1]))
	})
	v.HumanPairs = nil
	for _, pk := range order {
		p := pairs[pk]
		w := float64(p.AWins) + 0.5*float64(p.Same+p.BothBad)
		p.WinRate = w / float64(p.Judged)
		p.WinCI[0], p.WinCI[1] = Wilson(w, float64(p.Judged))
		p.Sentence = pairSentence(v.Lang, *p)
		v.HumanPairs = append(v.HumanPairs, *p)
	}
}

func less(a, b Key) bool {
	if a.Set != b.Set {
		return a.Set < b.Set
	}
	if a.Endpoint != b.Endpoint {
		return a.Endpoint < b.Endpoint
	}
	return a.Strategy < b.Strategy
}

// pairSentence says a pair's result in plain words, naming the one people
// preferred, or saying they could not tell them apart when the interval
// holds one half.
func pairSentence(lang string, p PairResult) string {
	l := locale.For(lang)
	pc := func(x float64) string { return l.Number(x*100, 0) + "%" }
	win, lose, wr, ci, wins, losses := p.A, p.B, p.WinRate, p.WinCI, p.AWins, p.BWins
	if p.WinRate < 0.5 {
		win, lose, wr, ci, wins, losses = p.B, p.A, 1-p.WinRate, [2]float64{1 - p.WinCI[1], 1 - p.WinCI[0]}, p.BWins, p.AWins
	}
	ties := p.Same + p.BothBad
	clear := ci[0] > 0.5
	switch {
	case locale.IsPT(lang) && clear:
		return fmt.Sprintf("Vocês preferiram %s em vez de %s: venceu %d, perdeu %d e empatou %d das %d comparações às cegas (taxa de vitória %s, faixa de 95%% %s–%s).",
			win.Label(), lose.Label(), wins, losses, ties, p.Judged, pc(wr), pc(ci[0]), pc(ci[1]))
	case locale.IsPT(lang):
		return fmt.Sprintf("Entre %s e %s não houve preferência clara: %s venceu %d, perdeu %d e empatou %d das %d comparações às cegas (taxa de vitória %s, faixa de 95%% %s–%s).",
			win.Label(), lose.Label(), win.Label(), wins, losses, ties, p.Judged, pc(wr), pc(ci[0]), pc(ci[1]))
	case clear:
		return fmt.Sprintf("You preferred %s over %s: it won %d, lost %d and tied %d of %d blind comparisons (win rate %s, 95%% range %s–%s).",
			win.Label(), lose.Label(), wins, losses, ties, p.Judged, pc(wr), pc(ci[0]), pc(ci[1]))
	default:
		return fmt.Sprintf("No clear preference between %s and %s: %s won %d, lost %d and tied %d of %d blind comparisons (win rate %s, 95%% range %s–%s).",
			win.Label(), lose.Label(), win.Label(), wins, losses, ties, p.Judged, pc(wr), pc(ci[0]), pc(ci[1]))
	}
}

// MaxBlindPairs caps the candidate pairs a blind session covers.
const MaxBlindPairs = 3

// BlindPairs are the candidate pairs a blind session should cover: those
// the verdict has to separate, not every pair. First the pick against the
// best by quality (when they differ), then the pairs among the top three
// by quality (the eligible first), at most MaxBlindPairs in all.
func BlindPairs(v Verdict) [][2]Key {
	idx := make([]int, len(v.Candidates))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := v.Candidates[idx[i]], v.Candidates[idx[j]]
		if a.Eligible != b.Eligible {
			return a.Eligible
		}
		return a.Quality > b.Quality
	})
	var out [][2]Key
	seen := map[[2]Key]bool{}
	add := func(a, b Key) {
		if a == b || len(out) >= MaxBlindPairs {
			return
		}
		pk := [2]Key{a, b}
		if less(b, a) {
			pk = [2]Key{b, a}
		}
		if !seen[pk] {
			seen[pk] = true
			out = append(out, [2]Key{a, b})
		}
	}
	var pickKey, bestKey *Key
	for i := range v.Candidates {
		c := v.Candidates[i]
		k := c.Key()
		if v.Pick != nil && c.Endpoint == v.Pick.Endpoint && c.Strategy == v.Pick.Strategy {
			pickKey = &k
		}
		if c.VsBest == VsBest {
			bestKey = &k
		}
	}
	if pickKey != nil && bestKey != nil {
		add(*pickKey, *bestKey)
	}
	top := idx
	if len(top) > 3 {
		top = top[:3]
	}
	for i := range top {
		for j := i + 1; j < len(top); j++ {
			add(v.Candidates[top[i]].Key(), v.Candidates[top[j]].Key())
		}
	}
	return out
}

// BlindItem is one screen of a blind session: a case and the two answers
// to it, by result id, in the order they are shown.
type BlindItem struct {
	Set   string `json:"set,omitempty"`
	Case  int    `json:"case"`
	Left  int64  `json:"left"`
	Right int64  `json:"right"`
}

// BlindItems lays out a blind session over the pairs: for each pair, every
// case both candidates answered without error (the first repeat, warm-ups
// left out), the items in an order shuffled by seed and each item's two
// answers put left and right by a coin the same seed throws. The same
// results and seed give the same session, so a stored seed resumes it.
func BlindItems(results []advisor.Result, pairs [][2]Key, seed uint64) []BlindItem {
	type sc struct {
		set string
		c   int
	}
	ans := map[Key]map[sc]int64{}
	for _, r := range results {
		if r.ID == 0 || r.Warmup || r.Repeat != 0 || r.ErrorClass != "" {
			continue
		}
		k := keyOf(r)
		if ans[k] == nil {
			ans[k] = map[sc]int64{}
		}
		ans[k][sc{r.Set, r.Case}] = r.ID
	}
	var items []BlindItem
	for _, p := range pairs {
		var cases []sc
		for c := range ans[p[0]] {
			if _, ok := ans[p[1]][c]; ok {
				cases = append(cases, c)
			}
		}
		sort.Slice(cases, func(i, j int) bool {
			if cases[i].set != cases[j].set {
				return cases[i].set < cases[j].set
			}
			return cases[i].c < cases[j].c
		})
		for _, c := range cases {
			items = append(items, BlindItem{Set: c.set, Case: c.c, Left: ans[p[0]][c], Right: ans[p[1]][c]})
		}
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	for i := range items {
		if rng.IntN(2) == 1 {
			items[i].Left, items[i].Right = items[i].Right, items[i].Left
		}
	}
	return items
}

// Outcomes of a case against the baseline.
const (
	DiffBetter = "better"
	DiffWorse  = "worse"
	DiffSame   = "same"
)

// CaseDiff is one case of a candidate against the baseline: each side's
// score on it (the mean over repeats; a failed request scores 0) and the
// outcome. A human choice between the two answers, when there is one,
// decides over the scores (Human says which).
type CaseDiff struct {
	Set      string  `json:"set,omitempty"`
	Case     int     `json:"case"`
	Baseline float64 `json:"baseline"`
	Other    float64 `json:"other"`
	Outcome  string  `json:"outcome"`
	Human    string  `json:"human,omitempty"` // the outcome people chose, when they judged this case
}

// BaselineDiff compares other with the baseline case by case on the cases
// both ran, and sorts the list regressions first (the largest drop first),
// then improvements, then the cases that stayed the same. People's blind
// choices between the two answers of a case, when there are any, decide
// that case's outcome (the majority; a tie of choices is "same").
func BaselineDiff(results []advisor.Result, baseline, other Key, js []Judgement) []CaseDiff {
	sc := scoreSides(results, baseline, other)
	votes, voted := sc.humanVotes(js)
	var out []CaseDiff
	for k, b := range sc.base {
		o, ok := sc.other[k]
		if !ok {
			continue
		}
		d := CaseDiff{Set: k.set, Case: k.c, Baseline: b.sum / b.n, Other: o.sum / o.n, Outcome: DiffSame}
		switch diff := d.Other - d.Baseline; {
		case diff > 1e-9:
			d.Outcome = DiffBetter
		case diff < -1e-9:
			d.Outcome = DiffWorse
		}
		if voted[k] {
			switch {
			case votes[k] > 0:
				d.Human = DiffBetter
			case votes[k] < 0:
				d.Human = DiffWorse
			default:
				d.Human = DiffSame
			}
			d.Outcome = d.Human
		}
		out = append(out, d)
	}
	sortCaseDiffs(out)
	return out
}

// diffCase is one case of one set.
type diffCase struct {
	set string
	c   int
}

type scoreSum struct{ sum, n float64 }

// diffSides is each case's scores on the baseline's side and the other's,
// and which side each result is on.
type diffSides struct {
	base, other map[diffCase]*scoreSum
	side        map[int64]int // result id → 1 baseline, 2 other
	caseOf      map[int64]diffCase
}

// scoreSides sums the scores of the measured results of baseline and other
// per case, a failed request scoring 0.
func scoreSides(results []advisor.Result, baseline, other Key) diffSides {
	sc := diffSides{base: map[diffCase]*scoreSum{}, other: map[diffCase]*scoreSum{}, side: map[int64]int{}, caseOf: map[int64]diffCase{}}
	for _, r := range results {
		if r.Warmup || r.Unscored {
			continue
		}
		var m map[diffCase]*scoreSum
		switch keyOf(r) {
		case baseline:
			m = sc.base
			sc.side[r.ID] = 1
		case other:
			m = sc.other
			sc.side[r.ID] = 2
		default:
			continue
		}
		k := diffCase{r.Set, r.Case}
		sc.caseOf[r.ID] = k
		if m[k] == nil {
			m[k] = &scoreSum{}
		}
		s := r.Score
		if r.ErrorClass != "" {
			s = 0
		}
		m[k].sum += s
		m[k].n++
	}
	return sc
}

// humanVotes counts, per case, the people's choices between a baseline
// answer and the other's answer to the same case: + the other preferred,
// − the baseline preferred; voted says the case had such a judgement.
func (sc diffSides) humanVotes(js []Judgement) (votes map[diffCase]int, voted map[diffCase]bool) {
	votes, voted = map[diffCase]int{}, map[diffCase]bool{}
	for _, j := range js {
		sl, sr := sc.side[j.Left], sc.side[j.Right]
		if sl == 0 || sr == 0 || sl == sr || sc.caseOf[j.Left] != sc.caseOf[j.Right] {
			continue
		}
		k := sc.caseOf[j.Left]
		voted[k] = true
		win := 0
		switch j.Choice {
		case ChoiceLeft:
			win = sl
		case ChoiceRight:
			win = sr
		}
		switch win {
		case 2:
			votes[k]++
		case 1:
			votes[k]--
		}
	}
	return votes, voted
}

// sortCaseDiffs puts the worse cases first (the largest drop first), then
// the better ones (the largest gain first), then the same, each by set and case.
func sortCaseDiffs(out []CaseDiff) {
	rank := map[string]int{DiffWorse: 0, DiffBetter: 1, DiffSame: 2}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if rank[a.Outcome] != rank[b.Outcome] {
			return rank[a.Outcome] < rank[b.Outcome]
		}
		da, db := a.Other-a.Baseline, b.Other-b.Baseline
		if a.Outcome == DiffWorse && da != db {
			return da < db
		}
		if a.Outcome == DiffBetter && da != db {
			return da > db
		}
		if a.Set != b.Set {
			return a.Set < b.Set
		}
		return a.Case < b.Case
	})
}

// DiffCounts counts the outcomes of a baseline diff.
func DiffCounts(ds []CaseDiff) (worse, better, same int) {
	for _, d := range ds {
		switch d.Outcome {
		case DiffWorse:
			worse++
		case DiffBetter:
			better++
		default:
			same++
		}
	}
	return
}

// People are what people said about a run's answers: each answer's scores
// (result id → one score 0..1 per person) and the blind choices.
type People struct {
	Scores     map[int64][]float64
	Judgements []Judgement
}

// Empty reports whether nobody rated or judged anything.
func (p People) Empty() bool { return len(p.Scores) == 0 && len(p.Judgements) == 0 }

// AddPeople puts people's scores (AddHuman) and blind choices
// (AddPairwise) into the verdict.
func AddPeople(v *Verdict, results []advisor.Result, p People) {
	AddHuman(v, results, p.Scores)
	AddPairwise(v, results, p.Judgements)
}

// BaselineReport is every candidate against the baseline, case by case.
type BaselineReport struct {
	Baseline Key               `json:"baseline"`
	Against  []BaselineAgainst `json:"against"`
}

// BaselineAgainst is one candidate's cases against the baseline (sorted
// regressions first, BaselineDiff) and their counts.
type BaselineAgainst struct {
	Candidate Key        `json:"candidate"`
	Worse     int        `json:"worse"`
	Better    int        `json:"better"`
	Same      int        `json:"same"`
	Cases     []CaseDiff `json:"cases"`
}

// AddBaseline compares every other candidate of the verdict with the
// baseline (BaselineDiff); false when the baseline is not a candidate.
func AddBaseline(v *Verdict, results []advisor.Result, baseline Key, js []Judgement) bool {
	found := false
	for _, c := range v.Candidates {
		if c.Key() == baseline {
			found = true
		}
	}
	if !found {
		return false
	}
	rep := &BaselineReport{Baseline: baseline, Against: []BaselineAgainst{}}
	for _, c := range v.Candidates {
		if c.Key() == baseline {
			continue
		}
		ds := BaselineDiff(results, baseline, c.Key(), js)
		w, b, s := DiffCounts(ds)
		rep.Against = append(rep.Against, BaselineAgainst{Candidate: c.Key(), Worse: w, Better: b, Same: s, Cases: ds})
	}
	v.Baseline = rep
	return true
}

// FindKey is the candidate named "endpoint" or "endpoint/strategy" (the
// endpoint alone must name one candidate); false when none or several match.
func FindKey(v Verdict, name string) (Key, bool) {
	ep, st, hasSt := strings.Cut(name, "/")
	var got []Key
	for _, c := range v.Candidates {
		if c.Endpoint == ep && (!hasSt || c.Strategy == st) {
			got = append(got, c.Key())
		}
	}
	if len(got) != 1 {
		return Key{}, false
	}
	return got[0], true
}
